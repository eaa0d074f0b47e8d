import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Paths tests need, found from this file's location, so tests run from any working directory.
package enum TestPaths {
    /// The package root.
    package static let root: String = {
        var url = URL(filePath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sources/GavelTesting/TestPaths.swift
        return url.path(percentEncoded: false).hasSuffix("/")
            ? String(url.path(percentEncoded: false).dropLast()) : url.path(percentEncoded: false)
    }()

    /// True under CI (`CI=true`), where a missing prerequisite is a failure rather than a skip.
    package static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// The bootstrap to test for `function`: the newer of the static one `scripts/build` writes and the
    /// debug one `swift build` writes, so a stale build is never the one tested.
    package static func bootstrap(_ function: String) throws -> String {
        let candidates = ["\(self.root)/.build/lambda/\(function)/bootstrap", "\(self.root)/.build/debug/\(function)"]
        let existing = candidates.compactMap { path -> (String, Date)? in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let modified = attributes[.modificationDate] as? Date
            else { return nil }
            return (path, modified)
        }
        guard let newest = existing.max(by: { $0.1 < $1.1 }) else {
            throw MissingPrerequisite("no bootstrap for \(function): run `scripts/build \(function)` or `swift build`")
        }
        return newest.0
    }

    /// The `gavel-local` executable `swift build` writes.
    package static var gavelLocal: String { "\(self.root)/.build/debug/gavel-local" }

    /// A fresh empty directory under this process's run directory.
    package static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = "\(self.runDirectory)/\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `$TMPDIR/gavel-run-<pid>`, which holds every temporary directory this process makes. Made once, after
    /// removing the run directories of processes that have exited: a failed run's logs stay for reading
    /// until the next run, and runs do not pile up directories (a test suite made hundreds per run, most
    /// passed on to child processes that outlive the test's scope).
    private static let runDirectory: String = {
        let base = FileManager.default.temporaryDirectory.path(percentEncoded: false)
        let prefix = "gavel-run-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: "\(base)/\(name)")
        }
        return "\(base)/\(prefix)\(getpid())"
    }()
}

/// Something a test needs is not there; the message says how to get it.
package struct MissingPrerequisite: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}

extension TestPaths {
    /// `../shared/testdata` beside the checkout, where the SigV4 vectors live; nil when absent.
    package static var sharedTestData: String? {
        let path = URL(filePath: self.root).deletingLastPathComponent().appending(path: "shared/testdata").path(
            percentEncoded: false
        )
        return FileManager.default.fileExists(atPath: path)
            ? (path.hasSuffix("/") ? String(path.dropLast()) : path) : nil
    }
}
