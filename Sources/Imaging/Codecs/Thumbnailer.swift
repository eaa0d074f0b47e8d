/// Bytes in, thumbnails out: checks the limits, decodes once at the smallest scale that still covers the
/// largest size, turns the image upright, and encodes each size from the next larger one.
package struct Thumbnailer: Sendable {
    /// Longest sides in pixels, e.g. [150, 300, 600].
    package var sizes: [Int]
    /// JPEG quality 1...100.
    package var quality: Int
    package var maxBytes: Int
    package var maxPixels: Int

    package init(
        sizes: [Int] = [150, 300, 600],
        quality: Int = 82,
        maxBytes: Int = 25 * 1024 * 1024,
        maxPixels: Int = 50_000_000
    ) {
        self.sizes = sizes
        self.quality = quality
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
    }

    /// One encoded thumbnail.
    package struct Thumbnail: Sendable, Equatable {
        /// The longest side it was made for (the image's own when it is smaller).
        package var size: Int
        package var width: Int
        package var height: Int
        package var bytes: [UInt8]
    }

    /// The thumbnails of `bytes`, in the order of `sizes`, all in the input's format.
    /// - Throws: `ImagingError`: not JPEG or PNG, over `maxBytes` or `maxPixels`, or undecodable.
    package func thumbnails(of bytes: [UInt8]) throws(ImagingError) -> (format: ImageFormat, thumbnails: [Thumbnail]) {
        guard bytes.count <= self.maxBytes else {
            throw .tooLarge("the image is \(bytes.count) bytes; the limit is \(self.maxBytes)")
        }
        guard let format = ImageFormat(sniffing: bytes) else {
            throw .unsupportedType("the data is neither JPEG nor PNG (by its first bytes)")
        }
        let (width, height) = try Codec.dimensions(bytes, format: format)
        guard width > 0, height > 0 else { throw .corrupt("the image has no pixels") }
        guard width.multipliedReportingOverflow(by: height).partialValue <= self.maxPixels, width <= 1 << 16,
            height <= 1 << 16
        else {
            throw .tooManyPixels(
                "the image is \(width)x\(height) pixels; the limit is \(self.maxPixels / 1_000_000) megapixels"
            )
        }
        let largest = self.sizes.max() ?? 0
        let decoded = try Codec.decode(
            bytes,
            format: format,
            reduction: Self.reduction(longest: max(width, height), target: largest, format: format)
        )
        var image = decoded.oriented(ExifOrientation.read(bytes, format: format))
        var thumbnails: [Thumbnail] = []
        // Largest first, each from the one before: less work, and area averaging composes.
        for size in self.sizes.sorted(by: >) {
            let (w, h) = image.fitting(longest: size)
            image = image.resized(width: w, height: h)
            thumbnails.append(
                Thumbnail(
                    size: size,
                    width: w,
                    height: h,
                    bytes: try Codec.encode(image, format: format, quality: self.quality)
                )
            )
        }
        let bySize = Dictionary(thumbnails.map { ($0.size, $0) }) { first, _ in first }
        return (format, self.sizes.compactMap { bySize[$0] })
    }

    /// The decode reduction for an image whose longest side is `longest`: for a JPEG the smallest scale n/8
    /// that keeps at least `target` pixels, for a PNG the largest whole factor that does.
    static func reduction(longest: Int, target: Int, format: ImageFormat) -> Int {
        switch format {
        case .jpeg:
            return (1...8).first { (longest * $0 + 7) / 8 >= target } ?? 8
        case .png:
            return max(1, longest / max(1, target))
        }
    }
}
