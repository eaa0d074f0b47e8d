import AWS
import GavelDev
import GavelTesting
import Hummingbird
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct CurlTransportTests {
    private let transport = CurlTransport(configuration: .init(caFile: nil))

    @Test func sendsMethodHeadersAndBodyAndReadsTheResponse() async throws {
        let seen = Mutex<[String]>([])
        try await LoopbackServer.with({ request in
            let body = try await request.body.collect(upTo: 1 << 20)
            seen.withLock {
                $0 = [
                    request.method.rawValue, request.uri.path, request.headers[.init("x-amz-target")!] ?? "",
                    String(buffer: body),
                ]
            }
            return LoopbackServer.text(.created, "made", headers: [.init("x-amzn-requestid")!: "R-1"])
        }) { port in
            let response = try await self.transport.send(
                TransportRequest(
                    method: "PUT",
                    url: "http://127.0.0.1:\(port)/items/1",
                    headers: [("X-Amz-Target", "DynamoDB_20120810.PutItem"), ("Content-Type", "application/json")],
                    body: Array(#"{"a":1}"#.utf8)
                )
            )
            #expect(response.status == 201)
            #expect(response.headers["x-amzn-requestid"] == "R-1")
            #expect(String(decoding: response.body, as: UTF8.self) == "made")
        }
        #expect(seen.withLock { $0 } == ["PUT", "/items/1", "DynamoDB_20120810.PutItem", #"{"a":1}"#])
    }

    @Test func aServerErrorIsAResponseNotAnError() async throws {
        try await LoopbackServer.with({ _ in LoopbackServer.text(.serviceUnavailable, "busy") }) { port in
            let response = try await self.transport.send(
                TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/")
            )
            #expect(response.status == 503)
        }
    }

    /// Runs `body` in a task on the global pool, or in one preferring `CurlEventLoop.shared`, as a function's
    /// runtime loop does (`Lambda.run(environment:executor:)`).
    private func run<Output: Sendable>(
        onTheLoop: Bool,
        _ body: @escaping @Sendable () async throws -> Output
    ) async throws -> Output {
        try await Task(executorPreference: onTheLoop ? CurlEventLoop.shared : nil, operation: body).value
    }

    @Test func aTaskOnTheLoopSendsAndIsAnsweredOnTheLoopsOwnThread() async throws {
        try await LoopbackServer.with({ _ in LoopbackServer.text(.ok, "here") }) { port in
            let threads = try await self.run(onTheLoop: true) {
                var onTheLoop: [Bool] = []
                for _ in 0..<3 {
                    onTheLoop.append(CurlEventLoop.shared.isCurrent)
                    let response = try await self.transport.send(
                        TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/")
                    )
                    #expect(String(decoding: response.body, as: UTF8.self) == "here")
                    onTheLoop.append(CurlEventLoop.shared.isCurrent)
                }
                return onTheLoop
            }
            // Before and after every call: no hop to another thread and back.
            #expect(threads == Array(repeating: true, count: 6))
            #expect(!CurlEventLoop.shared.isCurrent, "a task on the global pool is not on the loop")
        }
    }

    @Test(arguments: [false, true]) func independentRequestsRunConcurrently(onTheLoop: Bool) async throws {
        // Each request is held until all three are at the server at once (or 10 s pass): a transport that sent
        // them one after another would never have three in flight. Causal, not timed: a loaded machine only
        // makes it slower.
        let inFlight = Mutex((now: 0, most: 0))
        try await LoopbackServer.with({ _ in
            inFlight.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            let end = ContinuousClock.now + .seconds(10)
            while inFlight.withLock({ $0.most }) < 3, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(10))
            }
            inFlight.withLock { $0.now -= 1 }
            return LoopbackServer.text(.ok, "held")
        }) { port in
            // On the loop, the group's tasks share its one thread: they still wait on the server together.
            try await self.run(onTheLoop: onTheLoop) {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            try await self.transport.send(
                                TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/", timeout: .seconds(30))
                            ).status
                        }
                    }
                    for try await status in group { #expect(status == 200) }
                }
            }
            #expect(inFlight.withLock { $0.most } == 3, "the three requests were at the server together")
        }
    }

    @Test func aRefusedConnectionIsAConnectFailure() async throws {
        // A port that is bound but never listened on refuses every connection, for as long as it is held.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        await #expect {
            try await self.transport.send(TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        } throws: { error in
            (error as? TransportError)?.isConnectFailure == true
        }
    }

    @Test(arguments: [false, true]) func aSlowServerTimesOut(onTheLoop: Bool) async throws {
        try await LoopbackServer.with({ _ in
            try await Task.sleep(for: .seconds(3))
            return LoopbackServer.text(.ok, "late")
        }) { port in
            await #expect {
                try await self.run(onTheLoop: onTheLoop) {
                    try await self.transport.send(
                        TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/", timeout: .milliseconds(300))
                    )
                }
            } throws: { error in
                (error as? TransportError)?.isTimeout == true
            }
        }
    }

    @Test func aResponseOverTheLimitIsRefused() async throws {
        try await LoopbackServer.with({ _ in LoopbackServer.text(.ok, String(repeating: "x", count: 100_000)) }) {
            port in
            await #expect {
                try await self.transport.send(
                    TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/", maxResponseBytes: 10_000)
                )
            } throws: { error in
                (error as? TransportError)?.isResponseTooLarge == true
            }
            let whole = try await self.transport.send(
                TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/", maxResponseBytes: 100_000)
            )
            #expect(whole.body.count == 100_000)
        }
    }

    @Test func theCAFileIsFoundInTheDocumentedOrder() {
        #expect(
            CurlTransport.Configuration.defaultCAFile(environment: ["SSL_CERT_FILE": "/etc/hostname"])
                == "/etc/hostname"
        )
        #expect(
            CurlTransport.Configuration.defaultCAFile(environment: ["SSL_CERT_FILE": "/no/such/file"])
                == "/etc/ssl/certs/ca-certificates.crt"
        )
    }
}
