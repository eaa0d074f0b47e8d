import FoundationEssentials
import GavelDev
import GavelLocal
import GavelTesting
import HTTPTypes
import Hummingbird
import LambdaRuntime
import NIOCore
import Synchronization
import Testing

/// The runtime's side of Lambda's 2026 contract, with a built bootstrap against a minimal Runtime API
/// written here (not gavel-local's, so the two cannot share a misreading): invocation ids echoed only when
/// sent, a 410 for a timed-out invocation's late answer survived, tenant ids in the context and the log, the
/// X-Ray error cause on `/error`, and a `next` with an unreadable deadline served anyway.
@Suite struct RuntimeContractTests {
    /// One canned `next` answer, and the status its answer gets.
    struct Canned: Sendable {
        var requestId: String
        var headers: [String: String]
        var event: String
        var answerStatus: HTTPResponse.Status = .accepted
    }

    /// What the bootstrap posted.
    struct Posted: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    final class Script: Sendable {
        let state: Mutex<(queue: [Canned], statuses: [String: HTTPResponse.Status], posted: [Posted])>
        init(_ queue: [Canned]) { self.state = Mutex((queue, [:], [])) }
        var posted: [Posted] { self.state.withLock { $0.posted } }

        func respond(_ request: Request) async throws -> Response {
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 22))
            let path = request.uri.path
            if request.method == .get, path.hasSuffix("/invocation/next") {
                // Out of events: a 500, after which the runtime must exit.
                guard let next = self.state.withLock({ $0.queue.isEmpty ? nil : $0.queue.removeFirst() }) else {
                    return LoopbackServer.text(.internalServerError, "script finished")
                }
                self.state.withLock { $0.statuses[next.requestId] = next.answerStatus }
                var headers = HTTPFields()
                headers[HTTPField.Name(RuntimeAPI.Header.requestId)!] = next.requestId
                for (name, value) in next.headers { headers[HTTPField.Name(name)!] = value }
                return LoopbackServer.text(.ok, next.event, headers: headers)
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let requestId = path.split(separator: "/").dropLast().last.map(String.init) ?? ""
            return self.state.withLock { state in
                state.posted.append(Posted(path: path, headers: headers, body: body))
                return LoopbackServer.text(state.statuses[requestId] ?? .badRequest, #"{"status":"OK"}"#)
            }
        }
    }

    private static let deadline = RuntimeAPI.Header.deadline.lowercased()
    private static let attempt = RuntimeAPI.Header.invocationId.lowercased()

    @Test func theBootstrapKeepsTheContractWithAMinimalRuntimeAPI() async throws {
        let later = String(WallClock.nowMs() + 60_000)
        let script = Script([
            // Answered 410, as Lambda answers the late answer of a timed-out invocation: the loop goes on.
            Canned(
                requestId: "r-late",
                headers: [Self.deadline: later, Self.attempt: "attempt-7", RuntimeAPI.Header.tenantId: "tenant-blue"],
                event: #"{"action":"log","message":"hello tenant"}"#,
                answerStatus: .gone
            ),
            // No invocation id sent, so none is echoed; the error carries the X-Ray cause.
            Canned(
                requestId: "r-fail",
                headers: [Self.deadline: later],
                event: #"{"action":"fail","message":"bad é"}"#
            ),
            // An unreadable deadline is replaced and said, not a crash.
            Canned(requestId: "r-soon", headers: [Self.deadline: "soon"], event: #"{"action":"echo","message":"ok"}"#),
        ])
        let directory = try TestPaths.temporaryDirectory("contract")
        let status = try await LoopbackServer.with({ try await script.respond($0) }) { port in
            let process = try ChildProcess(
                executable: try TestPaths.bootstrap("runtime-probe"),
                environment: [
                    "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(port)", "AWS_LAMBDA_LOG_FORMAT": "JSON",
                    "AWS_LAMBDA_FUNCTION_NAME": "runtime-probe", "PATH": "/usr/bin:/bin",
                ],
                output: .separate(output: directory + "/stdout.log", error: directory + "/stderr.log")
            )
            return await process.waitForExit()
        }
        let posted = script.posted
        let answered = posted.map { $0.path.split(separator: "/").suffix(2).joined(separator: "/") }
        #expect(answered == ["r-late/response", "r-fail/error", "r-soon/response"])
        #expect(status == "exit status 1", "the runtime exits 1 after the Runtime API's 500: \(status)")

        let late = try #require(posted.first)
        #expect(late.headers[RuntimeAPI.Header.invocationId.lowercased()] == "attempt-7")
        #expect(late.body.contains(#""tenantId":"tenant-blue""#), "\(late.body)")

        let failed = try #require(posted.dropFirst().first)
        #expect(failed.headers[RuntimeAPI.Header.invocationId.lowercased()] == nil)
        #expect(failed.headers[RuntimeAPI.Header.functionErrorType.lowercased()] == "ProbeFailure")
        let cause = try #require(failed.headers[RuntimeAPI.Header.xrayErrorCause.lowercased()])
        #expect(cause.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "one line of ASCII: \(cause)")
        struct Cause: Decodable {
            struct Exception: Decodable {
                var type: String
                var message: String
            }
            var working_directory: String
            var exceptions: [Exception]
        }
        let decoded = try JSONDecoder().decode(Cause.self, from: Data(cause.utf8))
        #expect(decoded.exceptions.first?.type == "ProbeFailure" && decoded.exceptions.first?.message == "bad é")
        #expect(!decoded.working_directory.isEmpty)

        let log = try String(contentsOfFile: directory + "/stdout.log", encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.contains("hello tenant") && $0.contains(#""tenantId":"tenant-blue""#) }, "\(log)")
        #expect(lines.contains { $0.contains("refused its late answer") && $0.contains("r-late") }, "\(log)")
        #expect(lines.contains { $0.contains(#""level":"WARN""#) && $0.contains(RuntimeAPI.Header.deadline) })
    }

    /// Response streaming on the wire: `/response` in chunks with the streaming mode header and the announced
    /// trailers, each write its own chunk as it happens, a mid-stream error in the trailers (base64 JSON), and
    /// an error before the first byte a plain `/error`.
    @Test func theStreamingBootstrapSendsChunksAndTrailersToARawRuntimeAPI() async throws {
        let later = String(WallClock.nowMs() + 60_000)
        let server = try RawRuntimeAPI([
            ("r-http", [Self.deadline: later, Self.attempt: "attempt-3"], #"{"count":2,"httpStatus":201}"#),
            ("r-paced", [Self.deadline: later], #"{"count":3,"ms":250}"#),
            ("r-midway", [Self.deadline: later], #"{"count":3,"failAfter":2}"#),
            ("r-early", [Self.deadline: later], #"{"failAfter":0}"#),
        ])
        defer { server.close() }
        let directory = try TestPaths.temporaryDirectory("contract-stream")
        let process = try ChildProcess(
            executable: try TestPaths.bootstrap("runtime-probe"),
            environment: [
                "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(server.port)", "AWS_LAMBDA_FUNCTION_NAME": "runtime-probe",
                "_HANDLER": "stream", "PATH": "/usr/bin:/bin",
            ],
            output: .separate(output: directory + "/stdout.log", error: directory + "/stderr.log")
        )
        let status = await process.waitForExit()
        #expect(status == "exit status 1", "the runtime exits 1 after the Runtime API's 500: \(status)")
        let answers = server.answers
        #expect(
            answers.map { $0.path.split(separator: "/").suffix(2).joined(separator: "/") } == [
                "r-http/response", "r-paced/response", "r-midway/response", "r-early/error",
            ]
        )
        guard answers.count == 4 else { return }
        let (http, paced, midway, early) = (answers[0], answers[1], answers[2], answers[3])
        for streamed in [http, paced, midway] {
            #expect(streamed.headers["transfer-encoding"] == "chunked")
            #expect(streamed.headers[RuntimeAPI.Header.responseMode.lowercased()] == "streaming")
            #expect(
                streamed.headers["trailer"]
                    == "\(RuntimeAPI.Header.functionErrorType), \(RuntimeAPI.Header.functionErrorBody)"
            )
        }
        #expect(http.headers[Self.attempt] == "attempt-3" && paced.headers[Self.attempt] == nil)

        // The HTTP head, eight NULs, then the body.
        #expect(http.headers["content-type"] == ResponseStream.httpIntegrationContentType)
        let body = http.body
        let delimiter = try #require(body.indices.first { body[$0...].starts(with: [UInt8](repeating: 0, count: 8)) })
        #expect(String(decoding: body[..<delimiter], as: UTF8.self).contains(#""statusCode":201"#))
        #expect(String(decoding: body[(delimiter + 8)...], as: UTF8.self) == "line 0 of r-http\nline 1 of r-http\n")
        #expect(http.trailers.isEmpty, "a clean end sends no error trailers: \(http.trailers)")

        // Written 250 ms apart, sent as written: three chunks over at least 400 ms.
        #expect(paced.headers["content-type"] == ResponseStream.defaultContentType)
        #expect(paced.chunks.count == 3, "one chunk per write: \(paced.chunks.map(\.count))")
        let spread = (paced.chunkTimesMs.last ?? 0) - (paced.chunkTimesMs.first ?? 0)
        #expect(spread >= 400, "chunks arrived \(paced.chunkTimesMs) ms after start")

        // Two lines out, then the failure: in the trailers, the body base64 of the error JSON.
        #expect(String(decoding: midway.body, as: UTF8.self) == "line 0 of r-midway\nline 1 of r-midway\n")
        #expect(midway.trailers[RuntimeAPI.Header.functionErrorType.lowercased()] == "ProbeFailure")
        let encoded = try #require(midway.trailers[RuntimeAPI.Header.functionErrorBody.lowercased()])
        let report = try JSONDecoder().decode(ErrorReport.self, from: try #require(Data(base64Encoded: encoded)))
        #expect(report == ErrorReport(errorType: "ProbeFailure", errorMessage: "failed after 2 lines"))

        // Nothing streamed yet: an ordinary error report.
        #expect(early.headers[RuntimeAPI.Header.functionErrorType.lowercased()] == "ProbeFailure")
        #expect(String(decoding: early.body, as: UTF8.self).contains("failed after 0 lines"))
    }
}
