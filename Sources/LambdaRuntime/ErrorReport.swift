package import FoundationEssentials

/// The body Lambda expects for `/error` and `/init/error`, and the error-type header beside it.
package struct ErrorReport: Codable, Sendable, Equatable {
    package var errorMessage: String
    package var errorType: String
    package var stackTrace: [String]

    package init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = []
    }

    /// Reports `error` by its Swift type name and its `description`, which house errors keep free of secrets.
    package init(error: any Error) {
        self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
    }

    /// The JSON body; encoding three strings cannot fail.
    package var json: Data {
        (try? JSONEncoder().encode(self)) ?? Data(#"{"errorMessage":"","errorType":"Unknown","stackTrace":[]}"#.utf8)
    }
}
