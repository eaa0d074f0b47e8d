import APIGatewayEvents
import AWS
import Catalog
import GavelCore
import LambdaRuntime
import Logging

/// `GET /products`, `GET /products/{productId}` (public), and the vendor's `POST /products`,
/// `PATCH /products/{productId}`, `GET /vendor/products`.
extension APIHandler {
    /// A product as the API shows it: price as money, thumbnails as CDN URLs by size in pixels.
    struct ProductView: Encodable {
        var productId: String
        var vendorId: String
        var name: String
        var category: String?
        var description: String?
        var price: Money
        var stock: Int64
        var status: String
        var images: [String: String]
    }

    func view(_ product: Product) -> ProductView {
        var images: [String: String] = [:]
        if let cdn = self.marketplace.cdnURL {
            for (size, key) in product.thumbnails ?? [:] { images[size] = cdn + "/" + key }
        }
        return ProductView(
            productId: product.productId,
            vendorId: product.vendorId,
            name: product.name,
            category: product.category,
            description: product.description,
            price: Money(amount: product.price, currency: product.currency),
            stock: product.stock,
            status: product.status,
            images: images
        )
    }

    /// The product id of the path: our ids (`prd_…`) and the demo's (`prod-camera`), letters, digits, `_`, `-`.
    static func productId(_ text: String?, field: String = "productId") throws(APIError) -> String {
        guard let text, APIRequests.isToken(text, maxLength: 64) else {
            throw APIError(404, "not_found", "no such product")
        }
        return text
    }

    func listProducts(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        var listing = ProductStore.Listing.all
        if let vendor = call.query["vendor"] {
            guard APIRequests.isToken(vendor, maxLength: 128) else {
                throw APIError.invalid("vendor", "must be a vendor id")
            }
            listing = .vendor(vendor)
        }
        if let category = call.query["category"] {
            let category = try APIRequests.category(category)
            if case .vendor(let vendor) = listing {
                listing = .vendorInCategory(vendor, category)
            } else {
                listing = .category(category)
            }
        }
        let cursor = try Self.productCursor(call.query)
        let page = try await self.products.products(listing, activeOnly: true, after: cursor, limit: limit)
        return .json(200, Listing(items: page.items.map(self.view), nextCursor: page.nextCursor))
    }

    /// A vendor's own products, whatever their status.
    func vendorProducts(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        let cursor = try Self.productCursor(call.query)
        let page = try await self.products.products(
            .vendor(call.userId),
            activeOnly: false,
            after: cursor,
            limit: limit
        )
        return .json(200, Listing(items: page.items.map(self.view), nextCursor: page.nextCursor))
    }

    private static func productCursor(_ query: [String: String]) throws(APIError) -> String? {
        guard let cursor = query["cursor"] else { return nil }
        guard APIRequests.isToken(cursor, maxLength: 64) else {
            throw APIError.invalid("cursor", "is not a cursor this API returned")
        }
        return cursor
    }

    /// A product for sale; one that is not (INACTIVE, or not there) is a 404 alike.
    func getProduct(_ call: Call) async throws -> APIGatewayResponse {
        let productId = try Self.productId(call.parameters["productId"])
        guard let product = try await self.products.product(productId), product.isActive else {
            throw APIError(404, "not_found", "no such product")
        }
        return .json(200, self.view(product))
    }

    /// Creates a product of the calling vendor. With an `Idempotency-Key` header the id is derived from
    /// vendor and key, so a retry after a lost answer returns the product it made instead of a second one.
    func createProduct(_ call: Call) async throws -> APIGatewayResponse {
        let input = try call.decode(APIRequests.CreateProduct.self, fields: APIRequests.CreateProduct.fields)
        let key = try APIRequests.idempotencyKey(call.headers, required: false)
        let now = WallClock.nowMs()
        let productId =
            key.map { "prd_" + Digest.hex(Array(Digest.sha256(Array("\(call.userId)\u{0}\($0)".utf8)).prefix(14))) }
            ?? "prd_" + TimeOrderedId.make(nowMs: now)
        let product = try input.product(id: productId, vendorId: call.userId)
        if try await self.products.create(product) {
            call.logger.info("product created", metadata: ["productId": "\(productId)"])
            return .json(201, self.view(product), headers: ["location": "/products/\(productId)"])
        }
        // The id is taken: by this vendor's earlier try (same key, or our own retried put), or not ours at all.
        guard let existing = try await self.products.product(productId), existing.vendorId == call.userId else {
            throw APIError(409, "conflict", "a product with this id exists")
        }
        guard key == nil || existing.isSameListing(as: product) else {
            throw APIError(409, "idempotency_key_reused", "this Idempotency-Key was used for another product")
        }
        return .json(201, self.view(existing), headers: ["location": "/products/\(productId)"])
    }

    /// Changes the vendor's own product; another vendor's is a 404, as one that does not exist.
    func changeProduct(_ call: Call) async throws -> APIGatewayResponse {
        let productId = try Self.productId(call.parameters["productId"])
        let input = try call.decode(APIRequests.ChangeProduct.self, fields: APIRequests.ChangeProduct.fields)
        let changes = try input.changes()
        guard let product = try await self.products.update(productId, by: call.userId, changes) else {
            throw APIError(404, "not_found", "no such product")
        }
        return .json(200, self.view(product))
    }
}

extension Product {
    /// Whether `other` is the listing a create asked for (the server-set fields aside).
    fileprivate func isSameListing(as other: Product) -> Bool {
        self.name == other.name && self.category == other.category && self.description == other.description
            && self.price == other.price && self.currency == other.currency
    }
}

/// `POST /products/{productId}/images`: a presigned POST for one image of the vendor's own product.
extension APIHandler {
    struct ImageUpload: Encodable {
        /// The form's action.
        var url: String
        /// The fields to send, in any order, before the `file` field.
        var fields: [String: String]
        var key: String
        var expiresAt: String
        var maxBytes: Int
    }

    func createImageUpload(_ call: Call) async throws -> APIGatewayResponse {
        let productId = try Self.productId(call.parameters["productId"])
        let input = try call.decode(APIRequests.ImageUpload.self, fields: APIRequests.ImageUpload.fields)
        let fileExtension: String
        switch input.contentType {
        case "image/jpeg": fileExtension = "jpg"
        case "image/png": fileExtension = "png"
        default: throw APIError.invalid("contentType", "must be image/jpeg or image/png")
        }
        guard let bucket = self.marketplace.imagesBucket else {
            throw APIError(503, "service_unavailable", "image uploads are not configured (IMAGES_BUCKET)")
        }
        guard let product = try await self.products.product(productId), product.vendorId == call.userId else {
            throw APIError(404, "not_found", "no such product")
        }
        // A new key per upload: image-processing names thumbnails after it, so a CDN never serves a stale one.
        let key = "uploads/\(product.productId)/\(TimeOrderedId.make(nowMs: WallClock.nowMs())).\(fileExtension)"
        let post = try await self.s3.presignedPost(
            bucket: bucket,
            key: key,
            contentType: input.contentType,
            maxBytes: self.marketplace.maxUploadBytes,
            expiresIn: MarketplaceConfiguration.uploadExpiry
        )
        return .json(
            201,
            ImageUpload(
                url: post.url,
                fields: post.fields,
                key: key,
                expiresAt: post.expiresAt,
                maxBytes: self.marketplace.maxUploadBytes
            )
        )
    }
}
