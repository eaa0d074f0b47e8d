package import AWS
import GavelCore
import JSON

/// Sends one rendered email through the configured provider: Postmark (seed 000) or SES v2 (seed 002).
package enum EmailDelivery: Sendable {
    /// Postmark, with the server token read from Secrets Manager (cached; `{"serverToken": "…"}` or the bare token).
    case postmark(Postmark, secrets: SecretsManager, tokenSecretId: String)
    /// SES, sending with the configuration set (when there is one) whose bounce and complaint events come
    /// back on the feedback queue.
    case ses(SESv2, configurationSet: String?)

    /// Why a send failed, and whether trying again can help.
    package struct Failure: Error, CustomStringConvertible {
        package enum Kind: Sendable, Equatable {
            /// Worth another delivery (the provider was down or throttled past the client's retries).
            case transient
            /// The provider refused this address for good (malformed, inactive): recorded, not retried.
            case rejected
            /// Our side is wrong for every email (unverified sender, bad token, paused account): the message
            /// comes back, the rest of the batch is not tried, and the `SenderConfigurationErrors` alarm fires.
            case configuration
        }

        package let kind: Kind
        package let description: String

        package init(_ kind: Kind, _ description: String) {
            self.kind = kind
            self.description = description
        }

        package var permanent: Bool { self.kind == .rejected }
    }

    /// Sends the email; returns the provider's message id.
    /// - Parameter userId: the user it goes to, tagged on SES emails so a bounce report names them.
    package func send(
        from: String,
        to address: String,
        userId: String? = nil,
        _ email: NotificationTemplates.Rendered
    ) async throws(Failure) -> String {
        switch self {
        case .postmark(let postmark, let secrets, let secretId):
            let token: String
            do throws(AWSError) {
                token = Self.serverToken(in: try await secrets.secret(secretId).string ?? "")
            } catch {
                throw Failure(.configuration, "the Postmark token secret cannot be read: \(error)")
            }
            return try await postmark.send(from: from, to: address, email, serverToken: token)
        case .ses(let ses, let configurationSet):
            // SES refuses a tag value outside these characters; such a user's bounces are then not marked in
            // Users (SES's own account suppression list still keeps them from being mailed).
            let tags = userId.flatMap { id in
                !id.isEmpty && id.utf8.count <= 256 && id.allSatisfy(Self.isTagCharacter)
                    ? [EmailFeedback.userIdTag: id] : nil
            }
            do throws(AWSError) {
                return try await ses.send(
                    .init(
                        from: from,
                        to: [address],
                        subject: email.subject,
                        text: email.text,
                        html: email.html,
                        configurationSet: configurationSet,
                        tags: tags ?? [:]
                    )
                )
            } catch {
                throw Failure(Self.sesKind(error, from: from), error.description)
            }
        }
    }

    /// SES's refusals: a malformed address is BadRequestException, and MessageRejected covers both a refused
    /// recipient and an unverified sender ("Email address is not verified. The following identities failed
    /// the check in region …: <addresses>"): naming our sender, it is configuration. A paused or suspended
    /// account and an unverified MAIL FROM domain are configuration too; throttling and 5xx were already
    /// retried by the client.
    static func sesKind(_ error: AWSError, from sender: String) -> Failure.Kind {
        let code = error.context.code ?? ""
        let message = error.message.lowercased()
        let senderAddress =
            (sender.split(separator: "<").last.map { String($0.dropLast($0.hasSuffix(">") ? 1 : 0)) }
            ?? sender).lowercased()
        switch code {
        case "MessageRejected" where message.contains(text: senderAddress) || message.contains(text: "sender"):
            return .configuration
        case "BadRequestException", "MessageRejected": return .rejected
        case "AccountSuspendedException", "SendingPausedException", "MailFromDomainNotVerifiedException",
            "NotFoundException":
            return .configuration
        default: return .transient
        }
    }

    /// What SES accepts in a message tag: ASCII letters and digits, `_`, `-`, `.` and `@`.
    private static func isTagCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "_-.@".contains(character))
    }

    private struct TokenSecret: Decodable { var serverToken: String }

    private static func serverToken(in secret: String) -> String {
        (try? JSONCoder.decode(TokenSecret.self, from: Array(secret.utf8)))?.serverToken ?? secret
    }
}
