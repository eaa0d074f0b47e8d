package import APIGatewayEvents
package import AWS
package import CognitoEvents
package import GavelCore
import JSON
package import LambdaRuntime
package import Logging
import Sniper

/// The api function's two event sources: HTTP API requests (`APIHandler`), and the user pool's
/// post-confirmation trigger, which gives every confirmed user a Users row with their verified address from
/// sign-up on (so a storefront-only shopper's order confirmation has somewhere to go).
///
/// An event is read as an HTTP API request first (it always has `rawPath` and `requestContext`), and only
/// when it is not one as a trigger: the requests, nearly every invocation, are decoded once as before.
package struct APIFunction: FunctionByteHandler {
    package let api: APIHandler

    package init(_ api: APIHandler) { self.api = api }

    package func serve(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let request: APIGatewayRequest
        do {
            request = try JSONCoder.decode(APIGatewayRequest.self, from: event)
        } catch let notRequest {
            guard let trigger = try? JSONCoder.decode(CognitoTriggerEvent.self, from: event) else {
                throw RuntimeError.invalidEvent(notRequest)
            }
            try await self.api.confirmSignUp(trigger, logger: context.logger)
            return event  // Cognito expects its event back
        }
        let response = await self.api.serve(request, context: context)
        return try JSONCoder.encode(response)
    }
}

extension APIHandler {
    /// Writes the confirmed user's row: the address only when Cognito says it is verified.
    package func confirmSignUp(_ trigger: CognitoTriggerEvent, logger: Logger) async throws {
        let attributes = trigger.request.userAttributes
        guard let userId = attributes["sub"], !userId.isEmpty, userId.utf8.count <= 128 else {
            throw RuntimeError.invalidEvent(ValidationError(field: "request.userAttributes.sub", "is required"))
        }
        let email = attributes["email_verified"] == "true" ? attributes["email"] : nil
        _ = try await self.users.recordSignUp(userId, email: email, at: WallClock.nowMs())
        logger.info(
            "user signed up",
            metadata: ["trigger": "\(trigger.triggerSource)", "verifiedEmail": "\(email != nil)"]
        )
    }
}
