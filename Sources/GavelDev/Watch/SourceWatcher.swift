import FoundationEssentials

/// The files under some directories of a checkout and when each last changed, compared poll to poll.
///
/// Polling, not inotify: a few hundred `stat`s every half second cost nothing measurable, work the same on
/// every filesystem (bind mounts, network shares, editors that replace files by renaming), and need no
/// watch descriptors per directory.
struct SourceWatcher: Sendable {
    /// Relative to the root: `Sources`, `Templates`, `template.yaml`.
    var paths: [String]
    var root: String

    /// Every regular file under `paths`, with its modification time and size.
    func snapshot() -> [String: FileStamp] {
        let manager = FileManager.default
        var files: [String: FileStamp] = [:]
        for path in self.paths {
            let absolute = self.root + "/" + path
            var isDirectory: Bool = false
            guard manager.fileExists(atPath: absolute, isDirectory: &isDirectory) else { continue }
            let relatives =
                isDirectory
                ? ((try? manager.subpathsOfDirectory(atPath: absolute)) ?? []).map { path + "/" + $0 } : [path]
            for relative in relatives {
                guard let attributes = try? manager.attributesOfItem(atPath: self.root + "/" + relative),
                    attributes[.type] as? FileAttributeType == .typeRegular
                else { continue }
                files[relative] = FileStamp(
                    modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0,
                    size: (attributes[.size] as? Int) ?? 0
                )
            }
        }
        return files
    }

    /// The files added, removed or changed between two snapshots.
    static func changes(from old: [String: FileStamp], to new: [String: FileStamp]) -> Set<String> {
        var changed = Set(old.keys).symmetricDifference(new.keys)
        for (path, stamp) in new where old[path].map({ $0 != stamp }) ?? false { changed.insert(path) }
        return changed
    }
}

/// When a file last changed, as far as polling can tell.
struct FileStamp: Sendable, Equatable {
    var modified: Double
    var size: Int
}
