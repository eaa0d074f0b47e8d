package import AWS

/// The Users table (key `userId`): profiles, notification preferences and the eBay link.
///
/// Every function reads profiles here; only the api writes them (`UserStore+Profile` in Sniper, kept out of
/// the other bootstraps). The email stored is always one the caller's verified token carried; the eBay
/// refresh token arrives sealed (`RefreshTokenVault`) and is stored as it came.
package struct UserStore: Sendable {
    package let dynamo: DynamoDB
    package let table: String

    package init(dynamo: DynamoDB, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// The user's row, or nil when there is none.
    package func profile(_ userId: String) async throws -> UserProfile? {
        try await self.dynamo.getItem(table: self.table, key: Self.key(userId)).map {
            try DynamoDBDecoder().decode(UserProfile.self, from: $0)
        }
    }

    package static func key(_ userId: String) -> [String: AttributeValue] { ["userId": .s(userId)] }
}
