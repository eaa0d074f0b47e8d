import AWS
import GavelCore
import LambdaRuntime
import Logging
import SQSEvents

/// SES's bounce and complaint reports, from the feedback queue (SES configuration set → SNS → SQS).
///
/// A hard bounce or a complaint about a user's email marks that address suppressed in Users: no
/// notification goes to it again, and `GET /me` shows why. Soft bounces are counted only (SES retried them
/// already). A report about an email to a bare address has no user to mark; SES's account-level suppression
/// list, which the configuration set turns on, keeps that address from being mailed.
extension NotificationsHandler {
    /// Whether `record` came from the feedback queue.
    func isFeedback(_ record: SQSEvent.Record) -> Bool {
        self.configuration.feedbackQueueARN.map { $0 == record.eventSourceARN } ?? false
    }

    func processFeedback(_ record: SQSEvent.Record, logger: Logger) async -> Outcome {
        let parsed: EmailFeedback?
        do throws(ValidationError) {
            parsed = try EmailFeedback.parse(record.body)
        } catch {
            guard let queue = self.feedbackDeadLetters else { return .failed }
            let message = DeadLetterQueue.Message(messageId: record.messageId, body: record.body, groupId: "")
            return await queue.deadLetter(message, reason: error.description, logger: logger) ? .deadLettered : .failed
        }
        guard let feedback = parsed, feedback.kind != .softBounce else {
            let kind = parsed.map { "\($0.kind)" } ?? "another event type"
            logger.info("SES report counted, nothing to suppress", metadata: ["kind": "\(kind)"])
            return .ignoredReport
        }
        let reason: EmailSuppression.Reason = feedback.kind == .complaint ? .complaint : .bounce
        let outcome: Outcome = feedback.kind == .complaint ? .complained : .bounced
        var logger = logger
        logger[metadataKey: "sesMessageId"] = "\(feedback.messageId)"
        guard let userId = feedback.userId else {
            logger.warning("an email to a bare address was reported; SES's suppression list keeps it from mail")
            return outcome
        }
        logger[metadataKey: "userId"] = "\(userId)"
        for address in feedback.addresses {
            let suppression = EmailSuppression(address: address, reason: reason, at: WallClock.nowMs())
            do throws(AWSError) {
                if try await self.users.suppress(userId, suppression) {
                    logger.warning("address suppressed: no more email goes to it", metadata: ["reason": "\(reason)"])
                } else {
                    logger.info("reported address is no longer the user's; nothing suppressed")
                }
            } catch {
                logger.error("suppression not recorded; the report will come back", metadata: ["error": "\(error)"])
                return .failed
            }
        }
        return outcome
    }
}
