import APIGatewayEvents
package import FoundationEssentials
package import GavelLocal
import HTTPTypes
package import Hummingbird
package import Identity
import LambdaRuntime
import NIOCore

/// The HTTP API on loopback, as API Gateway runs it for the template: CORS preflights answered from the
/// API's `CorsConfiguration`, the JWT authorizer on every route that has it, each request turned into a
/// payload-2.0 event for the route's function, and the function's answer turned back into HTTP.
///
/// Not emulated: the API's throttling (`DefaultRouteSettings`), custom domains, stages other than `$default`.
package struct LocalAPIGateway: Sendable {
    package var routes: [HTTPRoute]
    package var cors: LocalStack.HTTPAPI.CORS?
    package var authorizer: JWTAuthorizer?
    /// Invokes a function by name with an event, returning the outcome.
    package var invoke: @Sendable (String, Data) async throws -> InvocationOutcome

    package init(
        routes: [HTTPRoute],
        cors: LocalStack.HTTPAPI.CORS?,
        authorizer: JWTAuthorizer?,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) {
        self.routes = routes
        self.cors = cors
        self.authorizer = authorizer
        self.invoke = invoke
    }

    /// Answers one request.
    package func respond(to request: Request) async throws -> Response {
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        let origin = request.headers[.origin]
        let method = request.method.rawValue
        if let cors, cors.isPreflight(request) { return cors.preflight(origin: origin) }
        let answer = await self.answer(request: request, method: method, headers: headers)
        var fields = HTTPFields(answer.headers)
        self.cors?.allow(origin, in: &fields)
        fields[HTTPField.Name("apigw-requestid")!] = RandomIdentifier.hex((0..<8).map { _ in .random(in: 0...255) })
        return Response(
            status: .init(code: answer.status),
            headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    private func answer(
        request: Request,
        method: String,
        headers: [(name: String, value: String)]
    ) async -> GatewayAnswer {
        let path = request.uri.path
        guard let (route, parameters) = HTTPRoute.best(of: self.routes, method: method, path: path) else {
            return GatewayAnswer(status: 404, message: "Not Found")
        }
        var claims: [String: String]?
        if route.authorized, let authorizer {
            do throws(JWTAuthorizer.Rejection) {
                claims = try await authorizer.claims(
                    authorization: request.headers[.authorization],
                    nowSeconds: WallClock.nowMs() / 1000
                )
            } catch {
                return GatewayAnswer(status: 401, message: "Unauthorized")
            }
        }
        guard let body = try? await request.body.collect(upTo: 10 << 20) else {
            return GatewayAnswer(status: 413, message: "Request Entity Too Large")
        }
        let event = APIGatewayRequest(
            route: route,
            method: method,
            path: path,
            query: request.uri.query ?? "",
            headers: headers,
            body: Array(buffer: body),
            parameters: parameters,
            claims: claims,
            host: request.head.authority ?? "127.0.0.1"
        )
        guard let data = try? JSONEncoder().encode(event), let outcome = try? await self.invoke(route.function, data)
        else {
            return GatewayAnswer(status: 500, message: "Internal Server Error")
        }
        switch outcome {
        case .response(let output): return GatewayAnswer(output: output)
        // No stream: API Gateway takes a function's response whole.
        case .error, .streamed: return GatewayAnswer(status: 500, message: "Internal Server Error")
        }
    }
}
