package import GavelCore

/// The bid-export function's settings.
///
/// Environment:
/// - `BIDS_HISTORY_TABLE` (string, required): the bids_history table.
/// - `USER_POOL_ID` (string, required): the Cognito user pool whose tokens are accepted.
/// - `USER_POOL_CLIENT_ID` (string, required): the app client a token must be issued to (`aud` or `client_id`).
/// - `AWS_REGION` (string, set by Lambda): the pool's region, part of the issuer.
package struct BidExportConfiguration: Sendable, Equatable {
    package var table: String
    package var userPoolId: String
    package var clientId: String
    package var region: String

    /// - Throws: `ValidationError` naming the variable that is missing.
    package init(environment: [String: String]) throws(ValidationError) {
        self.table = try environment.required("BIDS_HISTORY_TABLE")
        self.userPoolId = try environment.required("USER_POOL_ID")
        self.clientId = try environment.required("USER_POOL_CLIENT_ID")
        self.region = environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
    }

    /// The `iss` of the pool's tokens, as the HTTP API's authorizer is configured with it.
    package var issuer: String { "https://cognito-idp.\(self.region).amazonaws.com/\(self.userPoolId)" }
}
