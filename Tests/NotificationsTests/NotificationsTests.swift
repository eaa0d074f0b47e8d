import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelTesting
import Notifications
import SQSEvents
import Testing

/// The notifications consumer against moto (signatures checked) and a loopback Postmark.
@Suite struct NotificationsTests {
    struct Setup {
        let moto: Moto.Account
        var environment: [String: String]
        let deadLetterURL: String
        let metrics = MetricLines()

        static func make(
            provider: String = "postmark",
            postmarkURL: String = "http://127.0.0.1:1"
        ) async throws -> Setup {
            let moto = try await Moto.shared()
            let users = moto.unique("users")
            let sent = moto.unique("sent")
            try await moto.createTable("UsersTable", named: users)
            try await moto.createTable("SentNotificationsTable", named: sent)
            let secret = moto.unique("postmark")
            try await moto.createSecret(secret, value: #"{"serverToken":"pm-token-123"}"#)
            let deadLetterURL = try await moto.createQueue(moto.unique("notifications-dlq") + ".fifo")
            let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
            for profile in [
                UserProfile(userId: "u-ada", email: "ada@example.com", name: "Ada"),
                UserProfile(userId: "u-bob", email: "bob@example.com", notifications: ["bid_outbid": false]),
                UserProfile(userId: "u-bad", email: "nobody@invalid.example"),
            ] {
                try await dynamo.putItem(table: users, item: try DynamoDBEncoder().encode(profile))
            }
            var environment = moto.environment
            environment.merge([
                "USERS_TABLE": users, "NOTIFICATIONS_SENT_TABLE": sent, "DEAD_LETTER_QUEUE_URL": deadLetterURL,
                "EMAIL_FROM": "alerts@gavel.example", "EMAIL_PROVIDER": provider,
                "POSTMARK_TOKEN_SECRET_ID": secret, "POSTMARK_URL": postmarkURL,
                "TEMPLATES_DIR": TestPaths.root + "/Templates/notifications",
            ]) { $1 }
            return Setup(moto: moto, environment: environment, deadLetterURL: deadLetterURL)
        }

        func handler(postmarkURL: String? = nil) throws -> NotificationsHandler {
            var environment = self.environment
            if let postmarkURL { environment["POSTMARK_URL"] = postmarkURL }
            return try NotificationsHandler(
                environment: environment,
                aws: AWSClients(environment: environment, transport: Moto.transport),
                metrics: self.metrics.metrics(function: "notifications")
            )
        }
    }

    static func message(_ id: String, _ kind: String, user: String? = nil, email: String? = nil) -> String {
        let recipient = user.map { #""userId":"\#($0)""# } ?? #""email":"\#(email ?? "")""#
        return
            #"{"notificationId":"\#(id)","kind":"\#(kind)",\#(recipient),"data":{"itemTitle":"Leica M6","maxBid":"£1,250.00","currentPrice":"£1,300.00","link":"https://gavel.example/bids/b-1"}}"#
    }

    static func record(_ id: String, _ body: String, group: String) -> SQSEvent.Record {
        SQSEvent.Record(messageId: id, body: body, groupId: group)
    }

    @Test func aBatchIsSentOnceEvenWhenRedelivered() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let setup = try await Setup.make(postmarkURL: url)
            let event = SQSEvent(records: [
                Self.record("m1", Self.message("n-1", "bid_placed", user: "u-ada"), group: "user:u-ada"),
                Self.record("m2", Self.message("n-2", "bid_outbid", user: "u-ada"), group: "user:u-ada"),
                Self.record(
                    "m3",
                    Self.message("n-3", "order_confirmation", email: "guest@example.com"),
                    group: "email:guest@example.com"
                ),
            ])
            let handler = try setup.handler()
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            let emails = postmark.emails
            #expect(emails.count == 3)
            #expect(
                emails.filter { $0.To == "ada@example.com" }.map(\.Subject) == [
                    "Bid placed: Leica M6", "Outbid: Leica M6",
                ]
            )
            let placed = try #require(emails.first { $0.Subject == "Bid placed: Leica M6" })
            #expect(placed.TextBody.hasPrefix("Hello Ada,\n\nYour snipe on Leica M6 was placed: up to £1,250.00."))
            #expect(placed.HtmlBody.contains(#"<a href="https://gavel.example/bids/b-1">View it</a>"#))
            #expect(placed.From == "alerts@gavel.example" && placed.MessageStream == "outbound")
            #expect(Set(postmark.tokens) == ["pm-token-123"])
            #expect(setup.metrics.all.last?.contains(#""Duplicates":3"#) == true)
        }
    }

    @Test func badMessagesAreDeadLetteredAndOptedOutUsersSkipped() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let setup = try await Setup.make(postmarkURL: url)
            let event = SQSEvent(records: [
                Self.record("bad-kind", Self.message("n-10", "bid_exploded", user: "u-ada"), group: "user:u-ada"),
                Self.record("no-json", "hello", group: "user:u-ada"),
                Self.record("ghost", Self.message("n-11", "bid_placed", user: "u-ghost"), group: "user:u-ghost"),
                Self.record("opted-out", Self.message("n-12", "bid_outbid", user: "u-bob"), group: "user:u-bob"),
                Self.record("ok", Self.message("n-13", "auction_won", user: "u-bob"), group: "user:u-bob"),
            ])
            let response = try await setup.handler().handle(event, context: TestContext.make())
            #expect(response.batchItemFailures.isEmpty)
            #expect(postmark.emails.map(\.Subject) == ["You won: Leica M6"])
            var reasons: [String: String] = [:]
            for message in try await setup.moto.drain(setup.deadLetterURL, expecting: 3) {
                reasons[message.messageAttributes["gavel-source-message-id"] ?? ""] =
                    message.messageAttributes["gavel-reason"]
            }
            #expect(
                reasons == [
                    "bad-kind": "kind: has a value that is not allowed", "no-json": "the body is not a JSON object",
                    "ghost": "userId: no such user, or no email address",
                ]
            )
            #expect(setup.metrics.all.last?.contains(#""OptedOut":1"#) == true)
        }
    }

    @Test func aBadAddressIsRecordedNotRetried() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let setup = try await Setup.make(postmarkURL: url)
            let event = SQSEvent(records: [
                Self.record("m", Self.message("n-20", "bid_placed", user: "u-bad"), group: "user:u-bad")
            ])
            let handler = try setup.handler()
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(postmark.requests == 1)  // refused once for good; the redelivery finds it REJECTED
            #expect(setup.metrics.all.first?.contains(#""Rejected":1"#) == true)
        }
    }

    @Test func anOutageFailsTheGroupInOrderAndTheRedeliverySendsItInOrder() async throws {
        let postmark = FakePostmark(outage: 3)
        try await postmark.with { url in
            let setup = try await Setup.make(postmarkURL: url)
            let event = SQSEvent(records: [
                Self.record("a1", Self.message("n-31", "bid_placed", user: "u-ada"), group: "user:u-ada"),
                Self.record("a2", Self.message("n-32", "bid_outbid", user: "u-ada"), group: "user:u-ada"),
                Self.record("a3", Self.message("n-33", "auction_lost", user: "u-ada"), group: "user:u-ada"),
            ])
            let handler = try setup.handler()
            let first = try await handler.handle(event, context: TestContext.make())
            #expect(first.failedMessageIds == ["a1", "a2", "a3"])
            #expect(postmark.requests == 3)  // a1 tried three times; a2 and a3 never tried out of order
            #expect(postmark.emails.isEmpty)
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(
                postmark.emails.map(\.Subject) == [
                    "Bid placed: Leica M6", "Outbid: Leica M6", "Auction ended: Leica M6",
                ]
            )
        }
    }

    @Test func aSenderTheProviderRefusesFailsTheWholeBatchAndRaisesTheAlarm() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let setup = try await Setup.make(postmarkURL: url)
            postmark.requireSenderSignature("someone-else@gavel.example")
            let event = SQSEvent(records: [
                Self.record("c1", Self.message("n-50", "bid_placed", user: "u-ada"), group: "user:u-ada"),
                Self.record("c2", Self.message("n-51", "bid_placed", user: "u-ada"), group: "user:u-ada"),
                Self.record("c3", Self.message("n-52", "bid_placed", email: "guest@example.com"), group: "guest"),
            ])
            let handler = try setup.handler()
            let first = try await handler.handle(event, context: TestContext.make())
            #expect(
                first.failedMessageIds.sorted() == ["c1", "c2", "c3"],
                "nothing dropped, nothing recorded REJECTED"
            )
            #expect(postmark.requests <= 2, "the batch stops at the first refusal (the other group may have begun)")
            #expect(setup.metrics.all.last?.contains(#""SenderConfigurationErrors":"#) == true)
            // Fixed: the same messages go out.
            postmark.requireSenderSignature(nil)
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(postmark.emails.count == 3)
        }
    }

    @Test func sesRefusingAnUnverifiedSenderIsConfigurationNotARejectedAddress() async throws {
        var setup = try await Setup.make(provider: "ses")
        let sender = setup.moto.unique("unverified") + "@gavel.example"  // moto's account is shared: a new identity
        setup.environment["EMAIL_FROM"] = sender
        let id = setup.moto.unique("n-unverified")
        let event = SQSEvent(records: [
            Self.record("u1", Self.message(id, "bid_placed", user: "u-ada"), group: "user:u-ada")
        ])
        // moto, as SES does, refuses a sender that is not a verified identity (MessageRejected).
        let handler = try setup.handler()
        let first = try await handler.handle(event, context: TestContext.make())
        #expect(first.failedMessageIds == ["u1"], "\(setup.metrics.all)")
        #expect(setup.metrics.all.last?.contains(#""SenderConfigurationErrors":1"#) == true)
        try await setup.moto.verifyEmailIdentity(sender)
        #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
    }

    /// Postmark has no idempotency key: a reply lost after it accepted an email costs one duplicate, and no
    /// more (the send is not retried in the invocation; the redelivery sends once and records it).
    @Test func aLostPostmarkReplyCostsOneDuplicateAtMost() async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let setup = try await Setup.make(postmarkURL: url)
            postmark.loseNextReplies(1)
            let event = SQSEvent(records: [
                Self.record("l1", Self.message("n-60", "bid_placed", user: "u-ada"), group: "user:u-ada")
            ])
            let handler = try setup.handler()
            #expect(try await handler.handle(event, context: TestContext.make()).failedMessageIds == ["l1"])
            #expect(postmark.requests == 1 && postmark.emails.count == 1)
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            #expect(postmark.emails.count == 2, "the stated duplicate: one per lost reply")
        }
    }

    @Test func sesDeliversThroughMoto() async throws {
        let setup = try await Setup.make(provider: "ses")
        try await setup.moto.verifyEmailIdentity("alerts@gavel.example")
        let id = setup.moto.unique("n-ses")
        let event = SQSEvent(records: [
            Self.record("s1", Self.message(id, "auction_won", user: "u-ada"), group: "user:u-ada")
        ])
        #expect(try await setup.handler().handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
        let data = try await setup.moto.modelData()
        #expect(data.contains("You won: Leica M6"))
    }
}

/// The notifications consumer when DynamoDB throttles its ledger writes or loses a reply.
@Suite struct NotificationsThrottlingTests {
    /// Sends one `bid_placed` notification (id `id`) twice, a delivery and a redelivery, through a handler
    /// whose DynamoDB calls go through `fault` on the first `count` PutItems; both must succeed.
    /// - Returns: the emails Postmark received and the PutItems that reached the proxy.
    static func deliverTwice(
        _ id: String,
        count: Int,
        fault: FaultProxy.Fault
    ) async throws -> (emails: Int, putItems: Int) {
        let postmark = FakePostmark()
        return try await postmark.with { url in
            let setup = try await NotificationsTests.Setup.make(postmarkURL: url)
            let proxy = FaultProxy(upstream: setup.moto.endpoint, operation: "PutItem", count: count, fault: fault)
            try await proxy.with { endpoint in
                var environment = setup.environment
                environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
                let handler = try NotificationsHandler(
                    environment: environment,
                    aws: AWSClients(environment: environment, transport: Moto.transport)
                )
                let event = SQSEvent(records: [
                    NotificationsTests.record(
                        "m-" + id,
                        NotificationsTests.message(id, "bid_placed", user: "u-ada"),
                        group: "user:u-ada"
                    )
                ])
                #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
                #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
            }
            return (postmark.emails.count, proxy.attempts)
        }
    }

    /// A batch's recipients are read with one BatchGetItem, not a GetItem per message, and come out as they
    /// did one by one: a user mailed, one opted out, one missing (dead-lettered), a bare address mailed. When
    /// that read fails past its retries, each message reads its own recipient and nothing is lost.
    @Test(arguments: [false, true])
    func aBatchsRecipientsAreReadWithOneBatchGetItem(batchGetFails: Bool) async throws {
        let postmark = FakePostmark()
        try await postmark.with { url in
            let setup = try await NotificationsTests.Setup.make(postmarkURL: url)
            let gets = FaultProxy(upstream: setup.moto.endpoint, operation: "GetItem", count: 0, fault: .serverError)
            try await gets.with { getsEndpoint in
                let batchGets = FaultProxy(
                    upstream: getsEndpoint,
                    operation: "BatchGetItem",
                    count: batchGetFails ? 100 : 0,
                    fault: .serverError
                )
                try await batchGets.with { endpoint in
                    var environment = setup.environment
                    environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
                    let handler = try NotificationsHandler(
                        environment: environment,
                        aws: AWSClients(environment: environment, transport: Moto.transport)
                    )
                    let id = "n-batch-\(batchGetFails)"
                    let event = SQSEvent(records: [
                        NotificationsTests.record(
                            "m-1",
                            NotificationsTests.message(id + "-1", "bid_placed", user: "u-ada"),
                            group: "user:u-ada"
                        ),
                        NotificationsTests.record(
                            "m-2",
                            NotificationsTests.message(id + "-2", "bid_outbid", user: "u-bob"),
                            group: "user:u-bob"
                        ),
                        NotificationsTests.record(
                            "m-3",
                            NotificationsTests.message(id + "-3", "bid_placed", user: "u-none"),
                            group: "user:u-none"
                        ),
                        NotificationsTests.record(
                            "m-4",
                            NotificationsTests.message(id + "-4", "bid_placed", email: "carol@example.com"),
                            group: "e"
                        ),
                    ])
                    let response = try await handler.handle(event, context: TestContext.make())
                    #expect(response.batchItemFailures.isEmpty)
                    #expect(postmark.emails.map(\.To).sorted() == ["ada@example.com", "carol@example.com"])
                    #expect(
                        try await setup.moto.drain(setup.deadLetterURL, expecting: 1).count == 1,
                        "u-none dead-lettered"
                    )
                    if batchGetFails {
                        #expect(batchGets.attempts > 1, "retried before giving up")
                        #expect(gets.attempts == 3, "then one GetItem per user")
                    } else {
                        #expect(batchGets.attempts == 1)
                        #expect(gets.attempts == 0, "no GetItem per message")
                    }
                }
            }
        }
    }

    @Test func aThrottledLedgerIsRetriedAndStillSendsOnce() async throws {
        let sent = try await Self.deliverTwice(
            "n-40",
            count: 2,
            fault: .throttle(code: "ProvisionedThroughputExceededException")
        )
        #expect(sent.emails == 1)
        #expect(sent.putItems >= 4)  // two throttled claims retried, then the SENT record and the redelivery's claim
    }

    /// Before: the retried claim found its own SENDING row, took it for another invocation's, and the email
    /// waited out the lease. Now it is sent in the first delivery, once.
    @Test func aClaimWhoseReplyWasLostIsStillOursAndSendsAtOnce() async throws {
        #expect(try await Self.deliverTwice("n-41", count: 1, fault: .lostReply).emails == 1)
    }
}
