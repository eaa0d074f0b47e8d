import APIGatewayEvents
import AWS
import FoundationEssentials
import GavelDev
import GavelLocal
import GavelTesting
import HTTPTypes
import Hummingbird
import LambdaRuntime
import LiveAuction
import SQSEvents
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An accepted live bid survives the api process dying between its two steps: the accepting write took
/// effect, and the process is killed (SIGKILL, nothing runs after it) while its send to the bid-persistence
/// queue is on the wire. The built api bootstrap runs under a local Runtime API on the template's stack.
@Suite struct LiveBidCrashEndToEndTests {
    /// An SQS endpoint that takes a request and never answers it, and says when one arrived.
    final class SilentQueue: Sendable {
        private let state = Mutex((arrived: [String](), released: false))
        var arrived: [String] { self.state.withLock { $0.arrived } }

        func respond(_ request: Request) async throws -> Response {
            let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? request.uri.description
            self.state.withLock { $0.arrived.append(target) }
            // Held until the test has killed the caller; then closed without an answer.
            while !self.state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(20)) }
            return LoopbackServer.droppedReply()
        }

        func release() { self.state.withLock { $0.released = true } }
    }

    @Test(.timeLimit(.minutes(5)))
    func aBidWhoseProcessIsKilledBeforeQueueingItReachesBidsHistory() async throws {
        try await LocalBackendEndToEndTests.withStack("live-bid-crash") { local in
            let template = try SAMTemplate(path: local.layout.root + "/template.yaml")
            let settings = { (name: String) throws -> FunctionSettings in
                var settings = try template.settings(for: name)
                settings.environment = local.stack.functions[name]?.environment ?? [:]
                return settings
            }
            let api = try settings("api")
            let event = { (method: String, path: String, body: String?, user: String, groups: String) in
                let claims = ["sub": user, "email": "\(user)@gavel.example", "email_verified": "true"]
                    .merging(groups.isEmpty ? [:] : ["cognito:groups": groups]) { $1 }
                return try JSONEncoder().encode(
                    APIGatewayRequest(method: method, path: path, body: body, claims: claims)
                )
            }
            let status = { (result: LocalFunction.Result) -> Int? in
                guard case .response(let body) = result.outcome else { return nil }
                struct Answer: Decodable { var statusCode: Int }
                return try? JSONDecoder().decode(Answer.self, from: body).statusCode
            }
            let aws = try AWSClients(environment: local.caller)
            let auctions = AuctionStore(
                dynamo: DynamoDB(client: try aws.client(.dynamoDB)),
                table: try #require(api.environment["AUCTIONS_TABLE"])
            )

            // First process: its queue never answers. It opens the auction (no queue involved), accepts ada's
            // bid, and is killed while the bid's send is waiting.
            let queue = SilentQueue()
            let auctionId = try await LoopbackServer.with(queue.respond) { port in
                try await LocalFunction.with(
                    settings: api,
                    executable: try TestPaths.bootstrap("api"),
                    caller: local.caller,
                    overrides: ["AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:\(port)"],
                    logPath: try TestPaths.temporaryDirectory("live-bid-crash-api") + "/first.log"
                ) { function in
                    let opened = try await function.invoke(
                        try event(
                            "POST",
                            "/auctions",
                            #"{"title":"Pocket watch","currency":"GBP","startingPrice":1000,"minIncrement":100,"durationSeconds":600}"#,
                            "u-seller",
                            "[vendor]"
                        )
                    )
                    #expect(status(opened) == 201, "\(opened.outcome)")
                    guard case .response(let body) = opened.outcome else { return "" }
                    struct Answer: Decodable { var body: String }
                    struct Opened: Decodable { var auctionId: String }
                    let answer = try JSONDecoder().decode(Answer.self, from: body)
                    let id = try JSONDecoder().decode(Opened.self, from: Data(answer.body.utf8)).auctionId

                    let pid = try #require(await function.pid)
                    let adaBids = try event(
                        "POST",
                        "/auctions/\(id)/bids",
                        #"{"amount":1000,"currency":"GBP"}"#,
                        "u-ada",
                        ""
                    )
                    async let bid = function.invoke(adaBids)
                    #expect(
                        try await LocalBackendEndToEndTests.eventually(30) { !queue.arrived.isEmpty },
                        "the accepted bid's send reached the queue"
                    )
                    kill(pid, SIGKILL)
                    let killed = try await bid
                    queue.release()
                    guard case .error(let report) = killed.outcome else {
                        Issue.record("the killed invocation answered: \(killed.outcome)")
                        return id
                    }
                    #expect(report.errorType == "Runtime.ExitError", "\(report)")
                    return id
                }
            }
            #expect(queue.arrived.count == 1, "one send, cut by the kill: \(queue.arrived)")
            let stranded = try #require(try await auctions.auction(auctionId, consistent: true))
            #expect(stranded.highBidder == "u-ada" && stranded.highBid == 1000, "the bid was accepted")
            #expect(stranded.outbox?.count == 1, "the accepted bid waits in the outbox")

            // Second process, queue reachable: bob's bid sends ada's stranded one with its own.
            let queueURL = try #require(api.environment["BID_PERSISTENCE_QUEUE_URL"])
            try await LocalFunction.with(
                settings: api,
                executable: try TestPaths.bootstrap("api"),
                caller: local.caller,
                logPath: try TestPaths.temporaryDirectory("live-bid-crash-api") + "/second.log"
            ) { function in
                let bob = try await function.invoke(
                    try event("POST", "/auctions/\(auctionId)/bids", #"{"amount":1100,"currency":"GBP"}"#, "u-bob", "")
                )
                #expect(status(bob) == 201, "\(bob.outcome)")
            }
            #expect(try await auctions.auction(auctionId, consistent: true)?.outbox?.isEmpty ?? true)
            let sqs = SQS(client: try aws.client(.sqs))
            var messages: [SQS.Message] = []
            for _ in 0..<5 where messages.count < 2 {
                let batch = try await sqs.receive(from: queueURL, maxMessages: 10, waitSeconds: 1)
                messages += batch
                for message in batch { try await sqs.delete(receiptHandle: message.receiptHandle, from: queueURL) }
            }
            #expect(messages.count == 2, "ada's stranded bid and bob's: \(messages.map(\.body))")

            // bid-persistence writes both to bids_history.
            let records = messages.map { SQSEvent.Record(messageId: $0.messageId, body: $0.body, groupId: auctionId) }
            try await LocalFunction.with(
                settings: try settings("bid-persistence"),
                executable: try TestPaths.bootstrap("bid-persistence"),
                caller: local.caller,
                logPath: try TestPaths.temporaryDirectory("live-bid-crash-persist") + "/persist.log"
            ) { function in
                let persisted = try await function.invoke(try JSONEncoder().encode(SQSEvent(records: records)))
                guard case .response(let body) = persisted.outcome else {
                    Issue.record("bid-persistence failed: \(persisted.outcome)")
                    return
                }
                #expect(String(decoding: body, as: UTF8.self) == #"{"batchItemFailures":[]}"#)
            }
            let history = try await DynamoDB(client: try aws.client(.dynamoDB)).all(
                DynamoDB.Read(table: try #require(api.environment["BIDS_HISTORY_TABLE"]))
            )
            let bids = history.compactMap { row -> String? in
                guard case .s(auctionId)? = row["auction_id"], case .s(let user)? = row["user_id"],
                    case .n(let amount)? = row["amount"]
                else { return nil }
                return "\(user) \(amount)"
            }
            #expect(bids.sorted() == ["u-ada 1000", "u-bob 1100"], "both accepted bids in bids_history")
        }
    }
}
