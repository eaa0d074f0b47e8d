import FoundationEssentials

/// Where things are in a Gavel checkout: found by walking up from a directory to the one holding
/// both Package.swift and template.yaml.
package struct ProjectLayout: Sendable {
    package let root: String

    /// - Throws: `LocalError.unreadable` when no directory above `start` is a Gavel checkout.
    package init(searchingUpFrom start: String) throws {
        var directory = start
        while true {
            let manager = FileManager.default
            if manager.fileExists(atPath: directory + "/Package.swift"),
                manager.fileExists(atPath: directory + "/template.yaml")
            {
                self.root = directory
                return
            }
            guard let slash = directory.lastIndex(of: "/"), directory != "/" else {
                throw LocalError.unreadable(
                    start,
                    reason: "not inside a Gavel checkout (no Package.swift beside template.yaml)"
                )
            }
            directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
        }
    }

    package var template: String { self.root + "/template.yaml" }

    /// The static bootstrap `scripts/build` writes for `function`.
    package func bootstrap(for function: String) -> String {
        self.root + "/.build/lambda/\(function)/bootstrap"
    }

    /// The build script.
    package var buildScript: String { self.root + "/scripts/build" }
}
