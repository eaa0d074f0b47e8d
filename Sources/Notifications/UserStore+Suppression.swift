package import AWS
package import GavelCore

/// The one Users attribute the notifications function writes: `emailSuppression`, from SES's bounce and
/// complaint reports. Every other attribute belongs to the api (`UserStore+Profile`).
extension UserStore {
    /// Marks `address` as not to be mailed, if it is still the user's address: a report that arrives after
    /// the user changed their address says nothing about the new one. Repeating it (a redelivered report, or
    /// a retry whose first reply was lost) leaves the same row.
    /// - Returns: whether the row carries the suppression now; false when there is no such user or their
    ///   address is another.
    package func suppress(_ userId: String, _ suppression: EmailSuppression) async throws(AWSError) -> Bool {
        let value = AttributeValue.m([
            "address": .s(suppression.address),
            "reason": .s(suppression.reason.rawValue),
            "at": .n(String(suppression.at)),
        ])
        do {
            try await self.dynamo.updateItem(
                table: self.table,
                key: Self.key(userId),
                update: "SET emailSuppression = :suppression",
                values: [":suppression": value],
                condition: .init("email = :address", values: [":address": .s(suppression.address)])
            )
            return true
        } catch {
            if error.isConditionalCheckFailed { return false }
            throw error
        }
    }
}
