import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Notifications
import Testing

/// The built notifications bootstrap under `gavel-local invoke`, with events/notifications/batch.json,
/// against moto and a loopback Postmark.
@Suite struct NotificationsEndToEndTests {
    @Test func theBatchIsEmailedOnceThroughTheRuntimeAPI() async throws {
        let moto = try await Moto.shared()
        let users = moto.unique("users")
        let sent = moto.unique("sent")
        try await moto.createTable("UsersTable", named: users)
        try await moto.createTable("SentNotificationsTable", named: sent)
        let secret = moto.unique("postmark")
        try await moto.createSecret(secret, value: #"{"serverToken":"e2e-token"}"#)
        let deadLetterURL = try await moto.createQueue(moto.unique("dlq") + ".fifo")
        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        try await dynamo.putItem(
            table: users,
            item: try DynamoDBEncoder().encode(UserProfile(userId: "user-ada", email: "ada@example.com", name: "Ada"))
        )
        let postmark = FakePostmark()
        try await postmark.with { url in
            var environment = moto.environment
            environment.merge([
                "USERS_TABLE": users, "NOTIFICATIONS_SENT_TABLE": sent, "DEAD_LETTER_QUEUE_URL": deadLetterURL,
                "EMAIL_FROM": "alerts@gavel.example", "POSTMARK_TOKEN_SECRET_ID": secret, "POSTMARK_URL": url,
                "TEMPLATES_DIR": TestPaths.root + "/Templates/notifications",
            ]) { $1 }
            let run = try await GavelLocalRun.invoke(
                "notifications",
                event: TestPaths.root + "/events/notifications/batch.json",
                environment: environment,
                repeat: 2
            )
            #expect(run.status == "exit status 0", "stderr: \(run.error)")
            #expect(run.output.split(separator: "\n") == [#"{"batchItemFailures":[]}"#, #"{"batchItemFailures":[]}"#])
            // the server token never reaches a log
            #expect(!run.error.contains("e2e-token") && !run.output.contains("e2e-token"))
        }
        #expect(postmark.emails.count == 3)  // the second delivery of the batch sent nothing
        #expect(
            Set(postmark.emails.map(\.Subject)) == [
                "Snipe scheduled: Leica M6 TTL", "Bid placed: Leica M6 TTL", "Order o-42 confirmed",
            ]
        )
    }
}
