import AWS
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Answers every request in-process with an empty GetItem output: the client's own CPU alone is measured.
private struct EmptyItem: HTTPTransport {
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        TransportResponse(status: 200, headers: ["x-amzn-requestid": "REQ"], body: Array("{}".utf8))
    }
}

/// CPU per GetItem (in-process answer) three ways, side by side: no trace; the invocation's trace header on
/// the request (`Sampled=0`); and sampled, each call also sent as a subsegment to a UDP daemon on loopback
/// (a bound socket nobody reads: the send is what a function pays). Returns the table's rows.
func benchmarkTracing(calls: Int) async throws -> [String] {
    let daemon = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(daemon, $0, length) == 0 && getsockname(daemon, $0, &length) == 0
        }
    }
    defer { close(daemon) }
    var environment = [
        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
    ]
    let plain = DynamoDB(client: try AWSClients(environment: environment, transport: EmptyItem()).client(.dynamoDB))
    environment["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
    let traced = DynamoDB(client: try AWSClients(environment: environment, transport: EmptyItem()).client(.dynamoDB))
    let root = "Root=1-6b104f55-45bd13e17e344cacc552ee24;Parent=a6936496a6c0e417"

    func cpuPerCall(_ dynamo: DynamoDB, header: String?) async throws -> Double {
        var rounds: [Double] = []
        for _ in 0..<7 {
            let start = processCPUNs()
            try await InvocationTrace.$current.withValue(header) {
                for _ in 0..<calls { _ = try await dynamo.getItem(table: "Bids", key: ["id": .s("b-1")]) }
            }
            rounds.append(Double(processCPUNs() - start) / Double(calls))
        }
        return rounds.sorted()[3]
    }
    // Interleaved rounds would be fairer still; medians of 7 side by side are what the other tables quote.
    let none = try await cpuPerCall(plain, header: nil)
    let header = try await cpuPerCall(traced, header: root + ";Sampled=0")
    let sampled = try await cpuPerCall(traced, header: root + ";Sampled=1")
    let noneAgain = try await cpuPerCall(plain, header: nil)
    // The subsegment's two parts alone: writing the document, and sending one datagram.
    let trace = XRayTrace(header: root + ";Sampled=1")!
    let request = TransportRequest(
        method: "POST",
        url: "https://dynamodb.us-east-1.amazonaws.com/",
        awsCall: .init(service: "DynamoDB", operation: "GetItem", region: "us-east-1")
    )
    let answer: Result<TransportResponse, TransportError> = .success(
        TransportResponse(status: 200, headers: ["x-amzn-requestid": "REQ"])
    )
    var documentBytes = 0
    let documentNs = measure(count: calls) {
        let start = TracingTransport.epochSeconds()
        documentBytes &+= TracingTransport.subsegment(request, answer, trace: trace, start: start, end: start).count
    }
    let xray = XRayDaemon(environment: environment)!
    let document = TracingTransport.subsegment(request, answer, trace: trace, start: "1.0", end: "1.0")
    let sendNs = measure(count: calls) { xray.send(document) }
    func micros(_ ns: Double) -> String {
        let tenths = Int((ns / 100).rounded())
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10) µs"
    }
    return [
        "| GetItem answered in-process, no trace (CPU per call; before, after) | \(micros(none)), \(micros(noneAgain)) | |",
        "| the same with the trace header (`Sampled=0`) | \(micros(header)) | \(micros(header - min(none, noneAgain))) |",
        "| the same sampled: header and a subsegment to the UDP daemon | \(micros(sampled)) | \(micros(sampled - min(none, noneAgain))) |",
        "| of which: writing one subsegment document (\(document.count) bytes; wall) | \(micros(documentNs)) | |",
        "| of which: sending one datagram to a loopback UDP socket (`sendmsg`; wall) | \(micros(sendNs)) | |",
    ]
}
