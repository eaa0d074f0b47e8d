import FoundationEssentials
import GavelTesting
import LambdaRuntime
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The plain-socket Runtime API client against a peer on a bare socket that answers from a script, byte by
/// byte when asked, and closes connections where a real server might: what an HTTP library would smooth
/// over is what this client must get right by itself.
@Suite struct SocketRuntimeAPIClientTests {
    /// One scripted answer: its bytes, whether they go one at a time, and whether the connection then closes
    /// silently (no `Connection: close`, as a server dropping an idle kept-alive connection does).
    struct Scripted: Sendable {
        var bytes: [UInt8]
        var byteByByte = false
        var thenClose = false
    }

    /// A loopback peer: reads each request whole (head and `Content-Length` body) and answers the next
    /// scripted answer; counts connections and keeps each request's head.
    final class Peer: Sendable {
        private let script: Mutex<[Scripted]>
        private let state = Mutex((connections: 0, requests: [String]()))
        private let listener: Int32
        let port: Int

        init(_ script: [Scripted]) throws {
            self.script = Mutex(script)
            (self.listener, self.port) = try LoopbackSocket.listening()
            _ = DetachedThread.start { [self] in
                while true {
                    let connection = accept(self.listener, nil, nil)
                    guard connection >= 0 else { return }
                    self.state.withLock { $0.connections += 1 }
                    _ = DetachedThread.start { [self] in self.serve(connection) }
                }
            }
        }

        var connections: Int { self.state.withLock { $0.connections } }
        var requests: [String] { self.state.withLock { $0.requests } }
        func stop() { shutdown(self.listener, Int32(SHUT_RDWR)) }

        private func serve(_ connection: Int32) {
            defer { close(connection) }
            var input: [UInt8] = []
            while true {
                guard let head = Self.readRequest(connection, into: &input) else { return }
                self.state.withLock { $0.requests.append(head) }
                guard let answer = self.script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }
                if answer.byteByByte {
                    for byte in answer.bytes {
                        guard Self.write(connection, [byte]) else { return }
                        usleep(200)
                    }
                } else {
                    guard Self.write(connection, answer.bytes) else { return }
                }
                if answer.thenClose { return }
            }
        }

        /// One request's head (and its body read past), or nil when the connection ended.
        private static func readRequest(_ connection: Int32, into input: inout [UInt8]) -> String? {
            let end = Array("\r\n\r\n".utf8)
            while true {
                if let range = input.firstRange(of: end) {
                    let head = String(decoding: input[..<range.lowerBound], as: UTF8.self)
                    let length =
                        head.split(separator: "\r\n").compactMap { line -> Int? in
                            line.lowercased().hasPrefix("content-length:")
                                ? Int(line.dropFirst(15).trimmingPrefix(" ")) : nil
                        }.first ?? 0
                    while input.count < range.upperBound + length {
                        guard self.read(connection, into: &input) else { return nil }
                    }
                    input.removeSubrange(..<(range.upperBound + length))
                    return head
                }
                guard self.read(connection, into: &input) else { return nil }
            }
        }

        private static func read(_ connection: Int32, into input: inout [UInt8]) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return false }
            input += buffer[..<count]
            return true
        }

        private static func write(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
        }
    }

    static func next(_ requestId: String, event: String, extra: String = "") -> [UInt8] {
        Array(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: \(requestId)\r\n"
                + "Lambda-Runtime-Deadline-Ms: 4102444800000\r\n\(extra)Content-Length: \(event.utf8.count)\r\n\r\n"
                + event).utf8
        )
    }

    static let accepted = Array("HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n".utf8)

    @Test func anAnswerArrivingAByteAtATimeIsReadWhole() throws {
        let peer = try Peer([Scripted(bytes: Self.next("r-1", event: #"{"hello":"world"}"#), byteByByte: true)])
        defer { peer.stop() }
        let client = SocketRuntimeAPIClient(endpoint: "127.0.0.1:\(peer.port)")
        let invocation = try client.nextInvocation()
        #expect(invocation.requestId == "r-1")
        #expect(String(decoding: invocation.event, as: UTF8.self) == #"{"hello":"world"}"#)
        #expect(peer.requests.first?.hasPrefix("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n") == true)
    }

    @Test func aChunkedAnswerIsReadAndTheConnectionKept() throws {
        let chunked = Array(
            ("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-2\r\nLambda-Runtime-Deadline-Ms: 4102444800000\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n5;ext=1\r\n:true\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n")
                .utf8
        )
        let peer = try Peer([Scripted(bytes: chunked), Scripted(bytes: Self.accepted)])
        defer { peer.stop() }
        let client = SocketRuntimeAPIClient(endpoint: "127.0.0.1:\(peer.port)")
        let invocation = try client.nextInvocation()
        #expect(String(decoding: invocation.event, as: UTF8.self) == #"{"a":true}"#)
        try client.sendResponse(Array("ok".utf8), requestId: "r-2", invocationId: nil)
        #expect(peer.connections == 1, "one kept-alive connection")
        #expect(peer.requests.last?.contains("Content-Length: 2") == true)
    }

    @Test func aKeptAliveConnectionTheServerDroppedIsReplacedOnce() throws {
        // The first answer's connection is closed without a word; the second `next` finds it dead before any
        // byte of its answer and goes again on a new connection.
        let peer = try Peer([
            Scripted(bytes: Self.next("r-3", event: "{}"), thenClose: true),
            Scripted(bytes: Self.next("r-4", event: "{}")),
        ])
        defer { peer.stop() }
        let client = SocketRuntimeAPIClient(endpoint: "127.0.0.1:\(peer.port)")
        #expect(try client.nextInvocation().requestId == "r-3")
        #expect(try client.nextInvocation().requestId == "r-4")
        #expect(peer.connections == 2)
    }

    @Test func refusedReportsAndAGoneInvocationAreNotFatal() throws {
        let refused = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nunknown id!".utf8)
        let gone = Array("HTTP/1.1 410 Gone\r\nContent-Length: 0\r\n\r\n".utf8)
        let failed = Array("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n".utf8)
        let peer = try Peer([Scripted(bytes: refused), Scripted(bytes: gone), Scripted(bytes: failed)])
        defer { peer.stop() }
        let client = SocketRuntimeAPIClient(endpoint: "127.0.0.1:\(peer.port)")
        for expectedFatal in [false, false, true] {
            do {
                try client.sendResponse(Array("{}".utf8), requestId: "r-5", invocationId: "attempt-1")
                Issue.record("the report was taken")
            } catch {
                #expect(error.isFatal == expectedFatal, "\(error)")
            }
        }
        #expect(peer.requests.first?.contains("Lambda-Runtime-Invocation-Id: attempt-1") == true)
        #expect(peer.connections == 1)
    }

    @Test func noRuntimeAPIIsAFatalErrorThatSaysWhere() throws {
        let peer = try Peer([])
        let port = peer.port
        peer.stop()
        let client = SocketRuntimeAPIClient(endpoint: "127.0.0.1:\(port)")
        do {
            _ = try client.nextInvocation()
            Issue.record("next succeeded with nothing listening")
        } catch {
            #expect(error.isFatal && error.description.contains("127.0.0.1:\(port)"), "\(error)")
        }
        do {
            _ = try SocketRuntimeAPIClient(endpoint: "runtime.invalid").nextInvocation()
            Issue.record("next succeeded without a port")
        } catch {
            #expect(error.isFatal && error.description.contains("host:port"), "\(error)")
        }
    }
}
