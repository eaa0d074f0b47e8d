import FoundationEssentials
import HTTPTypes
import Hummingbird
import LambdaRuntime
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// A local Lambda Runtime API (2018-06-01) on 127.0.0.1, doing for a bootstrap what Lambda's Runtime
/// Interface Emulator does for `sam local invoke`.
package struct RuntimeAPIServer: Sendable {
    /// Where events come from and outcomes go.
    package let broker: InvocationBroker
    /// Called as each `next` request arrives, before it waits; the runtime benchmark timestamps it.
    private let onNext: @Sendable () -> Void

    /// The trailers of streamed answers, by request path, from the channel to the route.
    private let trailers = TrailerStore()

    package init(broker: InvocationBroker, onNext: @escaping @Sendable () -> Void = {}) {
        self.broker = broker
        self.onNext = onNext
    }

    /// Serves until the calling task is cancelled.
    /// - Parameter onListening: receives the port the server bound (it binds port 0).
    package func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        var logger = Logger(label: "gavel-local.runtime-api")
        logger.logLevel = .critical  // cancelling the server at the end of a run is not an error
        let trailers = self.trailers
        let app = Application(
            router: self.router(),
            // Hummingbird's request body drops HTTP/1.1 trailers; a streamed response's error is in them.
            server: .http1(configuration: .init(additionalChannelHandlers: [TrailerCapture(store: trailers)])),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "gavel-local"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.run()
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        let broker = self.broker
        let onNext = self.onNext
        router.get("/\(RuntimeAPI.version)/runtime/invocation/next") { _, _ -> Response in
            onNext()
            guard let request = await broker.next() else {
                return Self.json(
                    .gone,
                    ["errorType": "Runtime.Stale", "errorMessage": "the process that asked has exited"]
                )
            }
            var headers = HTTPFields()
            headers[Self.field(RuntimeAPI.Header.requestId)] = request.requestId
            headers[Self.field(RuntimeAPI.Header.invocationId)] = request.invocationId
            headers[Self.field(RuntimeAPI.Header.tenantId)] = request.tenantId
            headers[Self.field(RuntimeAPI.Header.deadline)] = String(request.deadlineMs)
            headers[Self.field(RuntimeAPI.Header.functionArn)] = request.invokedFunctionArn
            headers[Self.field(RuntimeAPI.Header.traceId)] = request.traceId
            headers[Self.field(RuntimeAPI.Header.clientContext)] = request.clientContext
            headers[Self.field(RuntimeAPI.Header.cognitoIdentity)] = request.cognitoIdentity
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: request.event)))
        }
        let trailers = self.trailers
        router.post("/\(RuntimeAPI.version)/runtime/invocation/:requestId/response") { request, context -> Response in
            let requestId = try context.parameters.require("requestId")
            if request.headers[Self.field(RuntimeAPI.Header.responseMode)] == "streaming" {
                return try await Self.streamed(request, requestId: requestId, broker: broker, trailers: trailers)
            }
            let body = try await Self.body(of: request)
            guard body.count <= RuntimeAPI.maxResponseBytes else {
                let report = ErrorReport(
                    errorType: "Function.ResponseSizeTooLarge",
                    errorMessage:
                        "Response payload size (\(body.count) bytes) exceeded maximum allowed payload size (\(RuntimeAPI.maxResponseBytes) bytes)."
                )
                // The attempt's own oversized answer ends it with Lambda's 413; any other is refused as usual.
                let answer = await broker.finish(requestId, invocationId: Self.echo(request), with: .error(report))
                guard answer == .accepted else { return Self.reply(to: answer, requestId: requestId) }
                return Self.json(
                    .contentTooLarge,
                    ["errorType": report.errorType, "errorMessage": report.errorMessage]
                )
            }
            let answer = await broker.finish(requestId, invocationId: Self.echo(request), with: .response(body))
            return Self.reply(to: answer, requestId: requestId)
        }
        router.post("/\(RuntimeAPI.version)/runtime/invocation/:requestId/error") { request, context -> Response in
            let requestId = try context.parameters.require("requestId")
            let report = Self.errorReport(from: try await Self.body(of: request), headers: request.headers)
            let answer = await broker.finish(requestId, invocationId: Self.echo(request), with: .error(report))
            return Self.reply(to: answer, requestId: requestId)
        }
        router.post("/\(RuntimeAPI.version)/runtime/init/error") { request, _ -> Response in
            await broker.recordInitError(
                Self.errorReport(from: try await Self.body(of: request), headers: request.headers)
            )
            return Self.json(.accepted, ["status": "OK"])
        }
        return router
    }

    /// A streamed answer: handed on chunk by chunk to a caller that reads streams, else collected and given
    /// whole. A mid-stream error comes in the trailers (`Lambda-Runtime-Function-Error-Type`, and `-Body` as
    /// base64 of the error JSON) and ends the invocation as that error; a stream cut off without its last
    /// chunk ends it as `Runtime.StreamTruncated`.
    private static func streamed(
        _ request: Request,
        requestId: String,
        broker: InvocationBroker,
        trailers: TrailerStore
    ) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ResponseStream.defaultContentType
        let target = await broker.beginStream(requestId, invocationId: Self.echo(request), contentType: contentType)
        if case .refused(let answer) = target { return Self.reply(to: answer, requestId: requestId) }
        let stream: LocalResponseStream? = if case .stream(let stream) = target { stream } else { nil }
        var collected = Data()
        var cutOff = false
        do {
            for try await buffer in request.body {
                let bytes = Data(buffer.readableBytesView)
                if let stream { stream.yield(bytes) } else { collected.append(bytes) }
            }
        } catch {
            cutOff = true
        }
        let fields = trailers.take(request.uri.path)
        var failure = fields.flatMap(Self.streamError(trailers:))
        if cutOff, failure == nil {
            failure = ErrorReport(
                errorType: "Runtime.StreamTruncated",
                errorMessage: "the stream ended before its last chunk"
            )
        }
        if let stream {
            stream.finish(error: failure)
        } else {
            await broker.finish(
                requestId,
                invocationId: Self.echo(request),
                with: failure.map { .error($0) } ?? .response(collected)
            )
        }
        return Self.json(.accepted, ["status": "OK"])
    }

    /// The error a stream's trailers report, if they report one.
    static func streamError(trailers: HTTPFields) -> ErrorReport? {
        guard let type = trailers[Self.field(RuntimeAPI.Header.functionErrorType)] else { return nil }
        let body = trailers[Self.field(RuntimeAPI.Header.functionErrorBody)].flatMap { Data(base64Encoded: $0) }
        if let body, let report = try? JSONDecoder().decode(ErrorReport.self, from: body) { return report }
        return ErrorReport(errorType: type, errorMessage: body.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    /// The invocation id an answer carried.
    private static func echo(_ request: Request) -> String? {
        request.headers[self.field(RuntimeAPI.Header.invocationId)]
    }

    /// Lambda's answers: 202, 400 for an unknown request or another attempt's answer, 410 after a timeout.
    private static func reply(to answer: InvocationBroker.Answer, requestId: String) -> Response {
        switch answer {
        case .accepted:
            return self.json(.accepted, ["status": "OK"])
        case .unknown:
            return self.json(
                .badRequest,
                ["errorType": "InvalidRequestID", "errorMessage": "no pending invocation \(requestId)"]
            )
        case .timedOut:
            return self.json(
                .gone,
                ["errorType": "ErrorRuntimeInvokeTimeout", "errorMessage": "invocation \(requestId) timed out"]
            )
        case .wrongInvocation(let echoed):
            return self.json(
                .badRequest,
                [
                    "errorType": "InvalidInvocationID",
                    "errorMessage": echoed.map { "\($0) is not the current attempt of \(requestId)" }
                        ?? "the answer to \(requestId) lacks the \(RuntimeAPI.Header.invocationId) it was sent",
                ]
            )
        }
    }

    /// A report as the runtime sent it; a body that is not a report is kept as the message, as Lambda does.
    private static func errorReport(from body: Data, headers: HTTPFields) -> ErrorReport {
        if let report = try? JSONDecoder().decode(ErrorReport.self, from: body) { return report }
        let type = headers[self.field(RuntimeAPI.Header.functionErrorType)] ?? "Runtime.Unknown"
        return ErrorReport(errorType: type, errorMessage: String(decoding: body, as: UTF8.self))
    }

    private static func body(of request: Request) async throws -> Data {
        var request = request
        // Larger than Lambda's limit, so an oversized response is refused with a clear 413 rather than cut off.
        let buffer = try await request.collectBody(upTo: 4 * RuntimeAPI.maxResponseBytes)
        return Data(buffer.readableBytesView)
    }

    private static func json(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        let body = (try? JSONEncoder().encode(fields)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    private static func field(_ name: String) -> HTTPField.Name {
        HTTPField.Name(name)!
    }
}

/// Trailers of requests, by path, from `TrailerCapture` (on the channel) to the route that reads the body.
final class TrailerStore: Sendable {
    private let byPath = Mutex<[String: HTTPFields]>([:])

    func put(_ fields: HTTPFields, path: String) {
        self.byPath.withLock { $0[path] = fields }
    }

    func take(_ path: String) -> HTTPFields? {
        self.byPath.withLock { $0.removeValue(forKey: path) }
    }
}

/// Keeps a request's trailers before Hummingbird drops them. It stores them before passing the request's end
/// on, so the route, which sees the body end only after that, always finds them.
final class TrailerCapture: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let store: TrailerStore
    private var path = ""

    init(store: TrailerStore) {
        self.store = store
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            // The path alone, as the route sees it in `request.uri.path`.
            self.path = String((head.path ?? "").prefix { $0 != "?" })
        case .end(let fields?) where !fields.isEmpty:
            self.store.put(fields, path: self.path)
        default:
            break
        }
        context.fireChannelRead(data)
    }
}
