import AWS
import GavelFixtures
import GavelTesting
import Testing

/// Scheduler's one-time schedules and SES v2 SendEmail against moto with signature checking on.
@Suite struct SchedulerAndEmailTests {
    @Test(arguments: [Int64(0), 951_782_400, 1_800_000_000, 1_795_996_799, 4_102_444_800])
    func atExpressionsReadBackToTheSameInstant(unixTime: Int64) {
        let expression = Scheduler.atExpression(unixTime)
        #expect(Scheduler.unixTime(fromAt: expression) == unixTime)
    }

    @Test func atIsUTCWithoutAZone() {
        #expect(Scheduler.atExpression(1_800_000_000) == "at(2027-01-15T08:00:00)")
        #expect(Scheduler.unixTime(fromAt: "rate(5 minutes)") == nil)
        #expect(Scheduler.unixTime(fromAt: "at(2027-1-15T08:00:00)") == nil)
        #expect(Scheduler.unixTime(fromAt: "at(2027-01-15T08:00:00Z)") == nil)
    }

    @Test(arguments: [true, false])
    func createGetUpdateAndDeleteAOneTimeSchedule(signatureChecks: Bool) async throws {
        // moto's signature check puts a GET or DELETE's query in the body it hashes, so it refuses correctly
        // signed GetSchedule and DeleteSchedule calls. With checks on, only the writes are tested; the whole
        // life cycle runs on the unchecked server. (The query signing is proven by the SigV4 vectors.)
        let moto = signatureChecks ? try await Moto.shared() : try await Moto.withoutSignatureChecks()
        let group = moto.unique("gavel-bids")
        try await moto.createScheduleGroup(group)
        let scheduler = Scheduler(client: try moto.client(.scheduler))
        var schedule = Scheduler.Schedule(
            name: "bid-u1-b1",
            group: group,
            fireAt: 1_800_000_000,
            targetARN: "arn:aws:lambda:us-east-1:123456789012:function:gavel-bid-executor",
            roleARN: "arn:aws:iam::123456789012:role/gavel-scheduler",
            input: #"{"userId":"u1","bidId":"b1"}"#
        )
        let arn = try await scheduler.create(schedule)
        #expect(arn.hasSuffix("schedule/\(group)/bid-u1-b1"))
        let twice = await #expect(throws: AWSError.self) { try await scheduler.create(schedule) }
        #expect(twice?.context.code == "ConflictException")
        schedule.fireAt += 90
        try await scheduler.update(schedule)
        guard !signatureChecks else { return }

        #expect(try await scheduler.get(name: schedule.name, group: group) == schedule)
        #expect(try await scheduler.get(name: schedule.name, group: group)?.fireAt == 1_800_000_090)

        try await scheduler.delete(name: schedule.name, group: group)
        #expect(try await scheduler.get(name: schedule.name, group: group) == nil)
        let gone = await #expect(throws: AWSError.self) {
            try await scheduler.delete(name: schedule.name, group: group)
        }
        #expect(gone?.context.code == "ResourceNotFoundException")
    }

    @Test func emailFromAVerifiedSenderIsSentAndFromAnyOtherRefused() async throws {
        let moto = try await Moto.shared()
        let sender = "\(moto.unique("alerts"))@gavel.example"
        try await moto.verifyEmailIdentity(sender)
        let ses = SESv2(client: try moto.client(.sesV2))
        let email = SESv2.Email(
            from: sender,
            to: ["buyer@example.com"],
            subject: "You won: Leica M6 — £1,250.00",
            text: "Your snipe won.",
            html: "<p>Your snipe <b>won</b>.</p>"
        )
        #expect(try await ses.send(email).isEmpty == false)
        var stranger = email
        stranger.from = "nobody@unverified.example"
        let refused = await #expect(throws: AWSError.self) { try await ses.send(stranger) }
        #expect(refused?.context.code == "MessageRejected")
    }
}
