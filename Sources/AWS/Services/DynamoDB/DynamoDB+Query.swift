import JSON

/// Query and Scan, a page at a time or to the end, and Scan split into parallel segments.
extension DynamoDB {
    /// What to read: a key condition for Query, none for Scan, and what both share.
    package struct Read: Sendable {
        package var table: String
        package var index: String?
        /// Query's `KeyConditionExpression`; nil makes the read a Scan.
        package var keyCondition: String?
        package var filter: String?
        package var projection: String?
        package var names: [String: String]
        package var values: [String: AttributeValue]
        /// Query only: false reads the sort key descending (newest first).
        package var ascending: Bool
        /// The most items DynamoDB evaluates per page (before the filter).
        package var limit: Int?
        package var consistentRead: Bool

        package init(
            table: String,
            index: String? = nil,
            keyCondition: String? = nil,
            filter: String? = nil,
            projection: String? = nil,
            names: [String: String] = [:],
            values: [String: AttributeValue] = [:],
            ascending: Bool = true,
            limit: Int? = nil,
            consistentRead: Bool = false
        ) {
            self.table = table
            self.index = index
            self.keyCondition = keyCondition
            self.filter = filter
            self.projection = projection
            self.names = names
            self.values = values
            self.ascending = ascending
            self.limit = limit
            self.consistentRead = consistentRead
        }
    }

    /// One page of results, and where the next starts (nil at the end).
    package struct Page: Sendable {
        package var items: [[String: AttributeValue]]
        package var lastEvaluatedKey: [String: AttributeValue]?
    }

    private struct ReadInput: JSONWritable {
        var TableName: String
        var IndexName: String?
        var KeyConditionExpression: String?
        var FilterExpression: String?
        var ProjectionExpression: String?
        var ExpressionAttributeNames: [String: String]?
        var ExpressionAttributeValues: [String: AttributeValue]?
        var ScanIndexForward: Bool?
        var Limit: Int?
        var ConsistentRead: Bool?
        var ExclusiveStartKey: [String: AttributeValue]?
        var Segment: Int?
        var TotalSegments: Int?

        func write(to writer: inout JSONWriter) {
            writer.object { writer in
                writer.member("TableName", string: self.TableName)
                writer.member("IndexName", string: self.IndexName)
                writer.member("KeyConditionExpression", string: self.KeyConditionExpression)
                writer.member("FilterExpression", string: self.FilterExpression)
                writer.member("ProjectionExpression", string: self.ProjectionExpression)
                writer.member("ExpressionAttributeNames", strings: self.ExpressionAttributeNames)
                writer.member("ExpressionAttributeValues", item: self.ExpressionAttributeValues)
                writer.member("ScanIndexForward", bool: self.ScanIndexForward)
                writer.member("Limit", integer: self.Limit)
                writer.member("ConsistentRead", bool: self.ConsistentRead)
                writer.member("ExclusiveStartKey", item: self.ExclusiveStartKey)
                writer.member("Segment", integer: self.Segment)
                writer.member("TotalSegments", integer: self.TotalSegments)
            }
        }
    }

    private struct ReadOutput: JSONReadable {
        var Items: [[String: AttributeValue]]?
        var LastEvaluatedKey: [String: AttributeValue]?

        init(reading reader: inout JSONReader) throws(JSONReader.Failure) {
            var items: [[String: AttributeValue]]?
            var lastKey: [String: AttributeValue]?
            try reader.readObject { (reader, name) throws(JSONReader.Failure) in
                switch name {
                case "Items": items = try AttributeValue.readItems(from: &reader)
                case "LastEvaluatedKey": lastKey = try AttributeValue.readItem(from: &reader)
                default: try reader.skipValue()
                }
            }
            self.Items = items
            self.LastEvaluatedKey = lastKey
        }
    }

    /// One page of a Query (when `read.keyCondition` is set) or a Scan, starting after `startKey`.
    package func page(
        _ read: Read,
        startKey: [String: AttributeValue]? = nil,
        segment: (index: Int, of: Int)? = nil
    ) async throws(AWSError) -> Page {
        let isQuery = read.keyCondition != nil
        let input = ReadInput(
            TableName: read.table,
            IndexName: read.index,
            KeyConditionExpression: read.keyCondition,
            FilterExpression: read.filter,
            ProjectionExpression: read.projection,
            ExpressionAttributeNames: read.names.isEmpty ? nil : read.names,
            ExpressionAttributeValues: read.values.isEmpty ? nil : read.values,
            ScanIndexForward: isQuery && !read.ascending ? false : nil,
            Limit: read.limit,
            ConsistentRead: read.consistentRead ? true : nil,
            ExclusiveStartKey: startKey,
            Segment: segment?.index,
            TotalSegments: segment?.of
        )
        let output = try await self.client.json(isQuery ? "Query" : "Scan", input, as: ReadOutput.self)
        return Page(items: output.Items ?? [], lastEvaluatedKey: output.LastEvaluatedKey)
    }

    /// Up to `limit` items of `read` after `startKey`, and whether more follow.
    ///
    /// A filtered page may hold fewer than `limit` items, so pages are read on until there are `limit` + 1
    /// (the one extra says another page exists) or the range ends. The caller makes its cursor from the last
    /// item's key.
    package func items(
        _ read: Read,
        after startKey: [String: AttributeValue]?,
        limit: Int
    ) async throws(AWSError) -> (items: [[String: AttributeValue]], more: Bool) {
        var read = read
        read.limit = read.filter == nil ? limit + 1 : max(limit + 1, 100)
        var items: [[String: AttributeValue]] = []
        var start = startKey
        repeat {
            let page = try await self.page(read, startKey: start)
            items += page.items
            start = page.lastEvaluatedKey
        } while items.count <= limit && start != nil
        guard items.count > limit else { return (items, false) }
        items.removeLast(items.count - limit)
        return (items, true)
    }

    /// Every item `read` matches, following `LastEvaluatedKey` to the end; with `segments` > 1 a Scan runs
    /// that many segments in parallel (the order of items is then by segment).
    package func all(_ read: Read, segments: Int = 1) async throws(AWSError) -> [[String: AttributeValue]] {
        guard segments > 1, read.keyCondition == nil else { return try await self.segment(read, nil) }
        do {
            return try await withThrowingTaskGroup(of: (Int, [[String: AttributeValue]]).self) { group in
                for index in 0..<segments {
                    group.addTask { (index, try await self.segment(read, (index, segments))) }
                }
                var parts = [[[String: AttributeValue]]](repeating: [], count: segments)
                for try await (index, items) in group { parts[index] = items }
                return parts.flatMap { $0 }
            }
        } catch let error as AWSError {
            throw error
        } catch {
            throw .transport(.init(service: "dynamodb", operation: "Scan"), "\(error)")
        }
    }

    private func segment(
        _ read: Read,
        _ segment: (index: Int, of: Int)?
    ) async throws(AWSError) -> [[String: AttributeValue]] {
        var items: [[String: AttributeValue]] = []
        var startKey: [String: AttributeValue]?
        repeat {
            let page = try await self.page(read, startKey: startKey, segment: segment)
            items += page.items
            startKey = page.lastEvaluatedKey
        } while startKey != nil
        return items
    }
}
