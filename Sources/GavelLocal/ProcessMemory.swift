import FoundationEssentials

/// Memory of a running process, read from `/proc`.
package enum ProcessMemory {
    /// The resident set size in KB (`VmRSS`).
    package static func residentKB(pid: Int32) throws -> Int {
        try self.statusField("VmRSS", pid: pid)
    }

    /// The peak resident set size in KB (`VmHWM`).
    package static func peakResidentKB(pid: Int32) throws -> Int {
        try self.statusField("VmHWM", pid: pid)
    }

    /// The file-backed pages resident in KB (`RssFile`): for a static bootstrap, the pages of its binary
    /// it has touched.
    package static func residentFileKB(pid: Int32) throws -> Int {
        try self.statusField("RssFile", pid: pid)
    }

    private static func statusField(_ name: String, pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
            let kilobytes = line.split(separator: " ").dropFirst().first(where: { Int($0) != nil }).flatMap({ Int($0) })
        else { throw LocalError.unreadable("/proc/\(pid)/status", reason: "no \(name) field") }
        return kilobytes
    }
}
