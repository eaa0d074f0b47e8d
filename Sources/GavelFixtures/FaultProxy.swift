import AWS
import GavelDev
import GavelTesting
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A loopback proxy in front of moto that faults requests and forwards the rest unchanged (the Host header
/// too, so signatures still verify): either the first `count` requests for one operation, with one fault, or
/// every request with probability `rate`, with a fault drawn at random (seeded, so a run can be repeated).
package final class FaultProxy: Sendable {
    /// What happens to a faulted request.
    package enum Fault: Sendable, CaseIterable, Hashable {
        /// Not forwarded; answered as a throttle (JSON protocols: 400 with this code; REST: 503 SlowDown).
        case throttle(code: String)
        /// Not forwarded; answered 500 InternalFailure.
        case serverError
        /// Not forwarded; the connection drops before any answer (a reset).
        case reset
        /// Forwarded, so it takes effect, and then the connection drops before the answer is complete: the
        /// client sees a transport failure for a call that happened.
        case lostReply
        /// Forwarded, so it takes effect, and answered only after this long: past the client's timeout, the
        /// client gives up on a call that happened. (Not drawn in random mode: it would stall a whole run.)
        case slowReply(Duration)

        package static let allCases: [Fault] = [
            .throttle(code: "ThrottlingException"), .serverError, .reset, .lostReply,
        ]

        /// The fault's name in `counts`.
        package var name: String {
            switch self {
            case .throttle: "throttle"
            case .serverError: "5xx"
            case .reset: "reset"
            case .lostReply: "lost reply"
            case .slowReply: "slow reply"
            }
        }
    }

    private enum Plan {
        case first(operation: String, containing: String?, fault: Fault)
        case random(rate: Double)
    }

    private let upstream: String
    private let plan: Plan
    private let remaining: Mutex<Int>
    private let seen = Mutex<Int>(0)
    private let random: Mutex<SplitMix64>
    private let faulted = Mutex<[String: Int]>([:])

    /// - Parameters:
    ///   - operation: the `X-Amz-Target` suffix to fault (`BatchWriteItem`), or for a REST service the method
    ///     and path prefix (`POST /schedules/`).
    ///   - code: the error code to answer (`ProvisionedThroughputExceededException`).
    package convenience init(
        upstream: String,
        operation: String,
        count: Int,
        code: String = "ProvisionedThroughputExceededException"
    ) {
        self.init(upstream: upstream, operation: operation, count: count, fault: .throttle(code: code))
    }

    /// - Parameter containing: when set, only requests whose body holds this text (a table's name) count.
    package init(upstream: String, operation: String, containing: String? = nil, count: Int, fault: Fault) {
        self.upstream = upstream
        self.plan = .first(operation: operation, containing: containing, fault: fault)
        self.remaining = Mutex(count)
        self.random = Mutex(SplitMix64(seed: 0))
    }

    /// Faults each request with probability `rate`, drawing throttle, 5xx, reset or lost reply evenly.
    package init(upstream: String, rate: Double, seed: UInt64) {
        self.upstream = upstream
        self.plan = .random(rate: rate)
        self.remaining = Mutex(0)
        self.random = Mutex(SplitMix64(seed: seed))
    }

    /// How many requests for the operation arrived, faulted or not (every request, in random mode).
    package var attempts: Int { self.seen.withLock { $0 } }

    /// How many requests met each fault, by `Fault.name`.
    package var counts: [String: Int] { self.faulted.withLock { $0 } }

    /// Runs `body` with the proxy's endpoint (`http://127.0.0.1:<port>`).
    package func with<Output: Sendable>(_ body: (String) async throws -> Output) async throws -> Output {
        try await LoopbackServer.with({ request in try await self.answer(request) }) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    /// The fault `request` meets, if any.
    private func fault(for request: Request, target: String, body: [UInt8]) -> Fault? {
        switch self.plan {
        case .first(let operation, let containing, let fault):
            let rest = "\(request.method.rawValue) \(request.uri.path)"
            guard target.hasSuffix("." + operation) || (operation.contains(" ") && rest.hasPrefix(operation)) else {
                return nil
            }
            if let containing, !String(decoding: body, as: UTF8.self).contains(containing) { return nil }
            self.seen.withLock { $0 += 1 }
            return self.remaining.withLock { remaining in
                defer { remaining -= 1 }
                return remaining > 0 ? fault : nil
            }
        case .random(let rate):
            self.seen.withLock { $0 += 1 }
            return self.random.withLock { random in
                guard random.unit() < rate else { return nil }
                return Fault.allCases[Int(random.next() % UInt64(Fault.allCases.count))]
            }
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
        let body = Array(buffer: try await request.body.collect(upTo: 16 << 20))
        guard let fault = self.fault(for: request, target: target, body: body) else {
            return try await self.forward(request, body: body)
        }
        self.faulted.withLock { $0[fault.name, default: 0] += 1 }
        switch fault {
        case .throttle(let code) where !target.isEmpty:
            return LoopbackServer.text(
                .badRequest,
                #"{"__type":"com.amazonaws.dynamodb.v20120810#\#(code)","message":"Rate of requests exceeds the allowed throughput."}"#
            )
        case .throttle:
            return LoopbackServer.text(
                .serviceUnavailable,
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
                headers: [HTTPField.Name("x-amzn-ErrorType")!: "ThrottlingException"]
            )
        case .serverError:
            return target.isEmpty
                ? LoopbackServer.text(
                    .internalServerError,
                    "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"
                )
                : LoopbackServer.text(.internalServerError, #"{"__type":"InternalFailure","message":"internal"}"#)
        case .reset:
            return LoopbackServer.droppedReply()
        case .lostReply:
            _ = try await self.forward(request, body: body)
            return LoopbackServer.droppedReply()
        case .slowReply(let delay):
            let response = try await self.forward(request, body: body)
            try await Task.sleep(for: delay)
            return response
        }
    }

    private func forward(_ request: Request, body: [UInt8]) async throws -> Response {
        let forwarded = try await Moto.transport.send(
            TransportRequest(
                method: request.method.rawValue,
                url: self.upstream + request.uri.description,
                // HTTPTypes keeps Host as the authority, outside the header fields: put it back, it is signed.
                headers: [("Host", request.head.authority ?? "")] + request.headers.map { ($0.name.rawName, $0.value) },
                body: body
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
