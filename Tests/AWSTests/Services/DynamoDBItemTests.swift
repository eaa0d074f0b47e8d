import AWS
import GavelFixtures
import GavelTesting
import Testing

/// GetItem, PutItem, UpdateItem and DeleteItem against moto with signature checking on.
@Suite struct DynamoDBItemTests {
    @Test func writesReadsUpdatesAndDeletesWithConditions() async throws {
        let moto = try await Moto.shared()
        let table = moto.unique("bids")
        try await moto.createTable(table, hash: "userId", range: "bidId")
        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        let key: [String: AttributeValue] = ["userId": .s("u1"), "bidId": .s("b1")]
        let notThere = DynamoDB.Condition("attribute_not_exists(bidId)")

        #expect(try await dynamo.getItem(table: table, key: key) == nil)
        try await dynamo.putItem(
            table: table,
            item: key.merging(["status": .s("SCHEDULED")]) { $1 },
            condition: notThere
        )
        let again = await #expect(throws: AWSError.self) {
            try await dynamo.putItem(table: table, item: key, condition: notThere)
        }
        #expect(again?.isConditionalCheckFailed == true)
        #expect(again?.context.status == 400)

        let updated = try await dynamo.updateItem(
            table: table,
            key: key,
            update: "SET #s = :placed ADD attempts :one",
            names: ["#s": "status"],
            values: [":placed": .s("PLACED"), ":one": .n("1"), ":scheduled": .s("SCHEDULED")],
            condition: .init("#s = :scheduled"),
            returnValues: .allNew
        )
        #expect(updated?["status"] == .s("PLACED"))
        #expect(updated?["attempts"] == .n("1"))

        let stale = await #expect(throws: AWSError.self) {
            try await dynamo.updateItem(
                table: table,
                key: key,
                update: "SET #s = :cancelled",
                names: ["#s": "status"],
                values: [":cancelled": .s("CANCELLED"), ":scheduled": .s("SCHEDULED")],
                condition: .init("#s = :scheduled")
            )
        }
        #expect(stale?.isConditionalCheckFailed == true)

        let consistent = try await dynamo.getItem(table: table, key: key, consistentRead: true)
        #expect(consistent?["status"] == .s("PLACED"))
        let old = try await dynamo.deleteItem(table: table, key: key, returnValues: .allOld)
        #expect(old?["attempts"] == .n("1"))
        #expect(try await dynamo.getItem(table: table, key: key) == nil)
        try await dynamo.deleteItem(table: table, key: key)  // deleting what is gone is fine
    }

    @Test func typedItemsRoundTripThroughTheTable() async throws {
        struct Bid: Codable, Equatable {
            var userId: String
            var bidId: String
            var amount: Int64
            var tags: Set<String>
            var note: String?
        }
        let moto = try await Moto.shared()
        let table = moto.unique("typed")
        try await moto.createTable(table, hash: "userId", range: "bidId")
        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        let bid = Bid(userId: "u", bidId: "b", amount: 9_007_199_254_740_993, tags: ["x", "y"], note: nil)
        try await dynamo.putItem(table: table, item: try DynamoDBEncoder().encode(bid))
        let stored = try #require(try await dynamo.getItem(table: table, key: ["userId": .s("u"), "bidId": .s("b")]))
        #expect(stored["note"] == nil)
        #expect(try DynamoDBDecoder().decode(Bid.self, from: stored) == bid)
    }

    @Test func aWrongSignatureIsRefused() async throws {
        let moto = try await Moto.shared()
        let wrong = Moto.Account(
            endpoint: moto.endpoint,
            credentials: Credentials(accessKeyId: moto.credentials.accessKeyId, secretAccessKey: "not-the-secret")
        )
        let dynamo = DynamoDB(client: try wrong.client(.dynamoDB, retry: RetryPolicy(maxAttempts: 1)))
        let error = await #expect(throws: AWSError.self) {
            try await dynamo.getItem(table: "any", key: ["userId": .s("u")])
        }
        #expect(error?.context.status == 403 || error?.context.status == 400)
        #expect(error?.context.code?.contains("Signature") == true)
    }
}
