import JSON

/// The DynamoDB operations Gavel calls, over the JSON-RPC protocol (`DynamoDB_20120810.<Operation>`).
///
/// Items are `[String: AttributeValue]`; `DynamoDBEncoder` and `DynamoDBDecoder` convert Swift values.
/// Expressions take `#name` placeholders in `names` and `:value` placeholders in `values`, as DynamoDB does.
/// A false condition throws an `AWSError` whose `isConditionalCheckFailed` is true.
package struct DynamoDB: Sendable {
    /// The item attributes a write returns.
    package enum ReturnValues: String, Sendable, Encodable {
        case none = "NONE"
        case allOld = "ALL_OLD"
        case updatedOld = "UPDATED_OLD"
        case allNew = "ALL_NEW"
        case updatedNew = "UPDATED_NEW"
    }

    /// A condition or filter with its placeholders.
    package struct Condition: Sendable {
        package var expression: String
        package var names: [String: String]
        package var values: [String: AttributeValue]

        package init(_ expression: String, names: [String: String] = [:], values: [String: AttributeValue] = [:]) {
            self.expression = expression
            self.names = names
            self.values = values
        }
    }

    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    // The wire shapes use AWS's own field names, so they read against the API reference line by line.
    private struct KeyInput: JSONWritable {
        var TableName: String
        var Key: [String: AttributeValue]
        var ConsistentRead: Bool?
        var ProjectionExpression: String?
        var ExpressionAttributeNames: [String: String]?

        func write(to writer: inout JSONWriter) {
            writer.object { writer in
                writer.member("TableName", string: self.TableName)
                writer.member("Key", item: self.Key)
                writer.member("ConsistentRead", bool: self.ConsistentRead)
                writer.member("ProjectionExpression", string: self.ProjectionExpression)
                writer.member("ExpressionAttributeNames", strings: self.ExpressionAttributeNames)
            }
        }
    }

    private struct ItemOutput: JSONReadable {
        var Item: [String: AttributeValue]?

        init(reading reader: inout JSONReader) throws(JSONReader.Failure) {
            var item: [String: AttributeValue]?
            try reader.readObject { (reader, name) throws(JSONReader.Failure) in
                if name == "Item" { item = try AttributeValue.readItem(from: &reader) } else { try reader.skipValue() }
            }
            self.Item = item
        }
    }

    /// The item with `key`, or nil when there is none.
    package func getItem(
        table: String,
        key: [String: AttributeValue],
        consistentRead: Bool = false,
        projection: String? = nil,
        names: [String: String] = [:]
    ) async throws(AWSError) -> [String: AttributeValue]? {
        let input = KeyInput(
            TableName: table,
            Key: key,
            ConsistentRead: consistentRead ? true : nil,
            ProjectionExpression: projection,
            ExpressionAttributeNames: names.isEmpty ? nil : names
        )
        return try await self.client.json("GetItem", input, as: ItemOutput.self).Item
    }

    /// The wire shape of a single-item write; TransactWriteItems' Put, Update, Delete and ConditionCheck
    /// entries are the same shape without ReturnValues.
    struct WriteInput: JSONWritable {
        var TableName: String
        var Item: [String: AttributeValue]?
        var Key: [String: AttributeValue]?
        var UpdateExpression: String?
        var ConditionExpression: String?
        var ExpressionAttributeNames: [String: String]?
        var ExpressionAttributeValues: [String: AttributeValue]?
        var ReturnValues: ReturnValues?

        init(
            table: String,
            item: [String: AttributeValue]? = nil,
            key: [String: AttributeValue]? = nil,
            update: (expression: String, names: [String: String], values: [String: AttributeValue])? = nil,
            condition: Condition?,
            returnValues: DynamoDB.ReturnValues
        ) {
            self.TableName = table
            self.Item = item
            self.Key = key
            self.UpdateExpression = update?.expression
            self.ConditionExpression = condition?.expression
            let names = (update?.names ?? [:]).merging(condition?.names ?? [:]) { first, _ in first }
            let values = (update?.values ?? [:]).merging(condition?.values ?? [:]) { first, _ in first }
            self.ExpressionAttributeNames = names.isEmpty ? nil : names
            self.ExpressionAttributeValues = values.isEmpty ? nil : values
            self.ReturnValues = returnValues == .none ? nil : returnValues
        }

        func write(to writer: inout JSONWriter) {
            writer.object { writer in
                writer.member("TableName", string: self.TableName)
                writer.member("Item", item: self.Item)
                writer.member("Key", item: self.Key)
                writer.member("UpdateExpression", string: self.UpdateExpression)
                writer.member("ConditionExpression", string: self.ConditionExpression)
                writer.member("ExpressionAttributeNames", strings: self.ExpressionAttributeNames)
                writer.member("ExpressionAttributeValues", item: self.ExpressionAttributeValues)
                writer.member("ReturnValues", string: self.ReturnValues?.rawValue)
            }
        }
    }

    private struct AttributesOutput: JSONReadable {
        var Attributes: [String: AttributeValue]?

        init(reading reader: inout JSONReader) throws(JSONReader.Failure) {
            var attributes: [String: AttributeValue]?
            try reader.readObject { (reader, name) throws(JSONReader.Failure) in
                if name == "Attributes" {
                    attributes = try AttributeValue.readItem(from: &reader)
                } else {
                    try reader.skipValue()
                }
            }
            self.Attributes = attributes
        }
    }

    /// Writes `item`, replacing any item with its key, when `condition` holds.
    /// - Returns: the attributes `returnValues` asks for (`.allOld`: the replaced item), or nil.
    @discardableResult
    package func putItem(
        table: String,
        item: [String: AttributeValue],
        condition: Condition? = nil,
        returnValues: ReturnValues = .none
    ) async throws(AWSError) -> [String: AttributeValue]? {
        let input = WriteInput(table: table, item: item, condition: condition, returnValues: returnValues)
        return try await self.client.json("PutItem", input, as: AttributesOutput.self).Attributes
    }

    /// Applies `update` (`SET #s = :s ADD version :one`) to the item with `key`, when `condition` holds.
    /// - Parameters:
    ///   - names: placeholders used by `update` (and the condition's own).
    ///   - values: likewise.
    @discardableResult
    package func updateItem(
        table: String,
        key: [String: AttributeValue],
        update: String,
        names: [String: String] = [:],
        values: [String: AttributeValue] = [:],
        condition: Condition? = nil,
        returnValues: ReturnValues = .none
    ) async throws(AWSError) -> [String: AttributeValue]? {
        let input = WriteInput(
            table: table,
            key: key,
            update: (update, names, values),
            condition: condition,
            returnValues: returnValues
        )
        return try await self.client.json("UpdateItem", input, as: AttributesOutput.self).Attributes
    }

    /// Deletes the item with `key` when `condition` holds; deleting a missing item succeeds.
    @discardableResult
    package func deleteItem(
        table: String,
        key: [String: AttributeValue],
        condition: Condition? = nil,
        returnValues: ReturnValues = .none
    ) async throws(AWSError) -> [String: AttributeValue]? {
        let input = WriteInput(table: table, key: key, condition: condition, returnValues: returnValues)
        return try await self.client.json("DeleteItem", input, as: AttributesOutput.self).Attributes
    }
}
