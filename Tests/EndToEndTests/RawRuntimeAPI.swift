import FoundationEssentials
import GavelTesting
import LambdaRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Runtime API on a bare socket, reading HTTP/1.1 by hand: chunk boundaries and trailers as the bootstrap
/// sent them, which an HTTP library would hide (Hummingbird drops trailers). It answers `next` from a script
/// and 500 when the script is done, after which the runtime exits; every other request gets 202.
final class RawRuntimeAPI: Sendable {
    /// One request as it arrived.
    struct Received: Sendable {
        var method: String
        var path: String
        /// Lower-cased names.
        var headers: [String: String]
        /// The body's chunks as framed on the wire (one for a `Content-Length` body).
        var chunks: [[UInt8]]
        /// When each chunk arrived, in ms since the server started.
        var chunkTimesMs: [Int64]
        var trailers: [String: String]

        var body: [UInt8] { self.chunks.flatMap { $0 } }
    }

    /// A `next` answer: request id, extra headers, event.
    typealias Canned = (requestId: String, headers: [String: String], event: String)

    private let script: Mutex<[Canned]>
    private let received = Mutex<[Received]>([])
    private let listener: Int32
    let port: Int
    private let started = WallClock.nowMs()

    init(_ script: [Canned]) throws {
        self.script = Mutex(script)
        (self.listener, self.port) = try LoopbackSocket.listening()
        DetachedThread.start { [self] in self.acceptLoop() }
    }

    /// Every request but `next`, in arrival order.
    var answers: [Received] { self.received.withLock { $0 } }

    func close() { shutdown(self.listener, Int32(SHUT_RDWR)) }

    private func acceptLoop() {
        while case let connection = accept(self.listener, nil, nil), connection >= 0 {
            DetachedThread.start { [self] in
                var reader = Reader(fd: connection)
                while let request = self.read(&reader) {
                    guard self.answer(request, on: connection) else { break }
                }
                Glibc.close(connection)
            }
        }
    }

    private func read(_ reader: inout Reader) -> Received? {
        guard let line = reader.line(), !line.isEmpty else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var request = Received(
            method: String(parts[0]),
            path: String(parts[1]),
            headers: [:],
            chunks: [],
            chunkTimesMs: [],
            trailers: [:]
        )
        request.headers = Self.fields(&reader)
        if request.headers["transfer-encoding"] == "chunked" {
            while let sizeLine = reader.line(), let size = Int(sizeLine.prefix { $0 != ";" }, radix: 16) {
                if size == 0 {
                    request.trailers = Self.fields(&reader)
                    break
                }
                guard let chunk = reader.bytes(size) else { return nil }
                request.chunks.append(chunk)
                request.chunkTimesMs.append(WallClock.nowMs() - self.started)
                _ = reader.line()
            }
        } else if let length = request.headers["content-length"].flatMap(Int.init), length > 0 {
            guard let body = reader.bytes(length) else { return nil }
            request.chunks = [body]
        }
        return request
    }

    private static func fields(_ reader: inout Reader) -> [String: String] {
        var fields: [String: String] = [:]
        while let line = reader.line(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            fields[line[..<colon].lowercased()] = String(value)
        }
        return fields
    }

    /// - Returns: false when the connection should close.
    private func answer(_ request: Received, on connection: Int32) -> Bool {
        var status = "202 Accepted"
        var headers = ""
        var body = #"{"status":"OK"}"#
        if request.method == "GET" {
            if let next = self.script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                status = "200 OK"
                headers = "\(RuntimeAPI.Header.requestId): \(next.requestId)\r\n"
                headers += next.headers.map { "\($0.key): \($0.value)\r\n" }.joined()
                body = next.event
            } else {
                status = "500 Internal Server Error"
                body = "script finished"
            }
        } else {
            self.received.withLock { $0.append(request) }
        }
        let reply = "HTTP/1.1 \(status)\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        return Array(reply.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) } > 0
    }

    /// Buffered reads of one connection.
    private struct Reader {
        let fd: Int32
        var buffer: [UInt8] = []

        mutating func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            self.buffer += chunk[..<count]
            return true
        }

        /// A line without its CRLF; nil when the connection closed first.
        mutating func line() -> String? {
            while true {
                if let end = self.buffer.indices.dropLast().first(where: {
                    self.buffer[$0] == 13 && self.buffer[$0 + 1] == 10
                }) {
                    let line = String(decoding: self.buffer[..<end], as: UTF8.self)
                    self.buffer.removeFirst(end + 2)
                    return line
                }
                guard self.fill() else { return nil }
            }
        }

        mutating func bytes(_ count: Int) -> [UInt8]? {
            while self.buffer.count < count { guard self.fill() else { return nil } }
            defer { self.buffer.removeFirst(count) }
            return Array(self.buffer[..<count])
        }
    }

    struct RawError: Error, CustomStringConvertible { var description: String }
}
