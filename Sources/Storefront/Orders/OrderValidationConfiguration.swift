package import GavelCore

/// The order-validation function's settings.
///
/// Environment:
/// - `PRODUCTS_TABLE` (string, required): Products, key `product_id`.
/// - `ORDERS_TABLE` (string, required): Orders, key `order_id`.
/// - `VENDOR_ORDERS_TABLE` (string, required): VendorOrders, keys `vendor_id` + `order_key`.
/// - `CART_TABLE` (string, required): Cart, keys `userId` + `productId`.
/// - `NOTIFICATION_QUEUE_URL` (string, required): the notification FIFO queue.
/// - `APP_URL` (string, optional): the storefront's address; emails link to `<APP_URL>/orders/<orderId>`.
package struct OrderValidationConfiguration: Sendable, Equatable {
    package var productsTable: String
    package var ordersTable: String
    package var vendorOrdersTable: String
    package var cartTable: String
    package var notificationQueueURL: String
    package var appURL: String?

    /// - Throws: `ValidationError` naming the variable that is missing.
    package init(environment: [String: String]) throws(ValidationError) {
        self.productsTable = try environment.required("PRODUCTS_TABLE")
        self.ordersTable = try environment.required("ORDERS_TABLE")
        self.vendorOrdersTable = try environment.required("VENDOR_ORDERS_TABLE")
        self.cartTable = try environment.required("CART_TABLE")
        self.notificationQueueURL = try environment.required("NOTIFICATION_QUEUE_URL")
        self.appURL = environment["APP_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
