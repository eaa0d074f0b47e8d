package import AWS
import FoundationEssentials
import JSON
import LambdaRuntime

/// SES's bounce and complaint reports under `gavel-local dev`. moto publishes no events for a configuration
/// set, so the console writes the report SES would, a configuration-set event as SNS delivers it raw, to the
/// template's feedback queue; the notifications function's event source mapping takes it from there as on
/// AWS. The report names the user's current address and carries their `userId` tag, as a real one about a
/// notification email does.
package struct EmailFeedbackInjector: Sendable {
    package enum Kind: String, Sendable, Decodable { case bounce, complaint }

    let dynamo: DynamoDB
    let sqs: SQS
    let usersTable: String
    let queueURL: String

    /// The injector for the function that reads the feedback queue (`EMAIL_FEEDBACK_QUEUE_ARN`), or nil
    /// when the template has none.
    package init?(stack: LocalStack, aws: AWSClients) {
        for function in stack.functions.values {
            guard let arn = function.environment["EMAIL_FEEDBACK_QUEUE_ARN"],
                let users = function.environment["USERS_TABLE"],
                let url = function.events.first(where: { $0.queueArn == arn })?.queueUrl
            else { continue }
            self.dynamo = DynamoDB(client: aws.client(.dynamoDB))
            self.sqs = SQS(client: aws.client(.sqs))
            self.usersTable = users
            self.queueURL = url
            return
        }
        return nil
    }

    /// Queues a report that SES could not deliver to (`bounce`: permanent) or was marked spam by (`complaint`)
    /// the user's address.
    /// - Returns: the address reported, or nil when the user has no row or no address.
    package func report(_ kind: Kind, userId: String) async throws -> String? {
        guard let row = try await self.dynamo.getItem(table: self.usersTable, key: ["userId": .s(userId)]),
            case .s(let address) = row["email"]
        else { return nil }
        let recipient = ["emailAddress": address]
        let event = Event(
            eventType: kind == .bounce ? "Bounce" : "Complaint",
            mail: .init(
                timestamp: ISO8601.string(ms: WallClock.nowMs()),
                messageId: "local-" + Console.newToken(),
                destination: [address],
                tags: ["userId": [userId], "ses:configuration-set": ["gavel-local"]]
            ),
            bounce: kind == .bounce
                ? .init(bounceType: "Permanent", bounceSubType: "General", bouncedRecipients: [recipient]) : nil,
            complaint: kind == .complaint ? .init(complainedRecipients: [recipient]) : nil
        )
        let body = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        _ = try await self.sqs.send(.init(body: body), to: self.queueURL)
        return address
    }

    private struct Event: Encodable {
        struct Mail: Encodable {
            var timestamp: String
            var messageId: String
            var destination: [String]
            var tags: [String: [String]]
        }
        struct Bounce: Encodable {
            var bounceType: String
            var bounceSubType: String
            var bouncedRecipients: [[String: String]]
        }
        struct Complaint: Encodable { var complainedRecipients: [[String: String]] }
        var eventType: String
        var mail: Mail
        var bounce: Bounce?
        var complaint: Complaint?
    }
}
