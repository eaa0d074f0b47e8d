import AWS
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Logging
import Storefront
import Testing

/// cleanup against 10,000 items in moto: exactly the expired half goes, dry runs delete nothing, and a run
/// cut short by its deadline leaves a checkpoint the next run finishes from.
@Suite struct CleanupTests {
    static let day: Int64 = 86_400_000

    struct Seeded {
        let fixture: StorefrontFixture
        let freshAnalytics: Set<String>
        let liveSessions: Set<String>

        func handler(_ settings: [String: String] = [:]) throws -> CleanupHandler {
            let environment = self.fixture.environment.merging(settings) { $1 }
            return try CleanupHandler(
                environment: environment,
                aws: AWSClients(environment: environment, transport: Moto.transport),
                metrics: MetricLines().metrics(function: "cleanup")
            )
        }

        /// What is left: Analytics as `product#timestamp`, Sessions by id.
        func remaining() async throws -> (analytics: Set<String>, sessions: Set<String>) {
            let dynamo = try self.fixture.dynamo()
            let analytics = try await dynamo.all(DynamoDB.Read(table: self.fixture.analyticsTable), segments: 4)
            let sessions = try await dynamo.all(DynamoDB.Read(table: self.fixture.sessionsTable), segments: 4)
            return (
                Set(analytics.map(CleanupTests.analyticsName)),
                Set(sessions.compactMap { $0["session_id"].flatMap(CleanupTests.text) })
            )
        }

        func checkpoint() async throws -> [String: AttributeValue]? {
            try await self.fixture.dynamo().getItem(
                table: self.fixture.jobsTable,
                key: ["job": .s("cleanup")],
                consistentRead: true
            )
        }
    }

    static func text(_ value: AttributeValue) -> String? {
        switch value {
        case .s(let text), .n(let text): text
        default: nil
        }
    }

    static func analyticsName(_ item: [String: AttributeValue]) -> String {
        "\(item["product_id"].flatMap(text) ?? "?")#\(item["timestamp"].flatMap(text) ?? "?")"
    }

    /// 6,000 Analytics items (half older than 90 days) and 4,000 Sessions (half expired).
    static func seeded() async throws -> Seeded {
        let fixture = try await StorefrontFixture.make()
        let dynamo = try fixture.dynamo()
        let now = WallClock.nowMs()
        var analytics: [[String: AttributeValue]] = []
        var fresh: Set<String> = []
        for index in 0..<6_000 {
            let old = index % 2 == 0
            let timestamp = now - (old ? 91 * day : day) - Int64(index)
            let item: [String: AttributeValue] = [
                "product_id": .s("p-\(index % 60)"), "timestamp": .n(String(timestamp)), "views": .n("1"),
            ]
            analytics.append(item)
            if !old { fresh.insert(analyticsName(item)) }
        }
        var sessions: [[String: AttributeValue]] = []
        var live: Set<String> = []
        for index in 0..<4_000 {
            let expired = index % 2 == 1
            let id = "s-\(index)"
            sessions.append([
                "session_id": .s(id), "user_id": .s("u-\(index % 100)"),
                "expires_at": .n(String(now / 1000 + (expired ? -3_600 : 3_600))),
            ])
            if !expired { live.insert(id) }
        }
        try await dynamo.batchWrite(table: fixture.analyticsTable, analytics.map { .put($0) })
        try await dynamo.batchWrite(table: fixture.sessionsTable, sessions.map { .put($0) })
        return Seeded(fixture: fixture, freshAnalytics: fresh, liveSessions: live)
    }

    static let logger = Logger(label: "cleanup-test")

    @Test func aDryRunCountsAndARunDeletesExactlyTheExpiredHalf() async throws {
        let seeded = try await Self.seeded()
        let handler = try seeded.handler()
        let dry = try await handler.run(
            CleanupRequest(dryRun: true),
            deadline: .now + .seconds(300),
            logger: Self.logger
        )
        #expect(dry.analytics == .init(expired: 3_000, deleted: 0))
        #expect(dry.sessions == .init(expired: 2_000, deleted: 0))
        let untouched = try await seeded.remaining()
        #expect(untouched.analytics.count == 6_000 && untouched.sessions.count == 4_000)

        let report = try await handler.run(CleanupRequest(), deadline: .now + .seconds(300), logger: Self.logger)
        #expect(report.complete && !report.resumed)
        #expect(report.analytics == .init(expired: 3_000, deleted: 3_000))
        #expect(report.sessions == .init(expired: 2_000, deleted: 2_000))
        let left = try await seeded.remaining()
        #expect(left.analytics == seeded.freshAnalytics)
        #expect(left.sessions == seeded.liveSessions)
        #expect(try await seeded.checkpoint() == nil)

        // Idempotent: a second run finds nothing to do.
        let again = try await handler.run(CleanupRequest(), deadline: .now + .seconds(300), logger: Self.logger)
        #expect(again.complete && again.analytics.expired == 0 && again.sessions.expired == 0)
    }

    @Test func aRunCutShortByItsDeadlineLeavesACheckpointAndTheNextRunFinishes() async throws {
        let seeded = try await Self.seeded()
        let handler = try seeded.handler(["CLEANUP_PAGE_SIZE": "250", "CLEANUP_STOP_BEFORE_DEADLINE_MS": "1000"])
        let short = try await handler.run(CleanupRequest(), deadline: .now + .milliseconds(1_300), logger: Self.logger)
        #expect(!short.complete)
        #expect(short.analytics.deleted + short.sessions.deleted < 5_000)
        #expect(try await seeded.checkpoint() != nil)

        var deleted = short.analytics.deleted + short.sessions.deleted
        var runs = 1
        var last = short
        while !last.complete, runs < 10 {
            last = try await handler.run(CleanupRequest(), deadline: .now + .seconds(300), logger: Self.logger)
            #expect(last.resumed)
            deleted += last.analytics.deleted + last.sessions.deleted
            runs += 1
        }
        #expect(last.complete)
        #expect(deleted == 5_000)
        let left = try await seeded.remaining()
        #expect(left.analytics == seeded.freshAnalytics)
        #expect(left.sessions == seeded.liveSessions)
        #expect(try await seeded.checkpoint() == nil)
    }

    @Test func theEventIsAScheduledEventOrADryRunAndNothingElse() throws {
        let scheduled = #"{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events","detail":{}}"#
        #expect(try CleanupRequest.parse(Array(scheduled.utf8)) == CleanupRequest(dryRun: false))
        #expect(try CleanupRequest.parse(Array(#"{"dryRun":true}"#.utf8)) == CleanupRequest(dryRun: true))
        #expect(try CleanupRequest.parse(Array("{}".utf8)) == CleanupRequest(dryRun: false))
        #expect(throws: ValidationError.self) { try CleanupRequest.parse(Array(#"{"dryrun":true}"#.utf8)) }
        #expect(throws: ValidationError.self) { try CleanupRequest.parse(Array(#"{"dryRun":"yes"}"#.utf8)) }
    }
}
