/// The formats image-processing reads, told apart by their first bytes (never by name or content type).
package enum ImageFormat: String, Sendable, Equatable {
    case jpeg
    case png

    /// The format `bytes` start with, or nil.
    package init?(sniffing bytes: [UInt8]) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }

    package var contentType: String { self == .jpeg ? "image/jpeg" : "image/png" }
}
