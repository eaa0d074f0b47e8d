package import AWS
package import GavelCore

/// The api's writes to the Users table.
extension UserStore {
    /// Sets the editable fields to these values, removing each one that is nil, and the email when given;
    /// creates the row when there is none.
    /// - Returns: the row as it now is.
    package func updateProfile(
        _ userId: String,
        name: String?,
        timeZone: String?,
        notifications: [String: Bool]?,
        email: String?
    ) async throws -> UserProfile? {
        var assignments: [(attribute: String, value: AttributeValue?)] = [
            ("name", name.map(AttributeValue.s)),
            ("timeZone", timeZone.map(AttributeValue.s)),
            ("notifications", try notifications.map { try DynamoDBEncoder().encodeValue($0) }),
        ]
        if let email { assignments.append(("email", .s(email))) }
        var names: [String: String] = [:]
        var values: [String: AttributeValue] = [:]
        for (attribute, value) in assignments {
            names["#\(attribute)"] = attribute
            if let value { values[":\(attribute)"] = value }
        }
        let set = assignments.filter { $0.value != nil }.map { "#\($0.attribute) = :\($0.attribute)" }
        let remove = assignments.filter { $0.value == nil }.map { "#\($0.attribute)" }
        let update =
            (set.isEmpty ? "" : "SET " + set.joined(separator: ", "))
            + (remove.isEmpty ? "" : " REMOVE " + remove.joined(separator: ", "))
        return try await self.update(userId, update: update, names: names, values: values)
    }

    /// Stores the user's sealed eBay refresh token, when it was linked and when it expires (Unix ms), and
    /// the email when given; creates the row when there is none.
    /// - Returns: the row as it now is.
    package func linkEbay(
        _ userId: String,
        sealedRefreshToken: [UInt8],
        linkedAt: Int64,
        expiresAt: Int64,
        email: String?
    ) async throws -> UserProfile? {
        var update = "SET ebayRefreshToken = :token, ebayLinkedAt = :now, ebayTokenExpiresAt = :expires"
        var values: [String: AttributeValue] = [
            ":token": .b(sealedRefreshToken), ":now": .n(String(linkedAt)), ":expires": .n(String(expiresAt)),
        ]
        if let email {
            update += ", email = :email"
            values[":email"] = .s(email)
        }
        return try await self.update(userId, update: update, names: [:], values: values)
    }

    /// Records a user who just confirmed their sign-up (Cognito's post-confirmation trigger): creates the row
    /// with the verified address, or sets the address on a row that exists. Repeating it changes nothing.
    package func recordSignUp(_ userId: String, email: String?, at nowMs: Int64) async throws -> UserProfile? {
        var update = "SET signedUpAt = if_not_exists(signedUpAt, :now)"
        var values: [String: AttributeValue] = [":now": .n(String(nowMs))]
        if let email {
            update += ", email = :email"
            values[":email"] = .s(email)
        }
        return try await self.update(userId, update: update, names: [:], values: values)
    }

    /// Forgets the eBay link. Only an existing row is touched (unlinking never creates an empty profile), so
    /// repeating it is harmless.
    package func unlinkEbay(_ userId: String) async throws(AWSError) {
        do {
            try await self.dynamo.updateItem(
                table: self.table,
                key: UserStore.key(userId),
                update: "REMOVE ebayRefreshToken, ebayLinkedAt, ebayTokenExpiresAt",
                condition: .init("attribute_exists(userId)")
            )
        } catch {
            if !error.isConditionalCheckFailed { throw error }
        }
    }

    private func update(
        _ userId: String,
        update: String,
        names: [String: String],
        values: [String: AttributeValue]
    ) async throws -> UserProfile? {
        let row = try await self.dynamo.updateItem(
            table: self.table,
            key: UserStore.key(userId),
            update: update,
            names: names,
            values: values,
            returnValues: .allNew
        )
        return try row.map { try DynamoDBDecoder().decode(UserProfile.self, from: $0) }
    }
}
