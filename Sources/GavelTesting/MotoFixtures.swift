package import AWS

/// Control-plane calls the tests need and the functions never make (tables, queues, buckets…), sent through
/// the same signed client as everything else.
extension Moto.Account {
    /// A name no other test uses: `prefix-<random>`.
    package func unique(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Creates an on-demand table keyed by string `hash` (and `range`, of `rangeType` S or N).
    package func createTable(
        _ name: String,
        hash: String,
        range: String? = nil,
        rangeType: String = "S"
    ) async throws {
        struct Attribute: Encodable {
            var AttributeName: String
            var AttributeType: String
        }
        struct Key: Encodable {
            var AttributeName: String
            var KeyType: String
        }
        struct Input: Encodable {
            var TableName: String
            var AttributeDefinitions: [Attribute]
            var KeySchema: [Key]
            var BillingMode = "PAY_PER_REQUEST"
        }
        var attributes = [Attribute(AttributeName: hash, AttributeType: "S")]
        var keys = [Key(AttributeName: hash, KeyType: "HASH")]
        if let range {
            attributes.append(Attribute(AttributeName: range, AttributeType: rangeType))
            keys.append(Key(AttributeName: range, KeyType: "RANGE"))
        }
        _ = try await self.client(.dynamoDB).json(
            "CreateTable",
            Input(TableName: name, AttributeDefinitions: attributes, KeySchema: keys),
            as: AWSJSON.NoOutput.self
        )
    }
}
