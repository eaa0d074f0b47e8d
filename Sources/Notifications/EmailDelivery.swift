package import AWS
import FoundationEssentials
import GavelCore

/// Sends one rendered email through the configured provider: Postmark (seed 000) or SES v2 (seed 002).
package enum EmailDelivery: Sendable {
    /// Postmark, with the server token read from Secrets Manager (cached; `{"serverToken": "…"}` or the bare token).
    case postmark(Postmark, secrets: SecretsManager, tokenSecretId: String)
    case ses(SESv2)

    /// Why a send failed, and whether trying again can help.
    package struct Failure: Error, CustomStringConvertible {
        /// True when the provider refused this email for good (a malformed or inactive address): retrying
        /// would fail the same way, so it is recorded, not retried.
        package let permanent: Bool
        package let description: String
    }

    /// Sends the email; returns the provider's message id.
    package func send(
        from: String,
        to address: String,
        _ email: NotificationTemplates.Rendered
    ) async throws(Failure) -> String {
        switch self {
        case .postmark(let postmark, let secrets, let secretId):
            let token: String
            do throws(AWSError) {
                token = Self.serverToken(in: try await secrets.secret(secretId).string ?? "")
            } catch {
                throw Failure(permanent: false, description: "the Postmark token secret cannot be read: \(error)")
            }
            return try await postmark.send(from: from, to: address, email, serverToken: token)
        case .ses(let ses):
            do throws(AWSError) {
                return try await ses.send(
                    .init(from: from, to: [address], subject: email.subject, text: email.text, html: email.html)
                )
            } catch {
                // SES answers a malformed address with BadRequestException and a suppressed or refused one with
                // MessageRejected; throttling and 5xx were already retried by the client.
                let permanent = ["BadRequestException", "MessageRejected"].contains(error.context.code ?? "")
                throw Failure(permanent: permanent, description: error.description)
            }
        }
    }

    private struct TokenSecret: Decodable { var serverToken: String }

    private static func serverToken(in secret: String) -> String {
        (try? JSONDecoder().decode(TokenSecret.self, from: Data(secret.utf8)))?.serverToken ?? secret
    }
}
