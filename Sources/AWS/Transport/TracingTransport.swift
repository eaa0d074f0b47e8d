import JSON
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A transport that reports every request made inside a sampled invocation as an X-Ray subsegment of that
/// invocation's segment, so a trace shows each DynamoDB, SQS, KMS, Scheduler and eBay call with its
/// duration and outcome. Each attempt is its own subsegment: a retried call shows its retries.
///
/// The subsegment names only what is safe to show: the service and operation (AWS) or the host (others),
/// the method, the status and AWS's request id; never a URL's query, a header or a body.
package struct TracingTransport: HTTPTransport {
    private let wrapped: any HTTPTransport
    private let daemon: XRayDaemon

    package init(_ wrapped: any HTTPTransport, daemon: XRayDaemon) {
        self.wrapped = wrapped
        self.daemon = daemon
    }

    package func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        guard let header = InvocationTrace.current, XRayTrace.isSampled(header), let trace = XRayTrace(header: header),
            trace.sampled
        else {
            return try await self.wrapped.send(request)
        }
        let start = Self.epochSeconds()
        let outcome = await self.outcome(of: request)
        self.daemon.send(Self.subsegment(request, outcome, trace: trace, start: start, end: Self.epochSeconds()))
        return try outcome.get()
    }

    private func outcome(of request: TransportRequest) async -> Result<TransportResponse, TransportError> {
        do {
            return .success(try await self.wrapped.send(request))
        } catch {
            return .failure(error)
        }
    }

    /// The subsegment document of one request, written as bytes: a traced call pays for it on every attempt.
    package static func subsegment(
        _ request: TransportRequest,
        _ outcome: Result<TransportResponse, TransportError>,
        trace: XRayTrace,
        start: String,
        end: String
    ) -> [UInt8] {
        var document: [UInt8] = []
        document.reserveCapacity(512)
        func append(_ text: String) { document.append(contentsOf: text.utf8) }
        /// Only bytes that need no JSON escape and say nothing private: ids, names, hosts.
        func appendSafe(_ text: some StringProtocol) {
            for byte in text.utf8 where Self.isSafe(byte) { document.append(byte) }
        }
        append(#"{"type":"subsegment","id":""#)
        append(XRayTrace.newId())
        append(#"","trace_id":""#)
        append(trace.root)
        append(#"","parent_id":""#)
        append(trace.parent)
        append(#"","start_time":"#)
        append(start)
        append(#","end_time":"#)
        append(end)
        append(#","name":""#)
        if let call = request.awsCall {
            appendSafe(call.service)
            append(#"","namespace":"aws","aws":{"operation":""#)
            appendSafe(call.operation)
            append(#"","region":""#)
            appendSafe(call.region)
            append("\"")
            if case .success(let response) = outcome, let id = response.headers["x-amzn-requestid"] {
                append(#","request_id":""#)
                appendSafe(id)
                append("\"")
            }
            append("}")
        } else {
            appendSafe(Self.host(of: request.url))
            append(#"","namespace":"remote""#)
        }
        append(#","http":{"request":{"method":""#)
        appendSafe(request.method)
        append("\"}")
        switch outcome {
        case .success(let response):
            append(#","response":{"status":"#)
            append(String(response.status))
            append("}}")
            if response.status == 429 {
                append(#","throttle":true,"error":true"#)
            } else if (400..<500).contains(response.status) {
                append(#","error":true"#)
            } else if response.status >= 500 {
                append(#","fault":true"#)
            }
        case .failure:
            // No answer came: a fault on the remote side as X-Ray counts it (the SDKs mark it the same way).
            append(#"},"fault":true"#)
        }
        append("}")
        return document
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"),
            UInt8(ascii: " "):
            true
        default: false
        }
    }

    private static func host(of url: String) -> Substring {
        let rest = url.firstRange(ofText: "://").map { url[$0.upperBound...] } ?? Substring(url)
        return rest.prefix { $0 != "/" && $0 != "?" && $0 != ":" }
    }

    /// Now, as X-Ray wants it: seconds since the epoch with microseconds.
    package static func epochSeconds() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let micros = String(now.tv_nsec / 1_000)
        return String(now.tv_sec) + "." + String(repeating: "0", count: 6 - micros.count) + micros
    }
}

/// The parts of a Lambda trace header (`Root=1-…;Parent=…;Sampled=1`) a subsegment needs.
package struct XRayTrace: Sendable, Equatable {
    package var root: String
    package var parent: String
    package var sampled: Bool

    /// Nil when the header lacks a root or a parent, or either is not X-Ray's shape.
    package init?(header: String) {
        var root: Substring?
        var parent: Substring?
        var sampled = false
        // Read once per AWS call: fields split by hand, no arrays.
        var rest = Substring(header)
        while !rest.isEmpty {
            let field = rest.prefix { $0 != ";" }
            rest = rest.dropFirst(field.count + 1)
            let trimmed = field.drop { $0 == " " }
            if trimmed.hasPrefix("Root=") {
                root = trimmed.dropFirst(5)
            } else if trimmed.hasPrefix("Parent=") {
                parent = trimmed.dropFirst(7)
            } else if trimmed.hasPrefix("Sampled=") {
                sampled = trimmed.dropFirst(8) == "1"
            }
        }
        guard let root, root.utf8.count == 35, root.hasPrefix("1-"), let parent, parent.utf8.count == 16,
            root.utf8.allSatisfy({ Self.isHex($0) || $0 == UInt8(ascii: "-") }), parent.utf8.allSatisfy(Self.isHex)
        else { return nil }
        self.root = String(root)
        self.parent = String(parent)
        self.sampled = sampled
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// Whether `header` asks for sampling, checked before anything is parsed: most calls are not sampled.
    static func isSampled(_ header: String) -> Bool {
        header.utf8.count >= 9 && header.contains(text: "Sampled=1")
    }

    /// Ids need to be unique, not secret: a random start per process, then SplitMix64 over a counter,
    /// with no system call per id.
    private static let seed = UInt64.random(in: 0...UInt64.max)
    private static let counter = Atomic<UInt64>(0)

    /// A new segment id: 16 lower-case hex digits.
    static func newId() -> String {
        var z = Self.seed &+ Self.counter.add(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        let hex = String(z ^ (z >> 31), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
