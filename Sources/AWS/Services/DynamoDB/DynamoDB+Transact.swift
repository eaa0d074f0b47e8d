import JSON

/// TransactWriteItems: up to 100 writes that all happen or none do.
extension DynamoDB {
    /// One write of a transaction.
    package enum TransactWrite: Sendable {
        case put(table: String, item: [String: AttributeValue], condition: Condition? = nil)
        case update(
            table: String,
            key: [String: AttributeValue],
            update: String,
            names: [String: String] = [:],
            values: [String: AttributeValue] = [:],
            condition: Condition? = nil
        )
        case delete(table: String, key: [String: AttributeValue], condition: Condition? = nil)
        case conditionCheck(table: String, key: [String: AttributeValue], condition: Condition)
    }

    /// One entry of `TransactItems`: the write's kind and its single-item shape.
    private struct Item {
        var kind: String
        var write: WriteInput
    }

    private struct Input: JSONWritable {
        var TransactItems: [Item]
        var ClientRequestToken: String?

        func write(to writer: inout JSONWriter) {
            writer.object { writer in
                writer.member("TransactItems") { writer in
                    writer.array { writer in
                        for item in self.TransactItems {
                            writer.element { $0.object { $0.member(item.kind) { item.write.write(to: &$0) } } }
                        }
                    }
                }
                writer.member("ClientRequestToken", string: self.ClientRequestToken)
            }
        }
    }

    private struct Cancelled: Decodable {
        struct Reason: Decodable { var Code: String? }
        var CancellationReasons: [Reason]?
    }

    /// Applies every write, or none.
    /// - Parameter token: an idempotency token (at most 36 characters): the same transaction sent again with
    ///   it within 10 minutes succeeds without applying twice, which makes retries after a timeout safe.
    /// - Throws: `AWSError`; a cancelled transaction's `cancellationReasons` has one code per write, in order
    ///   (`None` for writes that were fine, `ConditionalCheckFailed` for a false condition).
    package func transactWrite(_ writes: [TransactWrite], token: String? = nil) async throws(AWSError) {
        let items = writes.map { write -> Item in
            switch write {
            case .put(let table, let item, let condition):
                Item(
                    kind: "Put",
                    write: WriteInput(table: table, item: item, condition: condition, returnValues: .none)
                )
            case .update(let table, let key, let update, let names, let values, let condition):
                Item(
                    kind: "Update",
                    write: WriteInput(
                        table: table,
                        key: key,
                        update: (update, names, values),
                        condition: condition,
                        returnValues: .none
                    )
                )
            case .delete(let table, let key, let condition):
                Item(
                    kind: "Delete",
                    write: WriteInput(table: table, key: key, condition: condition, returnValues: .none)
                )
            case .conditionCheck(let table, let key, let condition):
                Item(
                    kind: "ConditionCheck",
                    write: WriteInput(table: table, key: key, condition: condition, returnValues: .none)
                )
            }
        }
        do throws(AWSError) {
            _ = try await self.client.json(
                "TransactWriteItems",
                Input(TransactItems: items, ClientRequestToken: token),
                as: IgnoredOutput.self
            )
        } catch  where error.context.code == "TransactionCanceledException" {
            let reasons = error.body
                .flatMap { try? JSONCoder.decode(Cancelled.self, from: Array($0.utf8)) }?
                .CancellationReasons?.map { $0.Code ?? "None" }
            throw error.withCancellationReasons(reasons ?? [])
        }
    }
}
