import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Runtime API client on a plain socket: one kept-alive HTTP/1.1 connection to the Runtime API, each
/// request written with one `writev` (head and body, the body not copied), each answer read by its
/// `Content-Length` or its chunks. The Runtime API is plain HTTP on loopback, so libcurl's generality (TLS,
/// redirects, proxies, a request built from options on every call) bought nothing here and cost about half
/// of the instructions of a warm invocation.
///
/// A request on a kept-alive connection that fails before any byte of its answer arrived (the server had
/// closed the connection) is sent once more on a fresh one, as curl does: nothing of it was read, so the
/// server never saw it whole.
///
/// Not thread-safe: one loop owns it. A streamed response is sent from the stream's sender thread while the
/// loop waits for it, never at the same time as another call.
package final class SocketRuntimeAPIClient: RuntimeAPIClient {
    /// The Runtime API's address, or why `AWS_LAMBDA_RUNTIME_API` gives none (thrown by the first call).
    private let address: Result<sockaddr_in, RuntimeError>
    private let hostHeader: String
    private var socket: Int32 = -1
    /// Bytes read from the socket and not yet taken by an answer.
    private var input: [UInt8] = []
    private var consumed = 0
    /// What one `recv` reads into, allocated once.
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)
    /// For the X-Ray error cause, read once: a function does not change directory between errors.
    private let workingDirectory: String

    /// One answer: its status, its `Lambda-Runtime-*` headers (lower-cased names) and body.
    private struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    /// - Parameter endpoint: `host:port`, as `AWS_LAMBDA_RUNTIME_API` gives it (Lambda's is `127.0.0.1:9001`);
    ///   the host an IPv4 address or `localhost`.
    package init(endpoint: String) {
        self.address = Self.address(of: endpoint)
        self.hostHeader = endpoint
        var path = [CChar](repeating: 0, count: 4096)
        self.workingDirectory = getcwd(&path, path.count) != nil ? String(cString: path) : ""
        self.input.reserveCapacity(1 << 16)
    }

    deinit {
        if self.socket >= 0 { close(self.socket) }
    }

    private static func address(of endpoint: String) -> Result<sockaddr_in, RuntimeError> {
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...])
        else { return .failure(.runtimeAPIUnreachable("AWS_LAMBDA_RUNTIME_API is not host:port: \(endpoint)")) }
        let host = endpoint[..<colon] == "localhost" ? "127.0.0.1" : String(endpoint[..<colon])
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            return .failure(
                .runtimeAPIUnreachable("AWS_LAMBDA_RUNTIME_API's host is not an IPv4 address: \(endpoint)")
            )
        }
        return .success(address)
    }

    package func nextInvocation() throws(RuntimeError) -> Invocation {
        let answer = try self.exchange("GET", RuntimeAPI.nextPath, headers: [], body: .none)
        guard answer.status == 200 else { throw .runtimeAPIFailed(status: answer.status, path: RuntimeAPI.nextPath) }
        return try Invocation(lowercasedHeaders: answer.headers, event: answer.body)
    }

    package func sendResponse(_ body: [UInt8], requestId: String, invocationId: String?) throws(RuntimeError) {
        let headers = invocationId.map { ["\(RuntimeAPI.Header.invocationId): \($0)"] } ?? []
        try self.post(RuntimeAPI.responsePath(requestId: requestId), headers: headers, body: .bytes(body))
    }

    package func streamResponse(
        _ stream: ResponseStream,
        requestId: String,
        invocationId: String?
    ) throws(RuntimeError) {
        var headers = [
            "Transfer-Encoding: chunked",
            "\(RuntimeAPI.Header.responseMode): streaming",
            "Trailer: \(RuntimeAPI.Header.functionErrorType), \(RuntimeAPI.Header.functionErrorBody)",
            "Content-Type: \(stream.contentType)",
        ]
        if let invocationId { headers.append("\(RuntimeAPI.Header.invocationId): \(invocationId)") }
        try self.post(RuntimeAPI.responsePath(requestId: requestId), headers: headers, body: .stream(stream))
    }

    package func sendError(_ report: ErrorReport, requestId: String, invocationId: String?) throws(RuntimeError) {
        var headers = ["\(RuntimeAPI.Header.functionErrorType): \(report.errorType)"]
        if let invocationId { headers.append("\(RuntimeAPI.Header.invocationId): \(invocationId)") }
        if let cause = report.xrayCause(workingDirectory: self.workingDirectory) {
            headers.append("\(RuntimeAPI.Header.xrayErrorCause): \(cause)")
        }
        try self.post(RuntimeAPI.errorPath(requestId: requestId), headers: headers, body: .bytes(report.json))
    }

    package func sendInitError(_ report: ErrorReport) throws(RuntimeError) {
        let header = "\(RuntimeAPI.Header.functionErrorType): \(report.errorType)"
        try self.post(RuntimeAPI.initErrorPath, headers: [header], body: .bytes(report.json))
    }

    private func post(_ path: String, headers: [String], body: RequestBody) throws(RuntimeError) {
        let answer = try self.exchange("POST", path, headers: headers, body: body)
        switch answer.status {
        case 200..<300: return
        case 410: throw .invocationTimedOut(path: path)
        case 500...: throw .runtimeAPIFailed(status: answer.status, path: path)
        default:
            throw .rejectedReport(status: answer.status, path: path, body: String(decoding: answer.body, as: UTF8.self))
        }
    }

    /// A request's body: none (`GET`), bytes, or a stream sent in chunks with trailers.
    private enum RequestBody {
        case none
        case bytes([UInt8])
        case stream(ResponseStream)
    }

    /// Sends one request and reads its answer, on the kept-alive connection or a new one.
    private func exchange(
        _ method: String,
        _ path: String,
        headers: [String],
        body: RequestBody
    ) throws(RuntimeError) -> Answer {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(self.hostHeader)\r\n"
        switch body {
        case .none: break
        case .bytes(let bytes): head += "Content-Length: \(bytes.count)\r\n"
        case .stream: break  // its Transfer-Encoding is among `headers`
        }
        for header in headers { head += header + "\r\n" }
        head += "\r\n"
        let reused = self.socket >= 0
        if !reused { try self.connect() }
        do throws(Failure) {
            return try self.send(head: head, body: body)
        } catch {
            // Only a request the server cannot have seen whole is sent again, and a stream only before any of
            // its chunks were taken from the handler.
            guard reused, error.beforeAnswer, !error.streamStarted else { throw self.drop(error.error) }
        }
        // The kept-alive connection had been closed under us: once more, on a new one.
        self.disconnect()
        try self.connect()
        do throws(Failure) {
            return try self.send(head: head, body: body)
        } catch {
            throw self.drop(error.error)
        }
    }

    /// A failed exchange: its error, and whether it failed before any byte of the answer arrived.
    private struct Failure: Error {
        var error: RuntimeError
        var beforeAnswer: Bool
        var streamStarted = false
    }

    private func send(head: String, body: RequestBody) throws(Failure) -> Answer {
        var head = Array(head.utf8)
        switch body {
        case .none:
            try self.write(&head, nil)
        case .bytes(let bytes):
            // `withUnsafeBytes` rethrows untyped: the failure comes out as a value.
            let failure = bytes.withUnsafeBytes { bytes -> Failure? in
                do throws(Failure) {
                    try self.write(&head, bytes)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
        case .stream(let stream):
            try self.write(&head, nil)
            do throws(Failure) {
                try self.sendChunks(of: stream)
                return try self.readAnswer()
            } catch {
                var failure = error
                failure.streamStarted = true
                throw failure
            }
        }
        return try self.readAnswer()
    }

    /// The stream's bytes as chunks, each as the handler wrote it, then the last chunk with the trailers.
    private func sendChunks(of stream: ResponseStream) throws(Failure) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { stream.read(into: $0) }
            guard count > 0 else { break }
            var size = Array((String(count, radix: 16) + "\r\n").utf8)
            let failure = buffer.withUnsafeBytes { bytes -> Failure? in
                do throws(Failure) {
                    try self.write(&size, UnsafeRawBufferPointer(rebasing: bytes[..<count]), then: Self.crlf)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
        }
        var last = "0\r\n"
        if let report = stream.trailerError {
            last += "\(RuntimeAPI.Header.functionErrorType): \(report.errorType)\r\n"
            last += "\(RuntimeAPI.Header.functionErrorBody): \(Base64.encode(report.json))\r\n"
        }
        last += "\r\n"
        var bytes = Array(last.utf8)
        try self.write(&bytes, nil)
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let httpVersionPrefix = Array("HTTP/1.".utf8)
    private static let runtimeHeaderPrefix = Array("lambda-runtime-".utf8)
    private static let contentLength = Array("content-length".utf8)
    private static let transferEncoding = Array("transfer-encoding".utf8)
    private static let connection = Array("connection".utf8)

    /// Whether a header name starts with `prefix` (lower-case ASCII), ignoring case; with `whole`, is it.
    private static func hasPrefix(_ name: ArraySlice<UInt8>, _ prefix: [UInt8], whole: Bool = false) -> Bool {
        guard whole ? name.count == prefix.count : name.count >= prefix.count else { return false }
        // Setting bit 5 lower-cases an ASCII letter and leaves `-` and the digits as they are; the only other
        // byte it makes `-` is CR, which a line read here no longer holds.
        return zip(name, prefix).allSatisfy { $0 | 0x20 == $1 }
    }

    /// Writes `head`, then `body` and `tail` when given, in as few `writev` calls as the kernel allows.
    private func write(
        _ head: inout [UInt8],
        _ body: UnsafeRawBufferPointer?,
        then tail: [UInt8] = []
    ) throws(Failure) {
        var tail = tail
        let result: Int = head.withUnsafeMutableBytes { head in
            tail.withUnsafeMutableBytes { tail in
                var parts = [
                    iovec(iov_base: head.baseAddress, iov_len: head.count),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: body?.baseAddress), iov_len: body?.count ?? 0),
                    iovec(iov_base: tail.baseAddress, iov_len: tail.count),
                ]
                var index = 0
                while index < parts.count {
                    if parts[index].iov_len == 0 {
                        index += 1
                        continue
                    }
                    // sendmsg for MSG_NOSIGNAL: a closed connection is an error to report, not a SIGPIPE.
                    let written = parts[index...].withUnsafeMutableBufferPointer { vectors in
                        var message = msghdr()
                        message.msg_iov = vectors.baseAddress
                        message.msg_iovlen = vectors.count
                        return sendmsg(self.socket, &message, Int32(MSG_NOSIGNAL))
                    }
                    if written < 0 {
                        if errno == EINTR { continue }
                        return -Int(errno)
                    }
                    var left = written
                    while index < parts.count, left >= parts[index].iov_len {
                        left -= parts[index].iov_len
                        index += 1
                    }
                    if index < parts.count, left > 0 {
                        parts[index].iov_base = parts[index].iov_base.map { $0 + left }
                        parts[index].iov_len -= left
                    }
                }
                return 0
            }
        }
        guard result == 0 else {
            throw Failure(
                error: .runtimeAPIUnreachable(
                    "cannot send to the Runtime API: \(String(cString: strerror(Int32(-result))))"
                ),
                beforeAnswer: true
            )
        }
    }

    /// Reads one answer: the status line, the headers, and a body by `Content-Length` or by chunks.
    private func readAnswer() throws(Failure) -> Answer {
        let headEnd = try self.find([13, 10, 13, 10], firstRead: true)
        let head = self.input[self.consumed..<headEnd]
        self.consumed = headEnd + 4
        // The head is read on its bytes, line by line: only the few headers the runtime uses become
        // Strings (splitting it into lines and lower-casing every name was a third of a warm invocation).
        var lineStart = head.startIndex
        var status: Int?
        // Room for the Runtime API's eight at once: growing the table twice per answer was 3% of an invocation.
        var headers = [String: String](minimumCapacity: 8)
        var length: Int?
        var chunked = false
        var closes = false
        while lineStart < head.endIndex {
            let lineEnd = head[lineStart...].firstIndex(of: 10) ?? head.endIndex
            let line = head[lineStart..<(head[lineStart..<lineEnd].last == 13 ? lineEnd - 1 : lineEnd)]
            lineStart = lineEnd + 1
            guard status != nil else {
                guard line.count >= 12, line.starts(with: Self.httpVersionPrefix),
                    let code = Int(String(decoding: line.dropFirst(9).prefix(3), as: UTF8.self))
                else { throw self.malformed("an unreadable status line") }
                status = code
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[..<colon]
            let value = { String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self) }
            if Self.hasPrefix(name, Self.runtimeHeaderPrefix) {
                headers[String(decoding: name, as: UTF8.self).lowercased()] = value()
            } else if Self.hasPrefix(name, Self.contentLength, whole: true) {
                length = Int(value())
            } else if Self.hasPrefix(name, Self.transferEncoding, whole: true) {
                // Chunked comes last of the codings when it is used (RFC 9112 §6.1). Read without
                // `String.contains(String)`, whose one call links _StringProcessing's 1.2 MB into the bootstrap.
                chunked = value().lowercased().split(separator: ",").last.map { $0.filter { $0 != " " } } == "chunked"
            } else if Self.hasPrefix(name, Self.connection, whole: true) {
                closes = value().lowercased() == "close"
            }
        }
        guard let status else { throw self.malformed("an unreadable status line") }
        let body: [UInt8]
        if chunked {
            body = try self.readChunks()
        } else if let length {
            try self.fill(upTo: self.consumed + length)
            body = Array(self.input[self.consumed..<(self.consumed + length)])
            self.consumed += length
        } else {
            // No length and no chunks: the body runs to the end of the connection.
            while try self.readMore() {}
            body = Array(self.input[self.consumed...])
            self.consumed = self.input.count
            closes = true
        }
        if closes { self.disconnect() }
        self.compact()
        return Answer(status: status, headers: headers, body: body)
    }

    private func readChunks() throws(Failure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try self.find([13, 10])
            let sizeField = self.input[self.consumed..<lineEnd].prefix { $0 != UInt8(ascii: ";") }
            guard let size = Int(String(decoding: Self.trimmed(sizeField), as: UTF8.self), radix: 16), size >= 0
            else { throw self.malformed("an unreadable chunk size") }
            self.consumed = lineEnd + 2
            if size == 0 {
                // Trailers, if any, up to the empty line.
                while true {
                    let end = try self.find([13, 10])
                    let empty = end == self.consumed
                    self.consumed = end + 2
                    if empty { return body }
                }
            }
            try self.fill(upTo: self.consumed + size + 2)
            body += self.input[self.consumed..<(self.consumed + size)]
            self.consumed += size + 2
        }
    }

    /// The index where `pattern` starts in the unread input, reading until it arrives.
    private func find(_ pattern: [UInt8], firstRead: Bool = false) throws(Failure) -> Int {
        var from = self.consumed
        while true {
            if self.input.count - from >= pattern.count {
                // memchr to each candidate first byte, then memcmp: a byte-by-byte Swift loop over the head
                // was 7% of a warm invocation. (Glibc's module does not export memmem.)
                let start = from
                let found = self.input.withUnsafeBytes { input -> Int? in
                    pattern.withUnsafeBytes { pattern -> Int? in
                        let base = input.baseAddress!, last = input.count - pattern.count
                        var index = start
                        while index <= last,
                            let hit = memchr(base + index, Int32(pattern[0]), last - index + 1)
                        {
                            index = base.distance(to: UnsafeRawPointer(hit))
                            if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return index }
                            index += 1
                        }
                        return nil
                    }
                }
                if let found { return found }
                from = max(self.consumed, self.input.count - pattern.count + 1)
            }
            // Nothing of the answer yet: a failure now means the server never answered this request.
            let nothingYet = firstRead && self.input.count == self.consumed
            let more: Bool
            do throws(Failure) {
                more = try self.readMore()
            } catch {
                throw Failure(error: error.error, beforeAnswer: nothingYet)
            }
            guard more else {
                throw Failure(
                    error: .runtimeAPIUnreachable("the Runtime API closed the connection before answering"),
                    beforeAnswer: nothingYet
                )
            }
        }
    }

    private func fill(upTo end: Int) throws(Failure) {
        while self.input.count < end {
            guard try self.readMore() else {
                throw Failure(
                    error: .runtimeAPIUnreachable("the Runtime API's answer was cut short"),
                    beforeAnswer: false
                )
            }
        }
    }

    /// Reads what the socket has (blocking until something arrives); false at the end of the connection.
    private func readMore() throws(Failure) -> Bool {
        while true {
            let count = self.scratch.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                self.input.append(contentsOf: self.scratch[..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw Failure(
                error: .runtimeAPIUnreachable("cannot read from the Runtime API: \(String(cString: strerror(errno)))"),
                beforeAnswer: false
            )
        }
    }

    /// Drops the bytes already taken, keeping any that arrived after this answer.
    private func compact() {
        if self.consumed == self.input.count {
            self.input.removeAll(keepingCapacity: true)
        } else {
            self.input.removeSubrange(0..<self.consumed)
        }
        self.consumed = 0
    }

    /// `bytes` without the spaces and tabs around them (HTTP's optional whitespace).
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return bytes[first...last]
    }

    private func malformed(_ what: String) -> Failure {
        Failure(error: .runtimeAPIUnreachable("the Runtime API sent \(what)"), beforeAnswer: false)
    }

    private func connect() throws(RuntimeError) {
        var address = try self.address.get()
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .runtimeAPIUnreachable("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                Glibc.connect(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .runtimeAPIUnreachable("cannot connect to \(self.hostHeader): \(reason)")
        }
        self.socket = descriptor
        self.input.removeAll(keepingCapacity: true)
        self.consumed = 0
    }

    private func disconnect() {
        if self.socket >= 0 { close(self.socket) }
        self.socket = -1
    }

    /// Closes the connection after a failure (its state is unknown) and hands the error on.
    private func drop(_ error: RuntimeError) -> RuntimeError {
        self.disconnect()
        return error
    }
}
