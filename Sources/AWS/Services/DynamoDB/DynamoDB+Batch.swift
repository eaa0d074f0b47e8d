import JSON

/// BatchGetItem and BatchWriteItem: chunked to DynamoDB's limits (100 keys, 25 writes), chunks sent
/// concurrently, and whatever DynamoDB leaves unprocessed sent again with backoff until done or out of time.
extension DynamoDB {
    /// One write of a batch.
    package enum Write: Sendable {
        case put([String: AttributeValue])
        case delete(key: [String: AttributeValue])
    }

    /// Keys per BatchGetItem and writes per BatchWriteItem, DynamoDB's limits.
    package static let batchGetLimit = 100
    package static let batchWriteLimit = 25
    /// Rounds of unprocessed retries before giving up when no deadline bounds them.
    package static let unprocessedRounds = 10
    /// Chunks in flight at once.
    private static let concurrentChunks = 4

    private struct GetRequest: Encodable {
        var Keys: [[String: AttributeValue]]
        var ConsistentRead: Bool?
    }

    private struct GetInput: Encodable {
        var RequestItems: [String: GetRequest]
    }

    /// The items of one table and the keys it left unprocessed.
    private struct GetOutput: JSONReadable {
        var items: [[String: AttributeValue]] = []
        var unprocessedKeys: [[String: AttributeValue]] = []

        init(reading reader: inout JSONReader) throws(JSONReader.Failure) {
            var items: [[String: AttributeValue]] = []
            var unprocessed: [[String: AttributeValue]] = []
            try reader.readObject { (reader, name) throws(JSONReader.Failure) in
                switch name {
                case "Responses":
                    try reader.readObject { (reader, _: JSONReader.Name) throws(JSONReader.Failure) in
                        items += try AttributeValue.readItems(from: &reader)
                    }
                case "UnprocessedKeys":
                    try reader.readObject { (reader, _: JSONReader.Name) throws(JSONReader.Failure) in
                        try reader.readObject { (reader, name) throws(JSONReader.Failure) in
                            if name == "Keys" {
                                unprocessed += try AttributeValue.readItems(from: &reader)
                            } else {
                                try reader.skipValue()
                            }
                        }
                    }
                default: try reader.skipValue()
                }
            }
            self.items = items
            self.unprocessedKeys = unprocessed
        }
    }

    /// The items with `keys` (missing ones are simply absent), in no particular order.
    package func batchGet(
        table: String,
        keys: [[String: AttributeValue]],
        consistentRead: Bool = false
    ) async throws(AWSError) -> [[String: AttributeValue]] {
        try await self.inChunks(keys, of: Self.batchGetLimit) { chunk throws(AWSError) in
            var pending = chunk
            var items: [[String: AttributeValue]] = []
            var round = 0
            while !pending.isEmpty {
                if round > 0 { try await self.backOff(round: round, left: pending.count, operation: "BatchGetItem") }
                let request = GetRequest(Keys: pending, ConsistentRead: consistentRead ? true : nil)
                let output = try await self.client.json(
                    "BatchGetItem",
                    GetInput(RequestItems: [table: request]),
                    as: GetOutput.self
                )
                // One table per request, so every response and unprocessed key is this table's.
                items += output.items
                pending = output.unprocessedKeys
                round += 1
            }
            return items
        }
    }

    private struct BatchWriteInput: JSONWritable {
        var table: String
        var writes: [Write]

        func write(to writer: inout JSONWriter) {
            writer.object { writer in
                writer.member("RequestItems") { writer in
                    writer.object { writer in
                        writer.member(self.table) { writer in
                            writer.array { writer in
                                for write in self.writes { writer.element { Self.write(write, to: &$0) } }
                            }
                        }
                    }
                }
            }
        }

        static func write(_ write: Write, to writer: inout JSONWriter) {
            writer.object { writer in
                switch write {
                case .put(let item): writer.member("PutRequest") { $0.object { $0.member("Item", item: item) } }
                case .delete(let key): writer.member("DeleteRequest") { $0.object { $0.member("Key", item: key) } }
                }
            }
        }
    }

    /// The writes of one table DynamoDB left unprocessed.
    private struct WriteOutput: JSONReadable {
        var unprocessed: [Write] = []

        init(reading reader: inout JSONReader) throws(JSONReader.Failure) {
            var unprocessed: [Write] = []
            try reader.readObject { (reader, name) throws(JSONReader.Failure) in
                guard name == "UnprocessedItems" else { return try reader.skipValue() }
                try reader.readObject { (reader, _: JSONReader.Name) throws(JSONReader.Failure) in
                    try reader.readArray { reader throws(JSONReader.Failure) in
                        try reader.readObject { (reader, kind) throws(JSONReader.Failure) in
                            try reader.readObject { (reader, field) throws(JSONReader.Failure) in
                                switch (kind, field) {
                                case ("PutRequest", "Item"):
                                    unprocessed.append(.put(try AttributeValue.readItem(from: &reader)))
                                case ("DeleteRequest", "Key"):
                                    unprocessed.append(.delete(key: try AttributeValue.readItem(from: &reader)))
                                default: try reader.skipValue()
                                }
                            }
                        }
                    }
                }
            }
            self.unprocessed = unprocessed
        }
    }

    /// Applies every write; returns when all are done.
    /// - Throws: the first `AWSError`; `.deadline` when unprocessed writes remain as time runs out.
    package func batchWrite(table: String, _ writes: [Write]) async throws(AWSError) {
        _ = try await self.inChunks(writes, of: Self.batchWriteLimit) { chunk throws(AWSError) -> [Never] in
            var pending = chunk
            var round = 0
            while !pending.isEmpty {
                if round > 0 { try await self.backOff(round: round, left: pending.count, operation: "BatchWriteItem") }
                let output = try await self.client.json(
                    "BatchWriteItem",
                    BatchWriteInput(table: table, writes: pending),
                    as: WriteOutput.self
                )
                // One table per request, so every unprocessed write is this table's.
                pending = output.unprocessed
                round += 1
            }
            return []
        }
    }

    /// Runs `body` over `elements` in chunks of `size`, a few at a time, and joins the results.
    private func inChunks<Element: Sendable, Result: Sendable>(
        _ elements: [Element],
        of size: Int,
        _ body: @escaping @Sendable ([Element]) async throws(AWSError) -> [Result]
    ) async throws(AWSError) -> [Result] {
        let chunks = stride(from: 0, to: elements.count, by: size).map {
            Array(elements[$0..<min($0 + size, elements.count)])
        }
        if chunks.count <= 1 { return chunks.isEmpty ? [] : try await body(chunks[0]) }
        do {
            return try await withThrowingTaskGroup(of: [Result].self) { group in
                var results: [Result] = []
                var next = 0
                while next < min(Self.concurrentChunks, chunks.count) {
                    let chunk = chunks[next]
                    group.addTask { try await body(chunk) }
                    next += 1
                }
                while let finished = try await group.next() {
                    results += finished
                    if next < chunks.count {
                        let chunk = chunks[next]
                        group.addTask { try await body(chunk) }
                        next += 1
                    }
                }
                return results
            }
        } catch let error as AWSError {
            throw error
        } catch {
            throw .transport(.init(service: "dynamodb", operation: "batch"), "\(error)")
        }
    }

    /// Waits before sending unprocessed items again (`Backoff`: 100 ms base, so 50 ms × 2^round, at most
    /// 5 s, the AWS SDKs' advice for unprocessed items); gives up when the wait and 500 ms for the next call
    /// would pass the invocation deadline, or the rounds run out.
    private func backOff(round: Int, left: Int, operation: String) async throws(AWSError) {
        let context = AWSError.Context(service: "dynamodb", operation: operation)
        let backoff = Backoff(
            base: .milliseconds(100),
            cap: .seconds(5),
            random: self.client.environment.random,
            sleep: self.client.environment.sleep
        )
        let delay = backoff.delay(after: round)
        if !Backoff.fits(delay, reserving: .milliseconds(500)) {
            let undone = AWSError.service(context, message: "\(left) item(s) left unprocessed")
            throw .deadline(context, attempts: round, last: undone)
        }
        guard round <= Self.unprocessedRounds else {
            throw .service(context, message: "\(left) item(s) still unprocessed after \(round) attempts")
        }
        await backoff.sleep(for: delay)
    }
}
