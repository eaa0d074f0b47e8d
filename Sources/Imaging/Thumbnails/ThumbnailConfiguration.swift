package import GavelCore

/// The image-processing function's settings.
///
/// Environment:
/// - `PRODUCTS_TABLE` (string, required): where each product's thumbnail keys are recorded.
/// - `THUMBNAIL_SIZES` (comma-separated integers 16–4096, default `150,300,600`): longest sides in pixels.
/// - `JPEG_QUALITY` (integer 1–100, default 82).
/// - `MAX_UPLOAD_BYTES` (integer, default 26214400 = 25 MiB): larger uploads are refused after HEAD.
/// - `MAX_MEGAPIXELS` (integer, default 50): larger images are refused from their header, before decoding.
/// - `THUMBNAIL_CACHE_CONTROL` (string, default `public, max-age=86400`): thumbnails keep their key when an
///   image is replaced, so they are cached for a day, not for ever.
package struct ThumbnailConfiguration: Sendable, Equatable {
    package var productsTable: String
    package var sizes: [Int]
    package var quality: Int
    package var maxBytes: Int
    package var maxMegapixels: Int
    package var cacheControl: String

    /// - Throws: `ValidationError` naming the variable that is missing or out of range.
    package init(environment: [String: String]) throws(ValidationError) {
        self.productsTable = try environment.required("PRODUCTS_TABLE")
        let sizes = (environment["THUMBNAIL_SIZES"] ?? "150,300,600").split(separator: ",").map {
            Int($0.filter { $0 != " " })
        }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0.map { (16...4096).contains($0) } ?? false }) else {
            throw ValidationError(
                field: "THUMBNAIL_SIZES",
                "must be whole numbers of pixels from 16 to 4096, separated by commas"
            )
        }
        self.sizes = Array(Set(sizes.compactMap { $0 })).sorted()
        self.quality = try environment.integer("JPEG_QUALITY", default: 82, in: 1...100)
        self.maxBytes = try environment.integer("MAX_UPLOAD_BYTES", default: 25 * 1024 * 1024, in: 1...1 << 30)
        self.maxMegapixels = try environment.integer("MAX_MEGAPIXELS", default: 50, in: 1...500)
        self.cacheControl =
            environment["THUMBNAIL_CACHE_CONTROL"].flatMap { $0.isEmpty ? nil : $0 } ?? "public, max-age=86400"
    }

    package var thumbnailer: Thumbnailer {
        Thumbnailer(
            sizes: self.sizes,
            quality: self.quality,
            maxBytes: self.maxBytes,
            maxPixels: self.maxMegapixels * 1_000_000
        )
    }

}
