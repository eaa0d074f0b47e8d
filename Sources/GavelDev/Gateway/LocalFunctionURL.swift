import APIGatewayEvents
package import FoundationEssentials
package import GavelLocal
import HTTPTypes
package import Hummingbird
import LambdaRuntime
import NIOCore

/// A function's Function URL on loopback, as Lambda serves it: every method and path goes to the function as
/// a payload-2.0 event (no authorizer: `AuthType: NONE`), CORS from the URL's `Cors`, and the answer read as
/// payload 2.0 (`BUFFERED`) or passed on as the function streams it (`RESPONSE_STREAM`): the HTTP head from
/// the stream's prelude, then each chunk as it arrives.
///
/// A mid-stream error cannot change a status already sent: the body is cut off (the chunked response ends
/// without its last chunk), so a client sees a failed transfer, not a short body that looks whole.
/// Not emulated: `AWS_IAM` auth, the 2 MB/s bandwidth cap after the first 6 MB, the streamed size limit.
package struct LocalFunctionURL: Sendable {
    package var function: String
    package var url: LocalStack.FunctionURL
    /// Invokes the function with an event; the flag asks for a streamed answer.
    package var invoke: @Sendable (Data, Bool) async throws -> InvocationOutcome

    package init(
        function: String,
        url: LocalStack.FunctionURL,
        invoke: @escaping @Sendable (Data, Bool) async throws -> InvocationOutcome
    ) {
        self.function = function
        self.url = url
        self.invoke = invoke
    }

    /// Answers one request.
    package func respond(to request: Request) async throws -> Response {
        let origin = request.headers[.origin]
        if let cors = self.url.cors, cors.isPreflight(request) { return cors.preflight(origin: origin) }
        guard let body = try? await request.body.collect(upTo: 6 << 20) else {
            return self.response(GatewayAnswer(status: 413, message: "Request Entity Too Large"), origin: origin)
        }
        var event = APIGatewayRequest(
            route: HTTPRoute(function: self.function, method: "ANY", path: "/{proxy+}", authorized: false),
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query ?? "",
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
            body: Array(buffer: body),
            parameters: [:],
            claims: nil,
            host: request.head.authority ?? "127.0.0.1"
        )
        // What a Function URL event says where an HTTP API's says its route.
        event.routeKey = "$default"
        event.requestContext.routeKey = "$default"
        event.requestContext.apiId = "local-url-\(self.function)"
        guard let data = try? JSONEncoder().encode(event), let outcome = try? await self.invoke(data, self.url.streams)
        else {
            return self.response(GatewayAnswer(status: 502, message: "Internal Server Error"), origin: origin)
        }
        switch outcome {
        case .response(let output): return self.response(GatewayAnswer(output: output), origin: origin)
        case .error: return self.response(GatewayAnswer(status: 502, message: "Internal Server Error"), origin: origin)
        case .streamed(let stream): return await self.streamed(stream, origin: origin)
        }
    }

    private func response(_ answer: GatewayAnswer, origin: String?) -> Response {
        var fields = HTTPFields(answer.headers)
        self.url.cors?.allow(origin, in: &fields)
        return Response(
            status: .init(code: answer.status),
            headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    /// A streamed answer: its HTTP head read from the prelude (for the HTTP integration content type), then
    /// the rest of the stream as the body, chunk by chunk.
    private func streamed(_ stream: LocalResponseStream, origin: String?) async -> Response {
        var parts = stream.parts.makeAsyncIterator()
        var head = StreamHead(status: 200, headers: [("content-type", stream.contentType)])
        var early: [UInt8] = []
        if stream.contentType == ResponseStream.httpIntegrationContentType {
            var prelude: [UInt8] = []
            readHead: while let part = await parts.next() {
                switch part {
                case .bytes(let bytes):
                    prelude += bytes
                    guard let end = StreamHead.delimiter(in: prelude) else { continue }
                    guard let parsed = StreamHead(json: prelude[..<end]) else { break readHead }
                    head = parsed
                    early = Array(prelude[(end + 8)...])
                    prelude = []
                    break readHead
                case .error:
                    // Failed before its head: Lambda answers as for any failed invocation.
                    return self.response(GatewayAnswer(status: 502, message: "Internal Server Error"), origin: origin)
                }
            }
            if !prelude.isEmpty {
                return self.response(GatewayAnswer(status: 502, message: "Internal Server Error"), origin: origin)
            }
        }
        var fields = HTTPFields(head.headers)
        self.url.cors?.allow(origin, in: &fields)
        let (remaining, first) = (StreamParts(iterator: parts), early)
        let function = self.function
        return Response(
            status: .init(code: head.status),
            headers: fields,
            body: ResponseBody { writer in
                if !first.isEmpty { try await writer.write(ByteBuffer(bytes: first)) }
                var parts = remaining.iterator
                while let part = await parts.next() {
                    switch part {
                    case .bytes(let bytes): try await writer.write(ByteBuffer(bytes: bytes))
                    case .error(let report):
                        LocalBackend.log(
                            "\(function): the stream failed mid-way: \(report.errorType): \(report.errorMessage)"
                        )
                        throw StreamCutOff()
                    }
                }
                try await writer.finish(nil)
            }
        )
    }

    /// Thrown into Hummingbird's body writer so the connection closes without the last chunk.
    private struct StreamCutOff: Error {}

    /// The iterator handed to the body writer (a stream is read once, by one task at a time).
    private struct StreamParts: @unchecked Sendable {
        var iterator: AsyncStream<LocalResponseStream.Part>.AsyncIterator
    }
}

/// The HTTP head at the start of an HTTP-integration stream: JSON, then eight NUL bytes.
private struct StreamHead {
    var status: Int
    var headers: [(name: String, value: String)]

    init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }

    init?(json: ArraySlice<UInt8>) {
        struct Prelude: Decodable {
            var statusCode: Int?
            var headers: [String: String]?
            var cookies: [String]?
        }
        guard let prelude = try? JSONDecoder().decode(Prelude.self, from: Data(json)) else { return nil }
        self.status = prelude.statusCode ?? 200
        self.headers =
            (prelude.headers ?? [:]).map { (name: $0.key, value: $0.value) }
            + (prelude.cookies ?? []).map { ("set-cookie", $0) }
    }

    /// Where the eight NUL bytes start, if they have arrived.
    static func delimiter(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 8 else { return nil }
        var zeros = 0
        for (index, byte) in bytes.enumerated() {
            zeros = byte == 0 ? zeros + 1 : 0
            if zeros == 8 { return index - 7 }
        }
        return nil
    }
}
