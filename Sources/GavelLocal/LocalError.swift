/// The one error type of gavel-local: what a developer did wrong or what the machine refused.
package struct LocalError: Error, CustomStringConvertible {
    /// A sentence saying what went wrong and, where there is one, what to do.
    package let description: String

    private init(_ description: String) {
        self.description = description
    }

    /// The bootstrap could not be started.
    package static func spawnFailed(_ executable: String, reason: String) -> Self {
        Self("cannot start \(executable): \(reason)")
    }

    /// The named function is not one of the package's functions.
    package static func unknownFunction(_ name: String, known: [String]) -> Self {
        Self("unknown function '\(name)'; the functions are: \(known.joined(separator: ", "))")
    }

    /// A file the command needs could not be read.
    package static func unreadable(_ path: String, reason: String) -> Self {
        Self("cannot read \(path): \(reason)")
    }

    /// template.yaml has something gavel-local cannot use.
    package static func template(_ detail: String) -> Self {
        Self("template.yaml: \(detail)")
    }

    /// The server did not come up.
    package static func serverFailed(_ detail: String) -> Self {
        Self("local Runtime API failed: \(detail)")
    }

    /// A build step failed.
    package static func buildFailed(_ detail: String) -> Self {
        Self("build failed: \(detail)")
    }

    /// The local backend (`gavel-local dev`, `token`) cannot do what was asked.
    package static func dev(_ detail: String) -> Self {
        Self(detail)
    }
}
