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
        guard let header = InvocationTrace.current, let trace = XRayTrace(header: header), trace.sampled else {
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

    /// The subsegment document of one request.
    static func subsegment(
        _ request: TransportRequest,
        _ outcome: Result<TransportResponse, TransportError>,
        trace: XRayTrace,
        start: String,
        end: String
    ) -> String {
        var document = #"{"type":"subsegment","id":""# + XRayTrace.newId()
        document += #"","trace_id":""# + trace.root + #"","parent_id":""# + trace.parent
        document += #"","start_time":"# + start + #","end_time":"# + end
        if let call = request.awsCall {
            document += #","name":""# + Self.safe(call.service) + #"","namespace":"aws","aws":{"operation":""#
            document += Self.safe(call.operation) + #"","region":""# + Self.safe(call.region) + "\""
            if case .success(let response) = outcome, let id = response.headers["x-amzn-requestid"] {
                document += #","request_id":""# + Self.safe(id) + "\""
            }
            document += "}"
        } else {
            document += #","name":""# + Self.safe(Self.host(of: request.url)) + #"","namespace":"remote""#
        }
        document += #","http":{"request":{"method":""# + Self.safe(request.method) + "\"}"
        switch outcome {
        case .success(let response):
            document += #","response":{"status":"# + String(response.status) + "}}"
            if response.status == 429 {
                document += #","throttle":true,"error":true"#
            } else if (400..<500).contains(response.status) {
                document += #","error":true"#
            } else if response.status >= 500 {
                document += #","fault":true"#
            }
        case .failure:
            // No answer came: a fault on the remote side as X-Ray counts it (the SDKs mark it the same way).
            document += #"},"fault":true"#
        }
        return document + "}"
    }

    /// Only characters that need no JSON escape and say nothing private: ids, names, hosts.
    private static func safe(_ text: some StringProtocol) -> String {
        String(
            text.unicodeScalars.lazy.filter {
                $0.isASCII
                    && ($0.properties.isAlphabetic || $0.properties.numericType != nil
                        || "-_.:/ ".unicodeScalars.contains($0))
            }.map(Character.init)
        )
    }

    private static func host(of url: String) -> Substring {
        let rest = url.split(separator: "://", maxSplits: 1).last ?? Substring(url)
        return rest.prefix { $0 != "/" && $0 != "?" && $0 != ":" }
    }

    /// Now, as X-Ray wants it: seconds since the epoch with microseconds.
    static func epochSeconds() -> String {
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
        var root: String?
        var parent: String?
        var sampled = false
        for field in header.split(separator: ";") {
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0].trimmingPrefix(" ") {
            case "Root": root = String(pair[1])
            case "Parent": parent = String(pair[1])
            case "Sampled": sampled = pair[1] == "1"
            default: continue
            }
        }
        guard let root, root.utf8.count == 35, root.hasPrefix("1-"),
            let parent, parent.utf8.count == 16,
            (root + parent).utf8.allSatisfy({ Self.isHex($0) || $0 == UInt8(ascii: "-") })
        else { return nil }
        self.root = root
        self.parent = parent
        self.sampled = sampled
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// A new segment id: 16 lower-case hex digits.
    static func newId() -> String {
        let hex = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
