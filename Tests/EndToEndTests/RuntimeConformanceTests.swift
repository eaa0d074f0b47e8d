import FoundationEssentials
import GavelFixtures
import GavelLocal
import GavelTesting
import LambdaRuntime
import Testing

/// The runtime as Lambda sees it: a built bootstrap under gavel-local's Runtime API.
@Suite struct RuntimeConformanceTests {
    struct Probe: Decodable {
        struct Client: Decodable {
            var appTitle: String?
            enum CodingKeys: String, CodingKey { case appTitle = "app_title" }
        }
        struct Context: Decodable {
            var client: Client?
            var custom: [String: String]?
        }
        struct Identity: Decodable {
            var identityId: String?
            enum CodingKeys: String, CodingKey { case identityId = "cognitoIdentityId" }
        }
        struct Echo: Decodable {
            var traceId: String?
            var traceEnvironment: String?
            var remainingMs: Int64
            var clientContext: Context?
            var cognitoIdentity: Identity?
            var functionName: String
            var memoryLimitMB: Int
            var logGroupName: String
        }
        var message: String?
        var requestId: String
        var context: Echo?
        var data: String?

        /// The context echo, which every action but `ping` returns.
        var echo: Echo {
            get throws { try #require(self.context) }
        }
    }

    /// Runs `body` against the probe bootstrap, its output going to a log file the body may read.
    private func withProbe<Output: Sendable>(
        timeout: Double = 3,
        environment: [String: String] = [:],
        _ body: (LocalFunction, _ logPath: String) async throws -> Output
    ) async throws -> Output {
        var settings = FunctionSettings(name: "runtime-probe")
        settings.timeoutSeconds = timeout
        settings.memoryMB = 256
        let logPath = try TestPaths.temporaryDirectory("probe") + "/function.log"
        return try await LocalFunction.with(
            settings: settings,
            executable: try TestPaths.bootstrap("runtime-probe"),
            caller: [:],
            overrides: environment,
            logPath: logPath
        ) { function in try await body(function, logPath) }
    }

    private func decode(_ outcome: InvocationOutcome) throws -> Probe {
        guard case .response(let body) = outcome else {
            throw MissingPrerequisite("expected a response, got \(outcome)")
        }
        return try JSONDecoder().decode(Probe.self, from: body)
    }

    private func report(_ outcome: InvocationOutcome) throws -> ErrorReport {
        guard case .error(let report) = outcome else { throw MissingPrerequisite("expected an error, got \(outcome)") }
        return report
    }

    @Test func echoesTheEventWithTheContextLambdaSets() async throws {
        try await self.withProbe { function, _ in
            let result = try await function.invoke(Data(#"{"action":"echo","message":"hi"}"#.utf8))
            let probe = try self.decode(result.outcome)
            #expect(probe.message == "hi")
            #expect(probe.requestId == result.requestId)
            #expect(try probe.echo.functionName == "runtime-probe")
            #expect(try probe.echo.memoryLimitMB == 256)
            #expect(try probe.echo.logGroupName == "/aws/lambda/runtime-probe")
            #expect(result.initDurationMs != nil)
        }
    }

    @Test func aThrownErrorIsReportedAndTheProcessStaysWarm() async throws {
        try await self.withProbe { function, _ in
            let failed = try await function.invoke(Data(#"{"action":"fail","message":"card declined"}"#.utf8))
            #expect(
                try self.report(failed.outcome) == ErrorReport(errorType: "ProbeFailure", errorMessage: "card declined")
            )
            let pid = await function.pid
            let next = try await function.invoke(Data(#"{"action":"echo"}"#.utf8))
            #expect(!next.outcome.isError)
            #expect(next.initDurationMs == nil)
            #expect(await function.pid == pid)
        }
    }

    @Test func anInitFailureIsReportedAndTheProcessExits() async throws {
        try await self.withProbe(environment: ["PROBE_FAIL_INIT": "no table"]) { function, _ in
            let result = try await function.invoke(Data(#"{"action":"echo"}"#.utf8))
            let report = try self.report(result.outcome)
            #expect(report.errorType == "ProbeFailure")
            #expect(report.errorMessage == "initialisation refused: no table")
            #expect(await function.pid == nil)
        }
    }

    @Test func anUndecodableEventNamesTheField() async throws {
        try await self.withProbe { function, _ in
            let result = try await function.invoke(Data(#"{"action":"sleep","options":{"ms":"soon"}}"#.utf8))
            let report = try self.report(result.outcome)
            #expect(report.errorType == "RuntimeError")
            #expect(report.errorMessage.hasPrefix("invalid event: options.ms: expected an integer"))
        }
    }

    @Test func aSlowInvocationTimesOutAndTheNextStartsCold() async throws {
        try await self.withProbe(timeout: 1) { function, _ in
            let slow = try await function.invoke(Data(#"{"action":"sleep","options":{"ms":5000}}"#.utf8))
            #expect(try self.report(slow.outcome).errorMessage == "Task timed out after 1.00 seconds")
            #expect(slow.durationMs < 2500)
            let next = try await function.invoke(Data(#"{"action":"echo"}"#.utf8))
            #expect(!next.outcome.isError)
            #expect(next.initDurationMs != nil)
        }
    }

    @Test func aResponseJustUnderSixMegabytesIsAcceptedAndOneOverIsRefused() async throws {
        try await self.withProbe { function, _ in
            // 5.9 MiB
            let under = try await function.invoke(Data(#"{"action":"bytes","options":{"count":6186598}}"#.utf8))
            #expect(try self.decode(under.outcome).data?.count == 6_186_598)
            // 6.1 MiB
            let over = try await function.invoke(Data(#"{"action":"bytes","options":{"count":6396314}}"#.utf8))
            let report = try self.report(over.outcome)
            #expect(report.errorType == "RuntimeError")
            #expect(report.errorMessage.contains("exceeds Lambda's limit of 6291556 bytes"))
        }
    }

    @Test func traceIdAndDeadlineArePropagated() async throws {
        try await self.withProbe(timeout: 2) { function, _ in
            let trace = "Root=1-67891233-abcdef012345678912345678;Parent=0123456789abcdef;Sampled=1"
            let probe = try self.decode(
                try await function.invoke(Data(#"{"action":"echo"}"#.utf8), traceId: trace).outcome
            )
            let echo = try probe.echo
            #expect(echo.traceId == trace)
            #expect(echo.traceEnvironment == trace)
            #expect(echo.remainingMs > 1000 && echo.remainingMs <= 2000)
        }
    }

    @Test func clientContextAndCognitoIdentityAreParsed() async throws {
        try await self.withProbe { function, _ in
            let result = try await function.invoke(
                Data(#"{"action":"echo"}"#.utf8),
                clientContext:
                    #"{"client":{"app_title":"Gavel iOS","installation_id":"i-1"},"custom":{"tier":"gold"},"env":{}}"#,
                cognitoIdentity: #"{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}"#
            )
            let probe = try self.decode(result.outcome)
            let echo = try probe.echo
            #expect(echo.clientContext?.client?.appTitle == "Gavel iOS")
            #expect(echo.clientContext?.custom == ["tier": "gold"])
            #expect(echo.cognitoIdentity?.identityId == "us-east-1:abc")
        }
    }

    @Test func sigtermFlushesLogsAndExitsZero() async throws {
        try await self.withProbe(environment: ["AWS_LAMBDA_LOG_FORMAT": "JSON"]) { function, logPath in
            let logged = try await function.invoke(Data(#"{"action":"log","message":"before shutdown"}"#.utf8))
            #expect(!logged.outcome.isError)
            #expect(await function.terminate() == "exit status 0")
            let log = try String(contentsOfFile: logPath, encoding: .utf8)
            #expect(log.contains("SIGTERM received"))
            let line = try #require(log.split(separator: "\n").first { $0.contains("before shutdown") })
            #expect(line.contains(#""level":"INFO""#))
            #expect(line.contains(#""requestId":"\#(logged.requestId)""#))
            #expect(line.contains(#""traceId":"Root=1-"#))
        }
    }

    @Test func pingAnswersWithTheMessageAndRequestIdOnly() async throws {
        try await self.withProbe { function, _ in
            let result = try await function.invoke(Data(#"{"action":"ping","message":"hi"}"#.utf8))
            // JSONEncoder's key order is not fixed (it differs between builds), so compare fields.
            guard case .response(let body) = result.outcome else { throw MissingPrerequisite("expected a response") }
            #expect(
                try JSONDecoder().decode([String: String].self, from: body) == [
                    "message": "hi", "requestId": result.requestId,
                ]
            )
        }
    }

    @Test func aThousandInvocationsInOneProcessKeepMemoryStable() async throws {
        try await self.withProbe { function, _ in
            let event = Data(#"{"action":"echo","message":"steady"}"#.utf8)
            for _ in 0..<100 { #expect(try await !function.invoke(event).outcome.isError) }
            let pid = try #require(await function.pid)
            let early = try ProcessMemory.residentKB(pid: pid)
            for _ in 0..<900 { #expect(try await !function.invoke(event).outcome.isError) }
            let late = try ProcessMemory.residentKB(pid: pid)
            #expect(await function.pid == pid)
            #expect(late - early < 1024, "RSS grew from \(early) KB to \(late) KB over 900 invocations")
        }
    }
}
