package import GavelCore

/// The api function's storefront settings beyond order-validation's own (`OrderValidationConfiguration`).
///
/// Environment:
/// - `CDN_URL` (string, optional): where browsers fetch thumbnails (the CloudFront distribution, or
///   `gavel-local dev`'s CDN port); a product's `images` are `<CDN_URL>/<key>`. Without it, `images` is empty.
/// - `IMAGES_BUCKET` (string, optional): the bucket vendors upload product images to; without it
///   `POST /products/{id}/images` answers 503.
/// - `MAX_UPLOAD_BYTES` (integer, default 26214400 = 25 MiB): the largest upload the presigned POST allows;
///   the template gives image-processing the same value, so nothing it would refuse can be uploaded.
package struct MarketplaceConfiguration: Sendable, Equatable {
    package var cdnURL: String?
    package var imagesBucket: String?
    package var maxUploadBytes: Int

    /// How long a presigned upload stays usable: long enough to pick and send a file, short enough that a
    /// leaked form is soon worthless.
    package static let uploadExpiry: Duration = .seconds(300)

    package init(environment: [String: String]) throws(ValidationError) {
        self.cdnURL = environment["CDN_URL"].flatMap { $0.isEmpty ? nil : String($0.trimmingSuffix("/")) }
        self.imagesBucket = environment["IMAGES_BUCKET"].flatMap { $0.isEmpty ? nil : $0 }
        self.maxUploadBytes = try environment.integer("MAX_UPLOAD_BYTES", default: 25 * 1024 * 1024, in: 1...1 << 30)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return text
    }
}
