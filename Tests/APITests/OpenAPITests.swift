import API
import APIGatewayEvents
import AWS
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Sniper
import Testing
import Yams

/// docs/openapi.yaml against what the api function serves: the same routes, the same sign-in rule.
@Suite struct OpenAPITests {
    struct Route: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var signedIn: Bool
        var forVendors = false
        var description: String { "\(self.method) \(self.path)\(self.signedIn ? "" : " (no sign-in)")" }
    }

    static func documented() throws -> Set<Route> {
        let text = try String(contentsOfFile: TestPaths.root + "/docs/openapi.yaml", encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var routes: Set<Route> = []
        for (path, operations) in paths {
            for (method, operation) in operations where ["get", "put", "post", "patch", "delete"].contains(method) {
                let security = (operation as? [String: Any])?["security"] as? [Any]
                routes.insert(
                    Route(
                        method: method.uppercased(),
                        path: path,
                        signedIn: security?.isEmpty != true,
                        forVendors: (operation as? [String: Any])?["x-gavel-role"] as? String == "vendor"
                    )
                )
            }
        }
        return routes
    }

    @Test func everyDocumentedRouteIsServedAndEveryServedRouteDocumented() throws {
        let served = Set(
            APIRoute.table.map {
                Route(
                    method: $0.method,
                    path: $0.path,
                    signedIn: $0.access != .everyone,
                    forVendors: $0.access == .vendor
                )
            }
        )
        let documented = try Self.documented()
        #expect(documented.subtracting(served).isEmpty, "documented, not served: \(documented.subtracting(served))")
        #expect(served.subtracting(documented).isEmpty, "served, not documented: \(served.subtracting(documented))")
    }

    @Test func theHandlerAnswersEachDocumentedRouteAsDocumented() async throws {
        // No AWS call happens before the sign-in and group checks, so a handler with placeholder settings will
        // do; the public routes that read AWS are exercised against moto by their own tests.
        let environment = [
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
            "USERS_TABLE": "Users", "BIDS_TABLE": "Bids", "BID_HISTORY_TABLE": "BidHistory",
            "NOTIFICATION_QUEUE_URL": "http://127.0.0.1:1/q.fifo", "SCHEDULE_GROUP": "g", "BID_EXECUTOR_ARN": "arn",
            "SCHEDULER_ROLE_ARN": "arn", "KMS_KEY_ID": "k", "EBAY_SECRET_ID": "s",
        ].merging(SniperFixture.storefrontPlaceholders) { $1 }
        let handler = try APIHandler(environment: environment, aws: AWSClients(environment: environment))
        let context = TestContext.make(function: "api")
        for route in try Self.documented() where route.signedIn || route.path == "/health" {
            let path =
                "/"
                + route.path.split(separator: "/").map { $0.hasPrefix("{") ? "prd_0123456789abcdef" : $0 }.joined(
                    separator: "/"
                )
            let anonymous = APIGatewayRequest(method: route.method, path: path, body: "{}", claims: nil)
            let response = try await handler.handle(anonymous, context: context)
            #expect(
                response.statusCode == (route.signedIn ? 401 : 200),
                "\(route) → \(response.statusCode) \(response.body)"
            )
            guard route.forVendors else { continue }
            let customer = APIGatewayRequest(
                method: route.method,
                path: path,
                body: "{}",
                claims: ["sub": "u-ada", "cognito:groups": "[customer]"]
            )
            let refused = try await handler.handle(customer, context: context)
            #expect(refused.statusCode == 403, "\(route) as a customer → \(refused.statusCode) \(refused.body)")
        }
    }
}
