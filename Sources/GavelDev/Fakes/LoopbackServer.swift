import GavelLocal
package import Hummingbird
import Logging
import NIOCore

/// A small HTTP server on 127.0.0.1, for tests that need a real peer: it binds `port` (0: any free one) and answers every
/// request with the given closure.
package enum LoopbackServer {
    /// Runs `body` with the port of a server answering with `respond`; stops the server afterwards.
    package static func with<Output: Sendable>(
        port: Int = 0,
        _ respond: @escaping @Sendable (Request) async throws -> Response,
        _ body: (Int) async throws -> Output
    ) async throws -> Output {
        var logger = Logger(label: "loopback")
        logger.logLevel = .critical
        let ports = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await respond(request) },
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.stream.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                throw LocalError.serverFailed("the loopback server bound no port")
            }
            defer { group.cancelAll() }
            return try await body(port)
        }
    }

    /// An answer that never arrives whole: a length promised and never sent, so the server closes the
    /// connection mid-answer and the client sees a broken transfer (a lost reply).
    package static func droppedReply() -> Response {
        Response(
            status: .ok,
            headers: [.contentLength: "64"],
            body: ResponseBody(contentLength: 64) { _ in throw CancellationError() }
        )
    }

    /// A response with `status` and a text body.
    package static func text(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
