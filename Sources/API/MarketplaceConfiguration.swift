package import GavelCore

/// The api function's storefront settings beyond order-validation's own (`OrderValidationConfiguration`).
///
/// Environment:
/// - `CDN_URL` (string, optional): where browsers fetch thumbnails (the CloudFront distribution, or
///   `gavel-local dev`'s CDN port); a product's `images` are `<CDN_URL>/<key>`. Without it, `images` is empty.
package struct MarketplaceConfiguration: Sendable, Equatable {
    package var cdnURL: String?

    package init(environment: [String: String]) throws(ValidationError) {
        self.cdnURL = environment["CDN_URL"].flatMap { $0.isEmpty ? nil : String($0.trimmingSuffix("/")) }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return text
    }
}
