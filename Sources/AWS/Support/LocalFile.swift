#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a small file whole through the C library, for what a bootstrap reads from its own disk (a
/// container credentials token, its notification templates): Foundation's `FileManager` is not linked into a
/// bootstrap. Here because AWS is the lowest module every function links.
package enum LocalFile {
    /// The file's bytes; nil when it cannot be opened or read.
    package static func contents(atPath path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { return ferror(file) == 0 ? bytes : nil }
        }
    }
}
