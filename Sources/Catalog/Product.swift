/// A row of the Products table (key `product_id`; seed 002's snake_case names).
///
/// `price` is whole minor units of `currency`; `stock` is what can still be sold. order-validation reads it
/// and reserves stock (`ProductStore`); image-processing adds `thumbnails` (size in pixels → S3 key), `image`
/// (the upload's key) and `thumbnails_updated_at`.
package struct Product: Codable, Sendable, Equatable {
    package var productId: String
    package var vendorId: String
    package var name: String
    package var category: String?
    package var description: String?
    package var price: Int64
    package var currency: String
    package var stock: Int64
    /// `ACTIVE` when it can be sold; anything else (`INACTIVE`, `DRAFT`) cannot.
    package var status: String
    package var thumbnails: [String: String]?
    package var image: String?
    /// Unix milliseconds.
    package var thumbnailsUpdatedAt: Int64?

    package init(
        productId: String,
        vendorId: String,
        name: String,
        category: String? = nil,
        description: String? = nil,
        price: Int64,
        currency: String,
        stock: Int64,
        status: String = Product.active
    ) {
        self.productId = productId
        self.vendorId = vendorId
        self.name = name
        self.category = category
        self.description = description
        self.price = price
        self.currency = currency
        self.stock = stock
        self.status = status
    }

    package static let active = "ACTIVE"

    package var isActive: Bool { self.status == Self.active }

    private enum CodingKeys: String, CodingKey {
        case productId = "product_id"
        case vendorId = "vendor_id"
        case name, category, description, price, currency, stock, status, thumbnails, image
        case thumbnailsUpdatedAt = "thumbnails_updated_at"
    }
}
