import FoundationEssentials
import GavelTesting
import LambdaRuntime
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Serialized: every loop sets and clears `_X_AMZN_TRACE_ID` in the one process environment.
@Suite(.serialized) struct RuntimeLoopTests {
    struct Greeting: LambdaHandler {
        struct Event: Decodable { var name: String }
        struct Output: Encodable { var greeting: String }
        struct Refusal: Error, CustomStringConvertible { var description: String }

        func handle(_ event: Event, context: LambdaContext) async throws -> Output {
            if event.name == "nobody" { throw Refusal(description: "no greeting for nobody") }
            return Output(greeting: String(repeating: "hi \(event.name)", count: event.name == "big" ? 1_100_000 : 1))
        }
    }

    private func loop(_ client: InMemoryRuntimeAPIClient) -> RuntimeLoop {
        RuntimeLoop(client: client, function: FunctionEnvironment(environment: [:]), logger: Logger(label: "test"))
    }

    /// Runs the loop until the client's queue is empty. - Returns: the error that ended the loop.
    private func serveAll(_ client: InMemoryRuntimeAPIClient, _ handler: any LambdaByteHandler) async -> RuntimeError? {
        do throws(RuntimeError) {
            try await self.loop(client).run(handler: handler)
            return nil
        } catch {
            return error
        }
    }

    @Test func servesEveryQueuedInvocationThenStopsOnAFatalError() async {
        let client = InMemoryRuntimeAPIClient([
            .test("a", json: #"{"name":"ann"}"#), .test("b", json: #"{"name":"bo"}"#),
        ])
        let ending = await self.serveAll(client, CodableAdapter(Greeting()))
        #expect(ending?.isFatal == true)
        #expect(client.responses["a"].map { String(decoding: $0, as: UTF8.self) } == #"{"greeting":"hi ann"}"#)
        #expect(client.responses["b"].map { String(decoding: $0, as: UTF8.self) } == #"{"greeting":"hi bo"}"#)
    }

    @Test func aThrownErrorIsReportedWithItsTypeAndTheLoopGoesOn() async throws {
        let client = InMemoryRuntimeAPIClient([
            .test("a", json: #"{"name":"nobody"}"#), .test("b", json: #"{"name":"bo"}"#),
        ])
        _ = await self.serveAll(client, CodableAdapter(Greeting()))
        let report = try #require(client.errors["a"])
        #expect(report.errorType == "Refusal")
        #expect(report.errorMessage == "no greeting for nobody")
        #expect(report.stackTrace.isEmpty)
        #expect(client.responses["b"] != nil)
    }

    @Test func anUndecodableEventNamesTheField() async throws {
        let client = InMemoryRuntimeAPIClient([.test("a", json: #"{"name":7}"#)])
        _ = await self.serveAll(client, CodableAdapter(Greeting()))
        let report = try #require(client.errors["a"])
        #expect(report.errorType == "RuntimeError")
        #expect(report.errorMessage.hasPrefix("invalid event: name: expected a string"))
    }

    @Test func aResponseOverTheLimitBecomesAnError() async throws {
        let client = InMemoryRuntimeAPIClient([.test("a", json: #"{"name":"big"}"#)])
        _ = await self.serveAll(client, CodableAdapter(Greeting()))
        #expect(client.responses["a"] == nil)
        let report = try #require(client.errors["a"])
        #expect(report.errorMessage.contains("exceeds Lambda's limit of 6291556 bytes"))
    }

    @Test func aRejectedReportDoesNotStopTheLoop() async {
        let client = InMemoryRuntimeAPIClient([
            .test("a", json: #"{"name":"ann"}"#), .test("b", json: #"{"name":"bo"}"#),
        ])
        client.reportFailure = .rejectedReport(status: 400, path: "/x", body: "unknown id")
        let ending = await self.serveAll(client, CodableAdapter(Greeting()))
        #expect(ending?.isFatal == true)
        #expect(client.queued.isEmpty)  // both were fetched: the 400 did not end the loop
    }

    /// Lambda's answer to a timed-out invocation's late answer: logged, and the next invocation is served.
    @Test func aLateAnswerRefusedWith410DoesNotStopTheLoop() async {
        let client = InMemoryRuntimeAPIClient([
            .test("a", json: #"{"name":"ann"}"#), .test("b", json: #"{"name":"bo"}"#),
        ])
        client.reportFailure = .invocationTimedOut(path: "/2018-06-01/runtime/invocation/a/response")
        let ending = await self.serveAll(client, CodableAdapter(Greeting()))
        #expect(ending?.isFatal == true && "\(ending!)".contains("no more queued"))
        #expect(client.queued.isEmpty)
    }

    @Test func theInvocationIdIsEchoedOnlyWhenSent() async {
        var attempt = Invocation.test("a", json: #"{"name":"ann"}"#)
        attempt.invocationId = "attempt-1"
        var failing = Invocation.test("b", json: #"{"name":"nobody"}"#)
        failing.invocationId = "attempt-2"
        let client = InMemoryRuntimeAPIClient([attempt, failing, .test("c", json: #"{"name":"cy"}"#)])
        _ = await self.serveAll(client, CodableAdapter(Greeting()))
        let expected: [String: String?] = ["a": "attempt-1", "b": "attempt-2", "c": nil as String?]
        #expect(client.echoedInvocationIds == expected)
        #expect(client.echoedInvocationIds.keys.sorted() == ["a", "b", "c"])
    }

    @Test func theTenantIdIsInTheContext() async {
        struct TenantReader: LambdaByteHandler {
            func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
                Array((context.tenantId ?? "none").utf8)
            }
        }
        var invocation = Invocation.test("a", json: "{}")
        invocation.tenantId = "tenant-blue"
        let client = InMemoryRuntimeAPIClient([invocation, .test("b", json: "{}")])
        _ = await self.serveAll(client, TenantReader())
        #expect(
            client.responses.mapValues { String(decoding: $0, as: UTF8.self) } == ["a": "tenant-blue", "b": "none"]
        )
    }

    @Test func aFailingConstructorIsReportedToInitError() async throws {
        let client = InMemoryRuntimeAPIClient()
        let handler = await self.loop(client).initialise { () throws -> any LambdaByteHandler in
            throw Greeting.Refusal(description: "no table name")
        }
        #expect(handler == nil)
        #expect(client.initErrors == [ErrorReport(errorType: "Refusal", errorMessage: "no table name")])
    }

    @Test func theTraceIdIsInTheEnvironmentOnlyDuringTheInvocation() async throws {
        struct TraceReader: LambdaByteHandler {
            func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
                Array((getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) } ?? "none").utf8)
            }
        }
        let client = InMemoryRuntimeAPIClient([.test("a", json: "{}")])
        _ = await self.serveAll(client, TraceReader())
        #expect(client.responses["a"].map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("Root=1-5759e988") == true)
        #expect(getenv("_X_AMZN_TRACE_ID") == nil)
    }

    /// A streaming handler: `"ab|c"` writes `ab` then `c`; `!` fails there; `^` sends an HTTP head first.
    struct Streamer: LambdaStreamingHandler {
        struct Broke: Error, CustomStringConvertible { var description: String }

        func handle(_ event: [UInt8], context: LambdaContext, response: ResponseStream) async throws {
            for piece in String(decoding: event, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
            {
                switch piece {
                case "!": throw Broke(description: "broke after what was sent")
                case "^": try await response.startHTTP(status: 201, headers: ["content-type": "text/csv"])
                default: try await response.write(Array(piece.utf8))
                }
            }
        }
    }

    private func serveStreaming(_ client: InMemoryRuntimeAPIClient) async {
        do throws(RuntimeError) {
            try await self.loop(client).run(.streaming(Streamer()))
        } catch {}
    }

    @Test func aStreamedResponseArrivesInChunksInTheOrderWritten() async throws {
        var invocation = Invocation.test("a", json: "one|two|three")
        invocation.invocationId = "attempt-1"
        let client = InMemoryRuntimeAPIClient([invocation])
        await self.serveStreaming(client)
        let stream = try #require(client.streams["a"])
        #expect(String(decoding: stream.chunks.reduce(Data(), +), as: UTF8.self) == "onetwothree")
        #expect(stream.contentType == ResponseStream.defaultContentType)
        #expect(stream.error == nil)
        #expect(client.echoedInvocationIds["a"] == "attempt-1")
        #expect(client.responses["a"] == nil && client.errors["a"] == nil)
    }

    @Test func anErrorAfterTheFirstByteGoesInTheTrailers() async throws {
        let client = InMemoryRuntimeAPIClient([.test("a", json: "sent|!|never"), .test("b", json: "next")])
        await self.serveStreaming(client)
        let stream = try #require(client.streams["a"])
        #expect(String(decoding: stream.chunks.reduce(Data(), +), as: UTF8.self) == "sent")
        #expect(stream.error == ErrorReport(errorType: "Broke", errorMessage: "broke after what was sent"))
        #expect(client.errors["a"] == nil, "the bytes are out: the error cannot be a plain /error any more")
        #expect(client.streams["b"] != nil, "the loop goes on")
    }

    @Test func anErrorBeforeAnyByteIsAPlainError() async throws {
        let client = InMemoryRuntimeAPIClient([.test("a", json: "!"), .test("b", json: "")])
        await self.serveStreaming(client)
        #expect(client.streams["a"] == nil)
        #expect(client.errors["a"]?.errorType == "Broke")
        // Nothing written at all: a plain, empty response, no stream opened for it.
        #expect(client.streams["b"] == nil && client.responses["b"] == Data())
    }

    @Test func anHTTPHeadPrecedesTheBodyAndMustComeFirst() async throws {
        let client = InMemoryRuntimeAPIClient([.test("a", json: "^|a,b"), .test("b", json: "x|^")])
        await self.serveStreaming(client)
        let stream = try #require(client.streams["a"])
        #expect(stream.contentType == ResponseStream.httpIntegrationContentType)
        let bytes = Array(stream.chunks.reduce(Data(), +))
        let delimiter = try #require(bytes.indices.first { bytes[$0...].starts(with: [UInt8](repeating: 0, count: 8)) })
        let head = try JSONDecoder().decode([String: Value].self, from: Data(bytes[..<delimiter]))
        #expect(head["statusCode"] == .number(201))
        #expect(String(decoding: bytes[(delimiter + 8)...], as: UTF8.self) == "a,b")
        #expect(client.streams["b"]?.error?.errorType == "StreamMisuse", "a head after the body is refused")
    }

    /// A JSON value of the head, enough to compare.
    enum Value: Decodable, Equatable {
        case number(Int), other

        init(from decoder: any Decoder) throws {
            self = (try? decoder.singleValueContainer().decode(Int.self)).map(Value.number) ?? .other
        }
    }
}
