import AWS
import FoundationEssentials
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// `LocalProvisioner.update`, which `gavel-local dev --watch` applies a changed template.yaml with, on a
/// fresh moto holding the template's stack and its demo data.
@Suite struct TemplateUpdateTests {
    @Test(.timeLimit(.minutes(5)))
    func aChangedTemplateAddsWhatItGainedAndKeepsWhatMotoHolds() async throws {
        try await LocalBackendEndToEndTests.withStack("template-update") { local in
            let path = local.layout.template
            let original = try String(contentsOfFile: path, encoding: .utf8)
            let provisioner = LocalProvisioner(
                endpoint: local.stack.endpoint,
                aws: try AWSClients(environment: local.caller)
            )
            let overrides = LocalAWS.fakeSecrets

            // The same template changes nothing.
            let (same, none) = try await provisioner.update(
                try SAMTemplate(yaml: original),
                from: local.stack,
                overrides: overrides
            )
            #expect(none.isEmpty, "\(none)")
            #expect(same.functions["api"]?.environment == local.stack.functions["api"]?.environment)

            // A new table, a variable and a route for the api, and a queue attribute moto cannot change in place.
            let visibility = "      VisibilityTimeout: 300"
            let queue = "      QueueName: !Sub gavel-${Environment}-notification-queue.fifo"
            try #require(
                original.contains(
                    queue
                        + "\n      FifoQueue: true\n      ContentBasedDeduplication: true\n      MessageRetentionPeriod: 86400\n"
                        + visibility
                )
            )
            let changed = try WatchEndToEndTests.withScratchTable(original).replacing(
                queue
                    + "\n      FifoQueue: true\n      ContentBasedDeduplication: true\n      MessageRetentionPeriod: 86400\n"
                    + visibility,
                with: queue
                    + "\n      FifoQueue: true\n      ContentBasedDeduplication: true\n      MessageRetentionPeriod: 86400\n      VisibilityTimeout: 301"
            )
            let (grown, changes) = try await provisioner.update(
                try SAMTemplate(yaml: changed),
                from: local.stack,
                overrides: overrides
            )
            #expect(changes.created == ["ScratchTable"])
            #expect(changes.updated == ["ApiFunction"])
            #expect(changes.notApplied == ["NotificationQueue"])
            #expect(changes.removed.isEmpty)
            #expect(grown.functions["api"]?.environment["SCRATCH_TABLE"] == "gavel-dev-Scratch")
            #expect(grown.functions["api"]?.events.contains { $0.path == "/healthz" } == true)
            #expect(grown.demo?.userId == local.stack.demo?.userId)
            let dynamo = DynamoDB(client: try AWSClients(environment: local.caller).client(.dynamoDB))
            #expect(try await dynamo.all(DynamoDB.Read(table: "gavel-dev-Scratch")).isEmpty, "the new table exists")
            let products = try #require(grown.functions["api"]?.environment["PRODUCTS_TABLE"])
            #expect(try await dynamo.all(DynamoDB.Read(table: products)).count == local.stack.demo?.products.count)
            #expect(grown.userPool.id == local.stack.userPool.id, "the user pool, and its users, stay")

            // Back to the original: the table is left on moto and named; the queue was never changed.
            let (_, back) = try await provisioner.update(
                try SAMTemplate(yaml: original),
                from: grown,
                overrides: overrides
            )
            #expect(back.removed == ["ScratchTable"])
            #expect(back.updated == ["ApiFunction"])
            #expect(back.notApplied.isEmpty && back.created.isEmpty)
        }
    }

    /// A table the template gained, whose CreateTable reply is lost: the retry finds the table the first
    /// attempt made, and the update reports it created, once, rather than failing the watch.
    @Test(.timeLimit(.minutes(5)))
    func aNewTableWhoseCreateReplyIsLostIsCreatedOnce() async throws {
        try await LocalBackendEndToEndTests.withStack("template-update-lost") { local in
            let original = try String(contentsOfFile: local.layout.template, encoding: .utf8)
            let lost = FaultProxy(upstream: local.stack.endpoint, operation: "CreateTable", count: 1, fault: .lostReply)
            let changes = try await lost.with { endpoint in
                var caller = local.caller
                caller["AWS_ENDPOINT_URL"] = endpoint
                let provisioner = LocalProvisioner(
                    endpoint: local.stack.endpoint,
                    aws: try AWSClients(environment: caller)
                )
                return try await provisioner.update(
                    try SAMTemplate(yaml: WatchEndToEndTests.withScratchTable(original)),
                    from: local.stack,
                    overrides: LocalAWS.fakeSecrets
                ).1
            }
            #expect(lost.counts == ["lost reply": 1], "the first CreateTable took effect and its reply was lost")
            #expect(changes.created == ["ScratchTable"])
            let dynamo = DynamoDB(client: try AWSClients(environment: local.caller).client(.dynamoDB))
            #expect(try await dynamo.all(DynamoDB.Read(table: "gavel-dev-Scratch")).isEmpty, "the new table exists")
        }
    }
}
