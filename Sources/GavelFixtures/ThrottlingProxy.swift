import AWS
import GavelDev
import GavelTesting
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A loopback proxy in front of moto that faults the first `count` requests for `operation`, then forwards
/// everything unchanged (the Host header too, so signatures still verify).
package final class ThrottlingProxy: Sendable {
    /// What happens to a faulted request.
    package enum Fault: Sendable {
        /// Not forwarded; answered with this throttling error code.
        case throttle(code: String)
        /// Forwarded, so it takes effect, and then the connection drops before the answer is complete: the
        /// client sees a transport failure for a call that happened.
        case lostReply
    }

    private let upstream: String
    private let operation: String
    private let fault: Fault
    private let remaining: Mutex<Int>
    private let seen = Mutex<Int>(0)

    /// - Parameters:
    ///   - operation: the `X-Amz-Target` suffix to fault (`BatchWriteItem`).
    ///   - code: the error code to answer (`ProvisionedThroughputExceededException`).
    package convenience init(
        upstream: String,
        operation: String,
        count: Int,
        code: String = "ProvisionedThroughputExceededException"
    ) {
        self.init(upstream: upstream, operation: operation, count: count, fault: .throttle(code: code))
    }

    package init(upstream: String, operation: String, count: Int, fault: Fault) {
        self.upstream = upstream
        self.operation = operation
        self.fault = fault
        self.remaining = Mutex(count)
    }

    /// How many requests for the operation arrived, throttled or not.
    package var attempts: Int { self.seen.withLock { $0 } }

    /// Runs `body` with the proxy's endpoint (`http://127.0.0.1:<port>`).
    package func with<Output: Sendable>(_ body: (String) async throws -> Output) async throws -> Output {
        try await LoopbackServer.with({ request in try await self.answer(request) }) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
        if target.hasSuffix("." + self.operation) {
            self.seen.withLock { $0 += 1 }
            let faulted = self.remaining.withLock { remaining in
                defer { remaining -= 1 }
                return remaining > 0
            }
            if faulted, case .throttle(let code) = self.fault {
                return LoopbackServer.text(
                    .badRequest,
                    #"{"__type":"com.amazonaws.dynamodb.v20120810#\#(code)","message":"Rate of requests exceeds the allowed throughput."}"#
                )
            }
            if faulted, case .lostReply = self.fault {
                _ = try await self.forward(request)
                return LoopbackServer.droppedReply()
            }
        }
        return try await self.forward(request)
    }

    private func forward(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        let forwarded = try await Moto.transport.send(
            TransportRequest(
                method: request.method.rawValue,
                url: self.upstream + request.uri.description,
                // HTTPTypes keeps Host as the authority, outside the header fields: put it back, it is signed.
                headers: [("Host", request.head.authority ?? "")] + request.headers.map { ($0.name.rawName, $0.value) },
                body: Array(buffer: body)
            )
        )
        var headers = HTTPFields()
        for (name, value) in forwarded.headers where name != "content-length" && name != "transfer-encoding" {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: .init(code: forwarded.status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: forwarded.body))
        )
    }
}
