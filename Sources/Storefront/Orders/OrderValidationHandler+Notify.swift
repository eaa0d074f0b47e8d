import AWS
import GavelCore
import Logging

/// The order's emails: a confirmation to the shopper and a new-order notice to each vendor.
extension OrderValidationHandler {
    /// The notifications of `order`; their ids are fixed by the order, so sending them twice sends one email.
    func notifications(for order: Order) -> [Notification] {
        let link = self.configuration.appURL
        var notifications = [
            Notification(
                notificationId: "order-\(order.orderId)-confirmation",
                kind: .orderConfirmation,
                userId: order.userId,
                data: Self.data(
                    order.orderId,
                    Money(amount: order.total, currency: order.currency),
                    link.map { "\($0)/orders/\(order.orderId)" }
                )
            )
        ]
        var vendors: [String] = []
        var totals: [String: Int64] = [:]
        for line in order.lines {
            if totals[line.vendorId] == nil { vendors.append(line.vendorId) }
            totals[line.vendorId, default: 0] += line.lineTotal
        }
        for vendor in vendors {
            notifications.append(
                Notification(
                    notificationId: "order-\(order.orderId)-vendor-\(vendor)",
                    kind: .vendorNewOrder,
                    userId: vendor,
                    data: Self.data(
                        order.orderId,
                        Money(amount: totals[vendor] ?? 0, currency: order.currency),
                        link.map { "\($0)/vendor/orders/\(order.orderId)" }
                    )
                )
            )
        }
        return notifications
    }

    private static func data(_ orderId: String, _ total: Money, _ link: String?) -> [String: String] {
        var data = ["orderId": orderId, "total": total.display]
        data["link"] = link
        return data
    }

    /// Queues the order's notifications.
    /// - Parameter retryable: whether the caller can retry safely (it sent an idempotency key). Then a failure
    ///   is thrown, and the retry finds the order and queues them again. Without a key a retry would place a
    ///   second order, so the failure is logged and counted, and the order is still returned.
    func notify(_ order: Order, retryable: Bool, logger: Logger) async throws {
        let messages = self.notifications(for: order).map(\.outgoingMessage)
        do {
            let result = try await self.sqs.sendBatch(messages, to: self.configuration.notificationQueueURL)
            if let failure = result.failed.first {
                throw AWSError.service(
                    .init(service: "sqs", operation: "SendMessageBatch", code: failure.code),
                    message: failure.message ?? "a notification was not queued"
                )
            }
        } catch {
            self.metrics.count(["OrderNotificationsNotQueued": 1])
            logger.error(
                "order notifications not queued",
                metadata: ["orderId": "\(order.orderId)", "error": "\(error)", "retryable": "\(retryable)"]
            )
            if retryable { throw error }
        }
    }
}
