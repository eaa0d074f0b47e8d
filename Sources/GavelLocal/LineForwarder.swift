import LambdaRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Copies a child's output to our standard error line by line, each line after a prefix, on a thread of
/// its own: the reads block, and Swift's cooperative pool has one thread per core.
final class LineForwarder: Sendable {
    private let descriptor: Int32
    private let prefix: [UInt8]
    private let filter: LogFilter
    private let book: (LogBook, function: String)?

    private init(descriptor: Int32, prefix: String, filter: LogFilter, book: (LogBook, function: String)?) {
        self.descriptor = descriptor
        self.prefix = Array(prefix.utf8)
        self.filter = filter
        self.book = book
    }

    /// Starts forwarding; the thread closes `descriptor` at end of file.
    static func start(reading descriptor: Int32, prefix: String, filter: LogFilter, book: (LogBook, function: String)?)
    {
        let forwarder = LineForwarder(descriptor: descriptor, prefix: prefix, filter: filter, book: book)
        if !DetachedThread.start({ forwarder.run() }) { close(descriptor) }
    }

    private func run() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(self.descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                self.emit(pending[...newline])
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { self.emit(pending[...] + [UInt8(ascii: "\n")]) }
        close(self.descriptor)
    }

    /// One write per line, so lines of different functions never interleave mid-line.
    /// The book keeps every line, whatever the terminal's filter hides.
    private func emit(_ line: ArraySlice<UInt8>) {
        // Decoded once, and only when the book or the filter reads it.
        let text = self.book == nil && self.filter.isEmpty ? nil : String(decoding: line.dropLast(), as: UTF8.self)
        if let (book, function) = self.book, let text { book.append(text, of: function) }
        if !self.filter.isEmpty, let text, !self.filter.accepts(text) { return }
        FileHandleWriter.write(self.prefix + line, to: STDERR_FILENO)
    }
}
