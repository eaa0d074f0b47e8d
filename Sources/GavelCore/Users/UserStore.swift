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

    /// The rows of `userIds` that exist and read as profiles, by user id: one BatchGetItem per 100 ids, where
    /// `profile` is one GetItem each. A row that does not read as a profile is left out, as `profile` would
    /// fail on it.
    package func profiles(_ userIds: Set<String>) async throws(AWSError) -> [String: UserProfile] {
        let items = try await self.dynamo.batchGet(table: self.table, keys: userIds.map(Self.key))
        var profiles: [String: UserProfile] = [:]
        for item in items {
            guard let profile = try? DynamoDBDecoder().decode(UserProfile.self, from: item) else { continue }
            profiles[profile.userId] = profile
        }
        return profiles
    }

    package static func key(_ userId: String) -> [String: AttributeValue] { ["userId": .s(userId)] }
}
