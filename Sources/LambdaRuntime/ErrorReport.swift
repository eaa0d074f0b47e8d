import JSON

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

    /// The failure as X-Ray's cause document, on one line of ASCII (it travels in a header), or nil when it
    /// is larger than Lambda takes.
    package func xrayCause(workingDirectory: String) -> String? {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("working_directory") { $0.string(workingDirectory, asciiOnly: true) }
            writer.member("exceptions") { writer in
                writer.array { writer in
                    writer.element { writer in
                        writer.object { writer in
                            writer.member("type") { $0.string(self.errorType, asciiOnly: true) }
                            writer.member("message") { $0.string(self.errorMessage, asciiOnly: true) }
                        }
                    }
                }
            }
            writer.member("paths") { $0.array { _ in } }
        }
        let cause = String(decoding: writer.bytes, as: UTF8.self)
        return cause.utf8.count <= RuntimeAPI.maxXRayErrorCauseBytes ? cause : nil
    }

    /// The JSON body.
    package var json: [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("errorMessage", string: self.errorMessage)
            writer.member("errorType", string: self.errorType)
            writer.member("stackTrace") { writer in
                writer.array { writer in
                    for line in self.stackTrace { writer.element { $0.string(line) } }
                }
            }
        }
        return writer.bytes
    }
}
