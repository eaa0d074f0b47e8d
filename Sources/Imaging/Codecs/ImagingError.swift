/// Why an image cannot be made into thumbnails: a fault of the upload, never retried.
///
/// `description` is safe to log: it names the rule and the measured size, never image bytes.
package struct ImagingError: Error, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case unsupportedType, tooLarge, tooManyPixels, corrupt
    }

    private let code: Code
    package let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Neither JPEG nor PNG by its first bytes.
    package static func unsupportedType(_ message: String) -> Self { Self(.unsupportedType, message) }
    /// More bytes than the limit.
    package static func tooLarge(_ message: String) -> Self { Self(.tooLarge, message) }
    /// More pixels than the limit, found from the header before anything is decoded.
    package static func tooManyPixels(_ message: String) -> Self { Self(.tooManyPixels, message) }
    /// The decoder refused the data (truncated, damaged, an unsupported colour space).
    package static func corrupt(_ message: String) -> Self { Self(.corrupt, message) }

    package var isUnsupportedType: Bool { self.code == .unsupportedType }
    package var isTooLarge: Bool { self.code == .tooLarge }
    package var isTooManyPixels: Bool { self.code == .tooManyPixels }
    package var isCorrupt: Bool { self.code == .corrupt }

    package var description: String { self.message }
}
