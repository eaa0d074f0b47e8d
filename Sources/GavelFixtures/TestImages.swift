import GavelTesting
package import Imaging

/// Images the imaging tests and the benchmark make themselves: a four-colour pattern whose quadrants show
/// which way up a result is, stored turned for each EXIF orientation, with EXIF blocks written by hand.
package enum TestImages {
    /// Opaque quadrant colours: red top left, green top right, blue bottom left, white bottom right.
    package static let quadrants: [[UInt8]] = [[220, 20, 20], [20, 200, 20], [20, 20, 220], [240, 240, 240]]

    /// An upright `width` × `height` image of the four quadrants (RGB, or RGBA with a transparent band along
    /// the top tenth when `alpha`).
    package static func pattern(width: Int, height: Int, alpha: Bool = false) -> Bitmap {
        let channels = alpha ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let colour = self.quadrants[(y >= height / 2 ? 2 : 0) + (x >= width / 2 ? 1 : 0)]
                let at = (y * width + x) * channels
                pixels[at] = colour[0]
                pixels[at + 1] = colour[1]
                pixels[at + 2] = colour[2]
                if alpha { pixels[at + 3] = y < height / 10 ? 0 : 255 }
            }
        }
        return Bitmap(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// `upright` as a camera stores it for EXIF `orientation`, written from the tag's definition (which
    /// side of the scene the stored row 0 and column 0 show), independently of `Bitmap.oriented`.
    package static func stored(_ upright: Bitmap, orientation: Int) -> Bitmap {
        let sides = [
            1: ("top", "left"), 2: ("top", "right"), 3: ("bottom", "right"), 4: ("bottom", "left"),
            5: ("left", "top"), 6: ("right", "top"), 7: ("right", "bottom"), 8: ("left", "bottom"),
        ]
        let (rowSide, columnSide) = sides[orientation]!
        let (w, h, c) = (upright.width, upright.height, upright.channels)
        let transposed = rowSide == "left" || rowSide == "right"
        let (sw, sh) = transposed ? (h, w) : (w, h)
        var pixels = [UInt8](repeating: 0, count: sw * sh * c)
        for sy in 0..<sh {
            for sx in 0..<sw {
                var (ux, uy) = (0, 0)
                switch rowSide {
                case "top": uy = sy
                case "bottom": uy = h - 1 - sy
                case "left": ux = sy
                default: ux = w - 1 - sy
                }
                switch columnSide {
                case "left": ux = sx
                case "right": ux = w - 1 - sx
                case "top": uy = sx
                default: uy = h - 1 - sx
                }
                let from = (uy * w + ux) * c
                let to = (sy * sw + sx) * c
                for channel in 0..<c { pixels[to + channel] = upright.pixels[from + channel] }
            }
        }
        return Bitmap(width: sw, height: sh, channels: c, pixels: pixels)
    }

    /// A TIFF block holding only IFD0's orientation tag, big- or little-endian.
    package static func exifTIFF(orientation: Int, littleEndian: Bool) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] {
            littleEndian ? [UInt8(value & 0xFF), UInt8(value >> 8)] : [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        func u32(_ value: Int) -> [UInt8] {
            littleEndian ? (u16(value & 0xFFFF) + u16(value >> 16)) : (u16(value >> 16) + u16(value & 0xFFFF))
        }
        let header: [UInt8] = littleEndian ? [0x49, 0x49, 0x2A, 0x00] : [0x4D, 0x4D, 0x00, 0x2A]
        return header + u32(8) + u16(1) + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0) + u32(0)
    }

    /// A JPEG of `bitmap` with an APP1 EXIF segment carrying `orientation`.
    package static func jpeg(
        _ bitmap: Bitmap,
        orientation: Int? = nil,
        littleEndian: Bool = false,
        quality: Int = 90
    ) throws -> [UInt8] {
        let encoded = try Codec.encode(bitmap, format: .jpeg, quality: quality)
        guard let orientation else { return encoded }
        let payload: [UInt8] =
            Array("Exif".utf8) + [0, 0] + self.exifTIFF(orientation: orientation, littleEndian: littleEndian)
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + encoded.dropFirst(2)
    }

    /// A PNG of `bitmap` (RGB is given an opaque alpha) with an `eXIf` chunk carrying `orientation`.
    package static func png(_ bitmap: Bitmap, orientation: Int? = nil) throws -> [UInt8] {
        var rgba = bitmap
        if bitmap.channels == 3 {
            var pixels = [UInt8]()
            pixels.reserveCapacity(bitmap.width * bitmap.height * 4)
            for index in stride(from: 0, to: bitmap.pixels.count, by: 3) {
                pixels.append(contentsOf: bitmap.pixels[index..<index + 3])
                pixels.append(255)
            }
            rgba = Bitmap(width: bitmap.width, height: bitmap.height, channels: 4, pixels: pixels)
        }
        let encoded = try Codec.encode(rgba, format: .png, quality: 0)
        guard let orientation else { return encoded }
        // After the signature (8 bytes) and IHDR (4 + 4 + 13 + 4 bytes).
        let chunk = self.pngChunk("eXIf", self.exifTIFF(orientation: orientation, littleEndian: true))
        return Array(encoded[0..<33]) + chunk + encoded[33...]
    }

    private static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let length = data.count
        let crc = self.crc32(body)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + body
            + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
