import AWS
import GavelFixtures
import GavelTesting
import Testing

/// Query, Scan (paged and in parallel segments), the batch operations and transactions against moto.
@Suite struct DynamoDBReadTests {
    private static func history(_ moto: Moto.Account, rows: Int) async throws -> (DynamoDB, String) {
        let table = moto.unique("history")
        try await moto.createTable(table, hash: "userId", range: "timestamp", rangeType: "N")
        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        let writes = (0..<rows).map { index in
            DynamoDB.Write.put([
                "userId": .s(index % 2 == 0 ? "even" : "odd"), "timestamp": .n(String(1_700_000_000 + index)),
                "index": .n(String(index)),
            ])
        }
        try await dynamo.batchWrite(table: table, writes)  // 6 chunks of at most 25
        return (dynamo, table)
    }

    @Test func queryPagesNewestFirstAndReadsToTheEnd() async throws {
        let moto = try await Moto.shared()
        let (dynamo, table) = try await Self.history(moto, rows: 140)
        var read = DynamoDB.Read(
            table: table,
            keyCondition: "userId = :u",
            values: [":u": .s("even")],
            ascending: false,
            limit: 30
        )
        let first = try await dynamo.page(read)
        #expect(first.items.count == 30)
        #expect(first.items.first?["index"] == .n("138"))
        #expect(first.lastEvaluatedKey != nil)
        let second = try await dynamo.page(read, startKey: first.lastEvaluatedKey)
        #expect(second.items.first?["index"] == .n("78"))
        #expect(try await dynamo.all(read).count == 70)
        read.filter = "#i < :ten"
        read.names = ["#i": "index"]
        read.values[":ten"] = .n("10")
        #expect(try await dynamo.all(read).count == 5)
    }

    @Test func scanInParallelSegmentsFindsEveryItemOnce() async throws {
        let moto = try await Moto.shared()
        let (dynamo, table) = try await Self.history(moto, rows: 57)
        let items = try await dynamo.all(.init(table: table, limit: 10), segments: 3)
        #expect(items.count == 57)
        #expect(Set(items.compactMap { $0["index"] }).count == 57)
    }

    @Test func batchGetChunksPastOneHundredKeysAndBatchWriteDeletes() async throws {
        let moto = try await Moto.shared()
        let (dynamo, table) = try await Self.history(moto, rows: 130)
        let keys = (0..<130).map { index -> [String: AttributeValue] in
            ["userId": .s(index % 2 == 0 ? "even" : "odd"), "timestamp": .n(String(1_700_000_000 + index))]
        }
        let missing: [String: AttributeValue] = ["userId": .s("nobody"), "timestamp": .n("1")]
        #expect(try await dynamo.batchGet(table: table, keys: keys + [missing]).count == 130)
        try await dynamo.batchWrite(table: table, keys.prefix(100).map { .delete(key: $0) })
        #expect(try await dynamo.all(.init(table: table)).count == 30)
    }

    @Test func aCancelledTransactionSaysWhichWriteFailed() async throws {
        let moto = try await Moto.shared()
        let table = moto.unique("orders")
        try await moto.createTable(table, hash: "id")
        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        try await dynamo.putItem(table: table, item: ["id": .s("stock"), "count": .n("1")])
        let decrement = DynamoDB.TransactWrite.update(
            table: table,
            key: ["id": .s("stock")],
            update: "SET #c = #c - :one",
            names: ["#c": "count"],
            values: [":one": .n("1")],
            condition: .init("#c >= :one", names: ["#c": "count"], values: [":one": .n("1")])
        )
        try await dynamo.transactWrite([.put(table: table, item: ["id": .s("order-1")]), decrement])
        let error = await #expect(throws: AWSError.self) {
            try await dynamo.transactWrite([.put(table: table, item: ["id": .s("order-2")]), decrement])
        }
        #expect(error?.context.code == "TransactionCanceledException")
        #expect(error?.cancellationReasons == ["None", "ConditionalCheckFailed"])
        #expect(try await dynamo.getItem(table: table, key: ["id": .s("order-2")]) == nil)
        #expect(try await dynamo.getItem(table: table, key: ["id": .s("stock")])?["count"] == .n("0"))
    }
}
