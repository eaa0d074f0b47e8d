import FoundationEssentials
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// `gavel-local invoke` as a developer runs it, on the files in events/.
@Suite struct GavelLocalInvokeTests {
    /// Runs `gavel-local invoke` with `arguments`, the probe's built bootstrap standing in for the function's.
    private func invoke(_ arguments: [String]) async throws -> GavelLocalRun {
        try await GavelLocalRun.run(["invoke"] + arguments + ["--bootstrap", try TestPaths.bootstrap("runtime-probe")])
    }

    @Test(arguments: [
        ("echo.json", "exit status 0", #""message":"hello from events/runtime-probe/echo.json""#),
        ("log.json", "exit status 0", #""message":"a log line through the Lambda log handler""#),
        ("fail.json", "exit status 1", #""errorType":"ProbeFailure""#),
        ("bad-field.json", "exit status 1", "options.ms: expected an integer"),
    ])
    func everyProbeEventGivesItsOutcome(file: String, status: String, expected: String) async throws {
        let run = try await self.invoke(["runtime-probe", "-e", "events/runtime-probe/\(file)"])
        #expect(run.status == status, "stderr: \(run.error)")
        #expect(run.output.contains(expected))
        #expect(run.error.contains("REPORT RequestId: "))
    }

    @Test func repeatedEventsReuseOneWarmProcess() async throws {
        let run = try await self.invoke(["runtime-probe", "-e", "events/runtime-probe/echo.json", "--repeat", "3"])
        #expect(run.status == "exit status 0")
        #expect(run.output.split(separator: "\n").count == 3)
        let reports = run.error.split(separator: "\n").filter { $0.hasPrefix("REPORT") }
        #expect(reports.count == 3)
        #expect(reports.filter { $0.contains("Init Duration") }.count == 1)
    }

    @Test func theTemplateTimeoutIsEnforced() async throws {
        let event = try TestPaths.temporaryDirectory("event") + "/slow.json"
        try Data(#"{"action":"sleep","options":{"ms":10000}}"#.utf8).write(to: URL(filePath: event))
        let run = try await self.invoke(["runtime-probe", "-e", event])
        #expect(run.status == "exit status 1")
        #expect(run.output.contains("Task timed out after 3.00 seconds"))  // template.yaml: Timeout 3
    }

    @Test func anUnknownFunctionIsAClearError() async throws {
        let run = try await self.invoke(["no-such-function", "-e", "events/runtime-probe/echo.json"])
        #expect(run.status != "exit status 0")
        #expect(run.error.contains("unknown function 'no-such-function'"))
    }
}
