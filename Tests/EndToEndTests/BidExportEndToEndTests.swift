import AWS
import FoundationEssentials
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import LiveAuction
import Testing

/// bid-export as a frontend would call it: `GET` on its Function URL with the user's token streams their
/// live bids as CSV, page by page. Run behind a fault proxy that fails the second page's Query through every
/// retry once: that export must end as a failed transfer, never as a short file that looks complete.
@Suite struct BidExportEndToEndTests {
    typealias Local = LocalBackendEndToEndTests

    @Test(.timeLimit(.minutes(5)))
    func aUserExportsTheirOwnBidsAsAStreamedCSV() async throws {
        try await Local.withStack("bid-export") { local in
            // Every attempt (3) at the first Query that carries a cursor: only the first export's second page.
            let proxy = FaultProxy(
                upstream: local.stack.endpoint,
                operation: "Query",
                containing: "ExclusiveStartKey",
                count: 3,
                fault: .serverError
            )
            try await proxy.with { faulty in
                try await Local.withBackend(local, functionEnvironment: ["AWS_ENDPOINT_URL": faulty]) { _, urls in
                    let url = try #require(urls.functionURLs["bid-export"], "dev serves the Function URL")
                    let signIn = try LocalSignIn(
                        stack: local.stack,
                        confirm: LocalSignIn.console(
                            url: urls.console,
                            token: urls.consoleToken,
                            transport: Moto.transport
                        )
                    )
                    let ada = try await signIn.idToken(user: "ada-exporter")
                    let bob = try await signIn.idToken(user: "bob-exporter")
                    let (adaId, bobId) = (try Self.subject(ada), try Self.subject(bob))
                    try await Self.writeBids(local, ada: adaId, bob: bobId)

                    let anonymous = try await Local.http("GET", url + "/")
                    #expect(anonymous.status == 401 && anonymous.text.contains(#""code":"unauthorized""#))
                    #expect(try await Local.http("GET", url + "/", token: "not.a.token").status == 401)
                    #expect(try await Local.http("POST", url + "/", token: ada).status == 405)

                    await #expect(throws: (any Error).self, "the first export's second page fails: a cut transfer") {
                        try await Local.http("GET", url + "/", token: ada)
                    }
                    #expect(proxy.counts["5xx"] == 3)

                    let export = try await Local.http("GET", url + "/", token: ada)
                    #expect(export.status == 200)
                    let lines = export.text.split(separator: "\n")
                    #expect(lines.first == "bid_id,auction_id,amount,currency,placed_at")
                    #expect(lines.count == 151, "150 bids over two pages")
                    let rows = lines.dropFirst().map { $0.split(separator: ",") }
                    #expect(rows.allSatisfy { $0.count == 5 && $0[0].contains("#\(adaId)#") }, "only ada's bids")
                    let times = rows.map { String($0[4]) }
                    #expect(times == times.sorted(by: >), "newest first")
                    #expect(rows.first.map { String($0[2]) } == "10149" && rows.first.map { String($0[3]) } == "GBP")

                    let bobs = try await Local.http("GET", url + "/", token: bob)
                    #expect(bobs.text.split(separator: "\n").count == 3, "\(bobs.text)")
                    #expect(!bobs.text.contains(adaId))
                }
            }
        }
    }

    /// 150 bids for ada (three auctions, a second apart) and 2 for bob, straight into bids_history.
    static func writeBids(_ local: Local.Stack, ada: String, bob: String) async throws {
        let table = try #require(local.stack.functions["bid-export"]?.environment["BIDS_HISTORY_TABLE"])
        let aws = try AWSClients(environment: local.caller)
        let store = LiveBidStore(dynamo: DynamoDB(client: aws.client(.dynamoDB)), table: table, retentionDays: 90)
        let start: Int64 = 1_796_000_000_000
        var bids = (0..<150).map { index in
            LiveBid(
                auctionId: "auction-\(index % 3)",
                userId: ada,
                amount: 10_000 + Int64(index),
                currency: "GBP",
                timestamp: start + Int64(index) * 1000
            )
        }
        bids += (0..<2).map {
            LiveBid(auctionId: "auction-0", userId: bob, amount: 500, currency: "GBP", timestamp: start + 500 + $0)
        }
        try await store.write(bids)
    }

    /// The `sub` of an ID token: what the function reads the user from.
    static func subject(_ token: String) throws -> String {
        let payload = token.split(separator: ".").dropFirst().first.map(String.init) ?? ""
        var base64 = payload.replacing("-", with: "+").replacing("_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        struct Claims: Decodable { var sub: String }
        return try JSONDecoder().decode(Claims.self, from: try #require(Data(base64Encoded: base64))).sub
    }
}
