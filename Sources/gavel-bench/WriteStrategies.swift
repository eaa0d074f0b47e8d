import AWS

/// bids_history writes two ways against a DynamoDB endpoint (moto in scripts/bench): one BatchWriteItem of
/// ten puts, whose deterministic keys make a redelivery an identical overwrite, against ten PutItems with
/// `attribute_not_exists`, where a redelivery is a ConditionalCheckFailed to swallow. Both are timed for
/// fresh batches and for redelivered ones; prints table rows.
func benchmarkWriteStrategies(environment: [String: String], table: String, batches: Int) async throws {
    let aws = try AWSClients(environment: environment)
    let dynamo = DynamoDB(client: aws.client(.dynamoDB))
    func items(_ batch: Int) -> [[String: AttributeValue]] {
        (0..<10).map { index in
            let timestamp = 1_800_000_000_000 + batch * 10 + index
            return [
                "auction_id": .s("auc-\(batch % 7)"), "timestamp#user_id": .s("\(timestamp)#u\(index)"),
                "user_id": .s("u\(index)"), "timestamp": .n(String(timestamp)), "amount": .n("1000"),
                "currency": .s("GBP"), "ttl_expiry": .n("1807776000"),
            ]
        }
    }
    func batchWrite(_ batch: Int) async throws {
        try await dynamo.batchWrite(table: table, items(batch).map { .put($0) })
    }
    func conditionalPuts(_ batch: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for item in items(batch) {
                group.addTask {
                    do throws(AWSError) {
                        try await dynamo.putItem(
                            table: table,
                            item: item,
                            condition: .init("attribute_not_exists(auction_id)")
                        )
                    } catch  where error.isConditionalCheckFailed {
                        // a redelivery: already written
                    }
                }
            }
            try await group.waitForAll()
        }
    }
    func time(_ label: String, offset: Int, _ write: (Int) async throws -> Void) async throws {
        var fresh: [Double] = []
        var replay: [Double] = []
        for batch in 0..<batches {
            var start = nowNs()
            try await write(offset + batch)
            fresh.append(Double(nowNs() - start) / 1000)
            start = nowNs()
            try await write(offset + batch)
            replay.append(Double(nowNs() - start) / 1000)
        }
        let medianFresh = fresh.sorted()[fresh.count / 2]
        let medianReplay = replay.sorted()[replay.count / 2]
        print("| \(label), 10 bids | \(Int(medianFresh)) µs | \(Int(medianReplay)) µs | \(Int(10e6 / medianFresh)) |")
    }
    print("| bids_history write (moto, loopback) | batch, median | redelivered batch, median | bids per second |")
    print("|---|---|---|---|")
    try await time("one BatchWriteItem", offset: 0, batchWrite)
    try await time("ten conditional PutItems, concurrent", offset: 100_000, conditionalPuts)
}
