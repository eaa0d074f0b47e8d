import AWS
import GavelCore
import JSON
import Logging
import SQSEvents

extension NotificationsHandler {
    func process(_ record: SQSEvent.Record, batch: Batch, logger: Logger) async -> Outcome {
        var logger = logger
        logger[metadataKey: "messageId"] = "\(record.messageId)"
        if self.isFeedback(record) { return await self.processFeedback(record, logger: logger) }
        let notification: Notification
        do throws(ValidationError) {
            if let parsed = batch.notifications[record.messageId] {
                notification = try parsed.get()
            } else {
                notification = try Self.parse(record.body)
            }
        } catch {
            return await self.deadLetter(record, reason: error.description, logger: logger)
        }
        logger[metadataKey: "notificationId"] = "\(notification.notificationId)"
        do throws(AWSError) {
            // The recipient: a user's address and preferences, or a bare address.
            var values = notification.data
            let address: String
            if let userId = notification.userId {
                guard let profile = try await self.recipient(userId, batch: batch), profile.email != nil else {
                    return await self.deadLetter(
                        record,
                        reason: "userId: no such user, or no email address",
                        logger: logger
                    )
                }
                guard let deliverable = profile.deliverableEmail else {
                    logger.info(
                        "skipped: SES reported this address undeliverable",
                        metadata: ["reason": "\(profile.emailSuppression?.reason.rawValue ?? "")"]
                    )
                    return .suppressed
                }
                guard profile.wants(notification.kind) else {
                    logger.info(
                        "skipped: the user turned this kind off",
                        metadata: ["kind": "\(notification.kind.rawValue)"]
                    )
                    return .optedOut
                }
                address = deliverable
                values["name"] = values["name"] ?? profile.name
            } else {
                address = notification.email ?? ""
            }

            switch try await self.ledger.claim(notification.notificationId) {
            case .done: return .duplicate
            case .inProgress:
                logger.info("another invocation is sending this notification; it will come back")
                return .failed
            case .claimed: break
            }
            let unfilled = self.templates.unfilled(notification.kind, values)
            if !unfilled.isEmpty {
                // Sent anyway (a thin email beats none), but the producer has a bug to fix: the names, never values.
                logger.error("the notification leaves placeholders empty", metadata: ["missing": "\(unfilled)"])
            }
            let email = self.templates.render(notification.kind, values)
            do throws(EmailDelivery.Failure) {
                _ = try await self.delivery.send(
                    from: self.configuration.from,
                    to: address,
                    userId: notification.userId,
                    email
                )
            } catch  where error.permanent {
                logger.warning("the provider refused the address for good", metadata: ["error": "\(error)"])
                try? await self.ledger.finish(notification.notificationId, state: "REJECTED", detail: error.description)
                return .rejected
            } catch  where error.kind == .configuration {
                logger.critical(
                    "the email provider refuses our sender or credentials; no email goes out until it is fixed",
                    metadata: ["error": "\(error)"]
                )
                try? await self.ledger.release(notification.notificationId)
                return .misconfigured
            } catch {
                logger.error("sending failed; the message will come back", metadata: ["error": "\(error)"])
                try? await self.ledger.release(notification.notificationId)
                return .failed
            }
            do throws(AWSError) {
                try await self.ledger.finish(notification.notificationId, state: "SENT")
            } catch {
                // The email is out; acknowledging means no redelivery, so no duplicate. The claim expires.
                logger.error("sent, but the ledger was not updated", metadata: ["error": "\(error)"])
            }
            return .sent
        } catch {
            logger.error("notification failed; it will come back", metadata: ["error": "\(error)"])
            return .failed
        }
    }

    private func deadLetter(_ record: SQSEvent.Record, reason: String, logger: Logger) async -> Outcome {
        await self.deadLetters.deadLetter(record.deadLetter, reason: reason, logger: logger) ? .deadLettered : .failed
    }

    /// Reads and checks a queue message body.
    static func parse(_ body: String) throws(ValidationError) -> Notification {
        let notification = try StrictJSON.decode(
            Notification.self,
            from: body,
            allowed: ["notificationId", "kind", "userId", "email", "data"]
        )
        guard !notification.notificationId.isEmpty, notification.notificationId.utf8.count <= 256 else {
            throw ValidationError(field: "notificationId", "must be 1 to 256 bytes")
        }
        switch (notification.userId, notification.email) {
        case (.some(let userId), nil) where !userId.isEmpty: break
        case (nil, .some(let email)) where email.contains(text: "@") && !email.contains(text: " "): break
        case (nil, .some): throw ValidationError(field: "email", "must be an email address")
        default: throw ValidationError(field: "userId", "exactly one of userId and email is required")
        }
        return notification
    }

    /// The user's profile; nil when there is no such user or the row cannot be read as a profile.
    private func recipient(_ userId: String, batch: Batch) async throws(AWSError) -> UserProfile? {
        if let recipients = batch.recipients, recipients.asked.contains(userId) { return recipients.found[userId] }
        do {
            return try await self.users.profile(userId)
        } catch let error as AWSError {
            throw error
        } catch {
            return nil
        }
    }
}

extension SQSEvent.Record {
    /// This message as the dead-letter queue keeps it.
    fileprivate var deadLetter: DeadLetterQueue.Message {
        DeadLetterQueue.Message(messageId: self.messageId, body: self.body, groupId: self.groupId)
    }
}
