#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole writes to standard output and error, so responses and logs interleave by line.
package enum FileHandleWriter {
    package static func standardOutput(_ text: String) { self.write(Array(text.utf8), to: STDOUT_FILENO) }
    package static func standardError(_ text: String) { self.write(Array(text.utf8), to: STDERR_FILENO) }

    /// Writes all of `bytes`, continuing after partial writes; gives up when the descriptor refuses.
    package static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
