import AWS
import FoundationEssentials
import JSON

#if canImport(Glibc)
import Glibc
#endif

// Release-built micro-benchmarks of the AWS client (scripts/bench aws). Prints a Markdown table.

/// Median nanoseconds per operation over `rounds` rounds of `count` operations.
func measure(rounds: Int = 7, count: Int, _ operation: () -> Void) -> Double {
    var perOperation: [Double] = []
    for _ in 0..<rounds {
        let start = nowNs()
        for _ in 0..<count { operation() }
        perOperation.append(Double(nowNs() - start) / Double(count))
    }
    return perOperation.sorted()[rounds / 2]
}

// `gavel-bench writes <table>`: the bids_history write strategies against the endpoint in the environment.
if CommandLine.arguments.dropFirst().first == "writes", CommandLine.arguments.count >= 3 {
    try await benchmarkWriteStrategies(
        environment: ProcessInfo.processInfo.environment,
        table: CommandLine.arguments[2],
        batches: 50
    )
    exit(0)
}

// `gavel-bench sniper`: bid timing against the fake eBay, and GET /bids handler time, against moto.
if CommandLine.arguments.dropFirst().first == "sniper" {
    try await benchmarkSniper()
    exit(0)
}

// `gavel-bench thumbnails <dir>`, `gavel-bench thumbnail-rss <file>`, `gavel-bench storefront`.
switch (CommandLine.arguments.dropFirst().first, CommandLine.arguments.count) {
case ("thumbnails", 3):
    try benchmarkThumbnails(directory: CommandLine.arguments[2])
    exit(0)
case ("thumbnail-rss", 3):
    try thumbnailPeakRSS(file: CommandLine.arguments[2])
    exit(0)
case ("storefront", _):
    try await benchmarkStorefront()
    exit(0)
case ("marketplace", _):
    try await benchmarkMarketplace()
    exit(0)
default:
    break
}

// A DynamoDB PutItem as the client sends it; the payload hash is computed once, as the client does per body.
let credentials = Credentials(
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "FwoGZXIvYXdzEBYaDEXAMPLETOKEN"
)
let body = Array(
    #"{"TableName":"gavel-dev-Bids","Item":{"userId":{"S":"u-1"},"bidId":{"S":"b-1"},"status":{"S":"SCHEDULED"}}}"#.utf8
)
let request = SigningRequest(
    method: "POST",
    path: "/",
    headers: [
        .init("host", "dynamodb.us-east-1.amazonaws.com"), .init("content-type", "application/x-amz-json-1.0"),
        .init("x-amz-target", "DynamoDB_20120810.PutItem"), .init("content-length", String(body.count)),
    ],
    payloadHash: Digest.sha256Hex(body)
)
let signer = SigV4Signer(region: "us-east-1", service: "dynamodb")
// An optional first argument scales the work down, for profiling under valgrind.
let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 50_000
var sink = 0
// `gavel-bench <count> sign` or `... attributes`: only the signature, or only the client's AttributeValue
// round trip, for a profiler (`perf record`).
let only = CommandLine.arguments.dropFirst(2).first
let attributesOnly = only == "attributes"
let signNs = measure(count: attributesOnly ? 1 : count) {
    sink &+= signer.sign(request, credentials: credentials, unixTime: 1_700_000_000).signature.utf8.count
}
if only == "sign" {
    print("| SigV4 header signature, cached key | \(Int(signNs)) ns |")
    exit(0)
}
let hashNs = measure(count: attributesOnly ? 1 : count) { sink &+= Digest.sha256(body).count }

// AttributeValue encode plus decode of a ~1 KB item: Swift value → attributes → JSON → attributes → value.
struct Listing: Codable, Equatable {
    var productId: String
    var vendorId: String
    var title: String
    var description: String
    var priceMinor: Int64
    var currency: String
    var stock: Int
    var tags: Set<String>
    var images: [String]
    var ratings: [Int]
    var active: Bool
    var updatedAt: Int64
}
let listing = Listing(
    productId: "p-0001",
    vendorId: "v-42",
    title: "Leica M6 TTL 0.72 black chrome, boxed",
    description: String(repeating: "Clean glass, smooth shutter, tested meter. ", count: 12),
    priceMinor: 249_900,
    currency: "GBP",
    stock: 1,
    tags: ["camera", "film", "rangefinder", "leica"],
    images: (1...6).map { "thumbnails/p-0001/\($0)-400.webp" },
    ratings: [5, 4, 5, 5, 3],
    active: true,
    updatedAt: 1_800_000_000
)
let itemEncoder = DynamoDBEncoder()
let itemDecoder = DynamoDBDecoder()
let jsonEncoder = JSONEncoder()
let jsonDecoder = JSONDecoder()
let itemBytes = try jsonEncoder.encode(itemEncoder.encode(listing)).count
let codableNs = measure(count: attributesOnly ? 1 : max(count / 10, 100)) {
    let json = try! jsonEncoder.encode(itemEncoder.encode(listing))
    let back = try! itemDecoder.decode(
        Listing.self,
        from: jsonDecoder.decode([String: AttributeValue].self, from: json)
    )
    sink &+= back.stock
}
// The same round trip as the client makes it now: JSONWriter and JSONReader for the JSON, so what is left
// is DynamoDBEncoder and DynamoDBDecoder (Codable to and from AttributeValues).
let clientPathNs = measure(count: max(count / 10, 100)) {
    var writer = JSONWriter(capacity: 2048)
    AttributeValue.write(try! itemEncoder.encode(listing), to: &writer)
    var reader = JSONReader(writer.bytes)
    let back = try! itemDecoder.decode(Listing.self, from: AttributeValue.readItem(from: &reader))
    sink &+= back.stock
}
if attributesOnly {
    print("| AttributeValue encode + decode, client path | \(Int(clientPathNs)) ns |")
    exit(0)
}

// Reading the item's JSON alone (what every DynamoDB reply costs), side by side: Foundation's JSONDecoder
// through AttributeValue's Decodable, then JSONReader straight from the bytes.
let itemJSON = Array(try jsonEncoder.encode(itemEncoder.encode(listing)))
let decoderReadNs = measure(count: max(count / 10, 100)) {
    sink &+= try! jsonDecoder.decode([String: AttributeValue].self, from: Data(itemJSON)).count
}
let readerReadNs = measure(count: max(count / 10, 100)) {
    var reader = JSONReader(itemJSON)
    sink &+= try! AttributeValue.readItem(from: &reader).count
}

// And writing it, side by side: JSONEncoder through AttributeValue's Encodable, then JSONWriter.
let itemAttributes = try itemEncoder.encode(listing)
let encoderWriteNs = measure(count: max(count / 10, 100)) {
    sink &+= try! jsonEncoder.encode(itemAttributes).count
}
let writerWriteNs = measure(count: max(count / 10, 100)) {
    var writer = JSONWriter(capacity: 2048)
    AttributeValue.write(itemAttributes, to: &writer)
    sink &+= writer.bytes.count
}

// Whole client calls (sign, send, parse) to a loopback stub over one kept-alive connection.
let stub = StubServer(body: #"{"Item":{"userId":{"S":"u-1"},"bidId":{"S":"b-1"},"status":{"S":"SCHEDULED"}}}"#)
let dynamo = DynamoDB(
    client: AWSClient(
        service: .dynamoDB,
        endpoints: try EndpointResolver(environment: [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:\(stub.port)",
        ]),
        transport: CurlTransport(configuration: .init(caFile: nil)),
        credentials: StaticCredentials(credentials),
        retry: RetryPolicy()
    )
)
let calls = max(count / 25, 200)
/// GetItems from a task preferring `executor` (nil: the global pool): see `medianPerCall`.
func getItemNs(preferring executor: (any TaskExecutor)?) async -> (wall: Double, cpu: Double) {
    await Task(executorPreference: executor) {
        var items = 0
        let result = await medianPerCall(of: calls, stub: stub) {
            let item = try! await dynamo.getItem(
                table: "gavel-dev-Bids",
                key: ["userId": .s("u-1"), "bidId": .s("b-1")]
            )
            items &+= item?.count ?? 0
        }
        precondition(items == 5 * calls * 3, "the stub's item did not come back")
        return result
    }.value
}
// Side by side, alternately: from the global pool (a hop to curl's thread and back per call), then from a
// task on the loop itself, as a function's handler runs; the medians of three turns each.
var hopRounds: [(wall: Double, cpu: Double)] = []
var loopRounds: [(wall: Double, cpu: Double)] = []
for _ in 0..<3 {
    hopRounds.append(await getItemNs(preferring: nil))
    loopRounds.append(await getItemNs(preferring: CurlEventLoop.shared))
}
/// "174 µs (CPU 96 µs)": the middle of three turns, wall and CPU each.
func callCell(_ rounds: [(wall: Double, cpu: Double)]) -> String {
    let wall = rounds.map(\.wall).sorted()[rounds.count / 2]
    let cpu = rounds.map(\.cpu).sorted()[rounds.count / 2]
    return "\(Int(wall / 1000)) µs (CPU \(Int(cpu / 1000)) µs) | \(Int(1e9 / wall))"
}
// Its own stub: the first one serves one connection at a time, and CurlTransport's stays open.
let floorStub = StubServer(body: #"{"Item":{"userId":{"S":"u-1"},"bidId":{"S":"b-1"},"status":{"S":"SCHEDULED"}}}"#)
let curlFloor = [await curlFloorNs(stub: floorStub, calls: calls)]

print("| AWS client benchmark (release) | per operation | per second |")
print("|---|---|---|")
print("| SigV4 header signature, cached key (DynamoDB PutItem) | \(Int(signNs)) ns | \(Int(1e9 / signNs)) |")
print("| SHA-256 of the 110-byte PutItem body | \(Int(hashNs)) ns | \(Int(1e9 / hashNs)) |")
print(
    "| AttributeValue encode + decode, \(itemBytes)-byte item (value → JSON → value), JSONEncoder/JSONDecoder | \(Int(codableNs)) ns | \(Int(1e9 / codableNs)) |"
)
print(
    "| the same, JSONWriter/JSONReader (the client's path now) | \(Int(clientPathNs)) ns | \(Int(1e9 / clientPathNs)) |"
)
print("| JSON → AttributeValues, same item, JSONDecoder | \(Int(decoderReadNs)) ns | \(Int(1e9 / decoderReadNs)) |")
print("| JSON → AttributeValues, same item, JSONReader | \(Int(readerReadNs)) ns | \(Int(1e9 / readerReadNs)) |")
print("| AttributeValues → JSON, same item, JSONEncoder | \(Int(encoderWriteNs)) ns | \(Int(1e9 / encoderWriteNs)) |")
print("| AttributeValues → JSON, same item, JSONWriter | \(Int(writerWriteNs)) ns | \(Int(1e9 / writerWriteNs)) |")
print(
    "| DynamoDB GetItem to a loopback stub, one kept-alive connection (sign, send, parse), from the global pool | \(callCell(hopRounds)) |"
)
print(
    "| the same, from a task on CurlEventLoop (how a function runs: no hop) | \(callCell(loopRounds)) |"
)
print(
    "| the same POST by curl_easy_perform on the calling thread, one reused handle (no hop; the floor) | \(callCell(curlFloor)) |"
)
print("")
print("| X-Ray in the AWS client (release), median of 7 rounds | CPU | over no trace |")
print("|---|---|---|")
for row in try await benchmarkTracing(calls: max(count / 25, 200)) { print(row) }
if sink == 42 { print("") }  // keeps the work observable to the optimiser
