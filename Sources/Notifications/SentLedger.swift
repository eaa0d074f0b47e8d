package import AWS
import GavelCore

/// The record of which notifications have been emailed, so a redelivered message sends no second email.
/// One item per `notificationId` in the sent-notifications table, with a TTL.
///
/// The window: an email is claimed (SENDING, with a lease) before it is sent and marked SENT after. If the
/// process dies between the provider accepting the email and the SENT write, the claim's lease runs out
/// and the redelivered message sends the email again: at worst one duplicate, after a crash in a window of
/// one DynamoDB write; never a lost email. The other order (send, then record) would have the same window,
/// and recording first without a lease could lose emails for good.
package struct SentLedger: Sendable {
    /// What a claim found.
    package enum Claim: Sendable, Equatable {
        /// Ours to send.
        case claimed
        /// Already handled (`SENT`, `REJECTED` or `SKIPPED`): acknowledge without sending.
        case done(state: String)
        /// Another invocation is sending it now: report the message failed and let it come back.
        case inProgress
    }

    package let dynamo: DynamoDB
    package let table: String
    /// How long a claim holds before a redelivery may take it over.
    package let lease: Int64
    /// How long records are kept (TTL `expiresAt`): longer than a message can be redelivered.
    package let retention: Int64
    private let now: @Sendable () -> Int64

    package init(
        dynamo: DynamoDB,
        table: String,
        lease: Int64 = 120,
        retention: Int64 = 7 * 86_400,
        now: @escaping @Sendable () -> Int64
    ) {
        self.dynamo = dynamo
        self.table = table
        self.lease = lease
        self.retention = retention
        self.now = now
    }

    /// Claims `notificationId` for sending.
    ///
    /// Retry-safe: the claim carries a random token; when the client's retry of a claim whose reply was lost
    /// fails its condition, the row read back with our token is our own claim (not "another invocation").
    package func claim(_ notificationId: String) async throws(AWSError) -> Claim {
        let now = self.now()
        let token = TimeOrderedId.make(nowMs: now * 1000)
        do throws(AWSError) {
            try await self.dynamo.putItem(
                table: self.table,
                item: [
                    "notificationId": .s(notificationId), "state": .s("SENDING"), "claimToken": .s(token),
                    "leaseUntil": .n(String(now + self.lease)), "expiresAt": .n(String(now + self.retention)),
                ],
                condition: .init(
                    "attribute_not_exists(notificationId) OR (#state = :sending AND leaseUntil < :now)",
                    names: ["#state": "state"],
                    values: [":sending": .s("SENDING"), ":now": .n(String(now))]
                )
            )
            return .claimed
        } catch  where error.isConditionalCheckFailed {
            let item = try await self.dynamo.getItem(
                table: self.table,
                key: ["notificationId": .s(notificationId)],
                consistentRead: true
            )
            guard case .s(let state) = item?["state"], state != "SENDING" else {
                return item?["claimToken"] == .s(token) ? .claimed : .inProgress
            }
            return .done(state: state)
        }
    }

    /// Records the outcome: `SENT`, `REJECTED` (a permanent refusal) or `SKIPPED` (opted out).
    package func finish(_ notificationId: String, state: String, detail: String? = nil) async throws(AWSError) {
        var item: [String: AttributeValue] = [
            "notificationId": .s(notificationId), "state": .s(state),
            "expiresAt": .n(String(self.now() + self.retention)),
        ]
        if let detail { item["detail"] = .s(String(detail.prefix(500))) }
        try await self.dynamo.putItem(table: self.table, item: item)
    }

    /// Gives a claim back after a failed send, so the redelivery can send at once.
    package func release(_ notificationId: String) async throws(AWSError) {
        try await self.dynamo.deleteItem(
            table: self.table,
            key: ["notificationId": .s(notificationId)],
            condition: .init("#state = :sending", names: ["#state": "state"], values: [":sending": .s("SENDING")])
        )
    }
}
