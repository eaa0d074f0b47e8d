import GavelFixtures
import GavelTesting
import Imaging
import Testing

/// Thumbnails made from images the test draws: sizes, both formats, all eight EXIF orientations (checked by
/// decoding the result and looking at its corners), and every kind of bad input.
@Suite struct ThumbnailerTests {
    /// The colour at the centre of each quadrant of `bitmap`, in quadrant order.
    static func quadrantColours(_ bitmap: Bitmap) -> [[Int]] {
        [(1, 1), (3, 1), (1, 3), (3, 3)].map { (qx, qy) in
            bitmap.pixel(bitmap.width * qx / 4, bitmap.height * qy / 4).prefix(3).map(Int.init)
        }
    }

    static func matchesPattern(_ bitmap: Bitmap) -> Bool {
        zip(self.quadrantColours(bitmap), TestImages.quadrants).allSatisfy { seen, expected in
            zip(seen, expected).allSatisfy { abs($0 - Int($1)) <= 40 }
        }
    }

    static func decode(_ thumbnail: Thumbnailer.Thumbnail, _ format: ImageFormat) throws -> Bitmap {
        try Codec.decode(thumbnail.bytes, format: format, reduction: format == .jpeg ? 8 : 1)
    }

    @Test(arguments: [ImageFormat.jpeg, .png], 1...8)
    func everyOrientationComesOutUpright(format: ImageFormat, orientation: Int) throws {
        let upright = TestImages.pattern(width: 1200, height: 800)
        let stored = TestImages.stored(upright, orientation: orientation)
        let bytes =
            format == .jpeg
            ? try TestImages.jpeg(stored, orientation: orientation, littleEndian: orientation % 2 == 0)
            : try TestImages.png(stored, orientation: orientation)
        #expect(ExifOrientation.read(bytes, format: format) == orientation)
        let made = try Thumbnailer().thumbnails(of: bytes)
        #expect(made.format == format)
        #expect(made.thumbnails.map(\.size) == [150, 300, 600])
        #expect(made.thumbnails.map { "\($0.width)x\($0.height)" } == ["150x100", "300x200", "600x400"])
        for thumbnail in made.thumbnails {
            let decoded = try Self.decode(thumbnail, format)
            #expect(decoded.width == thumbnail.width && decoded.height == thumbnail.height)
            let isUpright = Self.matchesPattern(decoded)  // a Bool, so a failure prints colours, not every pixel
            #expect(isUpright, "orientation \(orientation) size \(thumbnail.size): \(Self.quadrantColours(decoded))")
        }
    }

    @Test(arguments: [(3000, 2000), (2000, 3000), (601, 600), (640, 480), (100, 80)])
    func sizesKeepTheAspectAndNeverEnlarge(width: Int, height: Int) throws {
        let bytes = try TestImages.jpeg(TestImages.pattern(width: width, height: height))
        let made = try Thumbnailer().thumbnails(of: bytes)
        for thumbnail in made.thumbnails {
            let longest = max(thumbnail.width, thumbnail.height)
            #expect(longest == min(thumbnail.size, max(width, height)))
            let ratio = Double(width) / Double(height)
            #expect(
                abs(Double(thumbnail.width) / Double(thumbnail.height) - ratio) < 0.02 * ratio + 1.0 / Double(longest)
                    * ratio
            )
            let decoded = try Self.decode(thumbnail, .jpeg)
            #expect(decoded.width == thumbnail.width && decoded.height == thumbnail.height)
        }
    }

    @Test func pngTransparencySurvivesAndJPEGCarriesNoMetadata() throws {
        let png = try TestImages.png(TestImages.pattern(width: 800, height: 600, alpha: true))
        let made = try Thumbnailer().thumbnails(of: png)
        let small = try Self.decode(made.thumbnails[0], .png)
        #expect(small.channels == 4)
        #expect(Array(small.pixel(small.width / 2, 2))[3] == 0)  // the transparent band
        #expect(small.pixel(small.width / 4, small.height / 4).last == 255)

        let jpeg = try TestImages.jpeg(TestImages.pattern(width: 800, height: 600), orientation: 6)
        for thumbnail in try Thumbnailer().thumbnails(of: jpeg).thumbnails {
            #expect(ExifOrientation.read(thumbnail.bytes, format: .jpeg) == 1)
            #expect(!thumbnail.bytes.contains(0xE1) || !Self.hasSegment(thumbnail.bytes, marker: 0xE1))
        }
    }

    static func hasSegment(_ bytes: [UInt8], marker: UInt8) -> Bool {
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] != 0xDA {
            if bytes[offset + 1] == marker { return true }
            offset += 2 + (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
        }
        return false
    }

    @Test func badInputIsRefusedWithAClearError() throws {
        let jpeg = try TestImages.jpeg(TestImages.pattern(width: 640, height: 480))
        let png = try TestImages.png(TestImages.pattern(width: 640, height: 480))
        let thumbnailer = Thumbnailer()

        let truncatedJPEG = #expect(throws: ImagingError.self) {
            try thumbnailer.thumbnails(of: Array(jpeg.prefix(jpeg.count / 2)))
        }
        #expect(truncatedJPEG?.isCorrupt == true)
        let truncatedPNG = #expect(throws: ImagingError.self) {
            try thumbnailer.thumbnails(of: Array(png.prefix(png.count / 2)))
        }
        #expect(truncatedPNG?.isCorrupt == true)
        var damaged = jpeg
        for index in stride(from: 200, to: damaged.count - 2, by: 7) { damaged[index] = 0xFF }
        #expect((#expect(throws: ImagingError.self) { try thumbnailer.thumbnails(of: damaged) })?.isCorrupt == true)
        let garbage = [0xFF, 0xD8, 0xFF] + (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        #expect((#expect(throws: ImagingError.self) { try thumbnailer.thumbnails(of: garbage) })?.isCorrupt == true)

        let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 100)
        let notImage = #expect(throws: ImagingError.self) { try thumbnailer.thumbnails(of: gif) }
        #expect(notImage?.isUnsupportedType == true)
        #expect(
            (#expect(throws: ImagingError.self) { try thumbnailer.thumbnails(of: Array("hello".utf8)) })?
                .isUnsupportedType == true
        )

        let oversized = #expect(throws: ImagingError.self) {
            try Thumbnailer(maxBytes: 1000).thumbnails(of: jpeg)
        }
        #expect(oversized?.isTooLarge == true)

        // 10000 x 6000 claimed by the header: refused before a single pixel is decoded.
        var hugePNG = png
        hugePNG.replaceSubrange(16..<24, with: [0, 0, 0x27, 0x10, 0, 0, 0x17, 0x70])
        let pngPixels = #expect(throws: ImagingError.self) { try thumbnailer.thumbnails(of: hugePNG) }
        #expect(pngPixels?.isTooManyPixels == true)
        #expect(pngPixels?.description.contains("10000x6000") == true)
        var hugeJPEG = jpeg
        let sof = try #require((0..<hugeJPEG.count - 9).first { hugeJPEG[$0] == 0xFF && hugeJPEG[$0 + 1] == 0xC0 })
        hugeJPEG.replaceSubrange(sof + 5..<sof + 9, with: [0x17, 0x70, 0x27, 0x10])  // height 6000, width 10000
        let jpegPixels = #expect(throws: ImagingError.self) { try thumbnailer.thumbnails(of: hugeJPEG) }
        #expect(jpegPixels?.isTooManyPixels == true)
    }
}
