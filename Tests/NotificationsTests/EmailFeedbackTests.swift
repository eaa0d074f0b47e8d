import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelTesting
import Notifications
import SQSEvents
import Testing

/// SES's bounce and complaint reports reaching the notifications function from the feedback queue, against
/// moto and the Postmark fake: what gets suppressed, what is only counted, and that no email follows.
@Suite struct EmailFeedbackTests {
    static let feedbackQueue = "arn:aws:sqs:us-east-1:123456789012:gavel-test-email-feedback"

    static func report(_ id: String, _ body: String) -> SQSEvent.Record {
        SQSEvent.Record(messageId: id, body: body, eventSourceARN: Self.feedbackQueue)
    }

    /// A configuration-set event as SES publishes it (trimmed of the fields nothing reads).
    static func bounce(_ address: String, user: String?, type: String = "Permanent") -> String {
        let tags = user.map { #","tags":{"ses:configuration-set":["gavel-test"],"userId":["\#($0)"]}"# } ?? ""
        return #"""
            {"eventType":"Bounce","bounce":{"feedbackId":"f-1","bounceType":"\#(type)","bounceSubType":"General",\#
            "bouncedRecipients":[{"emailAddress":"\#(address)","action":"failed","status":"5.1.1"}],\#
            "timestamp":"2026-12-02T10:00:00.000Z"},"mail":{"timestamp":"2026-12-02T09:59:59.000Z",\#
            "source":"alerts@gavel.example","messageId":"ses-\#(address)","destination":["\#(address)"]\#(tags)}}
            """#
    }

    static func complaint(_ address: String, user: String) -> String {
        #"""
        {"eventType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"\#(address)"}],\#
        "complaintFeedbackType":"abuse","feedbackId":"f-2"},"mail":{"messageId":"ses-c","destination":\#
        ["\#(address)"],"tags":{"userId":["\#(user)"]}}}
        """#
    }

    /// The same report inside SNS's envelope, as a subscription without raw delivery sends it.
    static func wrapped(_ report: String) throws -> String {
        let envelope = ["Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": report]
        return String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
    }

    static func setup(postmarkURL: String) async throws -> (NotificationsTests.Setup, feedbackDLQ: String) {
        var setup = try await NotificationsTests.Setup.make(postmarkURL: postmarkURL)
        let dlq = try await setup.moto.createQueue(setup.moto.unique("email-feedback-dlq"))
        setup.environment["EMAIL_FEEDBACK_QUEUE_ARN"] = Self.feedbackQueue
        setup.environment["EMAIL_FEEDBACK_DEAD_LETTER_QUEUE_URL"] = dlq
        return (setup, dlq)
    }

    static func suppression(_ setup: NotificationsTests.Setup, _ userId: String) async throws -> EmailSuppression? {
        let users = UserStore(
            dynamo: DynamoDB(client: try setup.moto.client(.dynamoDB)),
            table: setup.environment["USERS_TABLE"]!
        )
        return try await users.profile(userId)?.emailSuppression
    }

    @Test func aHardBounceOrAComplaintSuppressesTheAddressAndNoEmailFollows() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let (setup, dlq) = try await Self.setup(postmarkURL: url)
            let handler = try setup.handler()
            let reports = SQSEvent(records: [
                Self.report("r-ada", Self.bounce("ada@example.com", user: "u-ada")),
                Self.report("r-bob", try Self.wrapped(Self.complaint("bob@example.com", user: "u-bob"))),
                // An address Bob no longer has: his current one stays suppressed for the complaint, not this.
                Self.report("r-old", Self.bounce("old-bob@example.com", user: "u-bob")),
                Self.report("r-soft", Self.bounce("nobody@invalid.example", user: "u-bad", type: "Transient")),
                Self.report("r-guest", Self.bounce("guest@example.com", user: nil)),
                Self.report("r-delivery", #"{"eventType":"Delivery","mail":{"messageId":"m"},"delivery":{}}"#),
                Self.report("r-junk", "hello"),
            ])
            #expect(try await handler.handle(reports, context: TestContext.make()).batchItemFailures.isEmpty)
            let counts = try #require(setup.metrics.all.last)
            for count in [#""Bounced":3"#, #""Complaints":1"#, #""IgnoredReports":2"#, #""InvalidMessages":1"#] {
                #expect(counts.contains(count), "\(counts)")
            }
            let dead = try await setup.moto.drain(dlq, expecting: 1)
            #expect(dead.map(\.body) == ["hello"])
            #expect(dead.first?.messageAttributes["gavel-source-message-id"] == "r-junk")

            let ada = try #require(try await Self.suppression(setup, "u-ada"))
            #expect(ada.address == "ada@example.com" && ada.reason == .bounce)
            let bob = try #require(try await Self.suppression(setup, "u-bob"))
            #expect(bob.address == "bob@example.com" && bob.reason == .complaint)
            #expect(try await Self.suppression(setup, "u-bad") == nil, "a soft bounce suppresses nothing")

            // A redelivered report changes nothing and fails nothing.
            let again = SQSEvent(records: [reports.records[0]])
            #expect(try await handler.handle(again, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(try await Self.suppression(setup, "u-ada")?.reason == .bounce)

            let notifications = SQSEvent(records: [
                NotificationsTests.record(
                    "n-ada",
                    NotificationsTests.message(setup.moto.unique("n"), "auction_won", user: "u-ada"),
                    group: "user:u-ada"
                ),
                NotificationsTests.record(
                    "n-bob",
                    NotificationsTests.message(setup.moto.unique("n"), "auction_won", user: "u-bob"),
                    group: "user:u-bob"
                ),
            ])
            #expect(try await handler.handle(notifications, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(postmark.emails.isEmpty, "no email to a suppressed address: \(postmark.emails.map(\.To))")
            #expect(setup.metrics.all.last?.contains(#""Suppressed":2"#) == true)

            // Ada's new verified address (the api stores it from her token) is mailed again.
            let dynamo = DynamoDB(client: try setup.moto.client(.dynamoDB))
            try await dynamo.updateItem(
                table: setup.environment["USERS_TABLE"]!,
                key: UserStore.key("u-ada"),
                update: "SET email = :email",
                values: [":email": .s("ada@new.example")]
            )
            let later = SQSEvent(records: [
                NotificationsTests.record(
                    "n-ada-2",
                    NotificationsTests.message(setup.moto.unique("n"), "auction_won", user: "u-ada"),
                    group: "user:u-ada"
                )
            ])
            #expect(try await handler.handle(later, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(postmark.emails.map(\.To) == ["ada@new.example"])
        }
    }

    /// Users unwritable: the report comes back rather than being lost.
    @Test func aReportThatCannotBeRecordedComesBack() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            var (setup, _) = try await Self.setup(postmarkURL: url)
            setup.environment["USERS_TABLE"] = setup.moto.unique("no-such-table")
            let reports = SQSEvent(records: [Self.report("r-1", Self.bounce("ada@example.com", user: "u-ada"))])
            let response = try await setup.handler().handle(reports, context: TestContext.make())
            #expect(response.failedMessageIds == ["r-1"])
        }
    }

    /// The suppression write took effect but its reply was lost: the client's retry meets its own row (the
    /// condition still holds) and the report is handled once, without failing.
    @Test func aSuppressionWhoseReplyWasLostIsStillRecorded() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            var (setup, _) = try await Self.setup(postmarkURL: url)
            let proxy = FaultProxy(upstream: setup.moto.endpoint, operation: "UpdateItem", count: 1, fault: .lostReply)
            try await proxy.with { endpoint in
                setup.environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
                let handler = try NotificationsHandler(
                    environment: setup.environment,
                    aws: AWSClients(environment: setup.environment, transport: Moto.transport)
                )
                let reports = SQSEvent(records: [Self.report("r-lost", Self.bounce("ada@example.com", user: "u-ada"))])
                #expect(try await handler.handle(reports, context: TestContext.make()).batchItemFailures.isEmpty)
            }
            #expect(proxy.attempts >= 2, "the lost reply was retried")
            #expect(try await Self.suppression(setup, "u-ada")?.reason == .bounce)
        }
    }

    /// SES emails go out with the configuration set and the `userId` tag its reports carry back; a user id
    /// SES would refuse as a tag value is left out rather than failing the email.
    @Test func sesEmailsCarryTheConfigurationSetAndTheUserTag() async throws {
        let ok = ScriptedTransport.Step.respond(
            TransportResponse(status: 200, body: Array(#"{"MessageId":"m-1"}"#.utf8))
        )
        let transport = ScriptedTransport([ok, ok])
        let ses = SESv2(
            client: AWSClient(
                service: .sesV2,
                endpoints: try EndpointResolver(environment: ["AWS_REGION": "us-east-1"]),
                transport: transport,
                credentials: StaticCredentials(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
                retry: RetryPolicy(maxAttempts: 1)
            )
        )
        let delivery = EmailDelivery.ses(ses, configurationSet: "gavel-prod")
        let templates = try NotificationTemplates(directory: TestPaths.root + "/Templates/notifications")
        let email = templates.render(.auctionWon, ["itemTitle": "Leica M6", "finalPrice": "$500.00"])
        #expect(
            try await delivery.send(from: "alerts@gavel.example", to: "ada@example.com", userId: "u-ada", email)
                == "m-1"
        )
        _ = try await delivery.send(from: "alerts@gavel.example", to: "ada@example.com", userId: "ada smith", email)
        struct Sent: Decodable {
            var ConfigurationSetName: String?
            var EmailTags: [[String: String]]?
        }
        let sent = try transport.requests.map { try JSONDecoder().decode(Sent.self, from: Data($0.body)) }
        #expect(sent.map(\.ConfigurationSetName) == ["gavel-prod", "gavel-prod"])
        #expect(sent[0].EmailTags == [["Name": "userId", "Value": "u-ada"]])
        #expect(sent[1].EmailTags == nil)
    }
}
