/// Decoded pixels: rows top to bottom, `channels` bytes per pixel (3: RGB, 4: RGBA with straight alpha).
package struct Bitmap: Sendable, Equatable {
    package var width: Int
    package var height: Int
    package var channels: Int
    package var pixels: [UInt8]

    package init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The pixel at (`x`, `y`), one value per channel.
    package func pixel(_ x: Int, _ y: Int) -> ArraySlice<UInt8> {
        let start = (y * self.width + x) * self.channels
        return self.pixels[start..<start + self.channels]
    }

    /// The image turned upright for an EXIF `orientation` (1...8; anything else is upright already).
    package func oriented(_ orientation: Int) -> Bitmap {
        guard (2...8).contains(orientation) else { return self }
        let (w, h, c) = (self.width, self.height, self.channels)
        let swaps = orientation >= 5
        let outWidth = swaps ? h : w
        let outHeight = swaps ? w : h
        var out = [UInt8](repeating: 0, count: self.pixels.count)
        self.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        // Where the upright pixel (ox, oy) is stored.
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case 2: (sx, sy) = (w - 1 - ox, oy)
                        case 3: (sx, sy) = (w - 1 - ox, h - 1 - oy)
                        case 4: (sx, sy) = (ox, h - 1 - oy)
                        case 5: (sx, sy) = (oy, ox)
                        case 6: (sx, sy) = (oy, h - 1 - ox)
                        case 7: (sx, sy) = (w - 1 - oy, h - 1 - ox)
                        default: (sx, sy) = (w - 1 - oy, ox)  // 8
                        }
                        let from = (sy * w + sx) * c
                        let to = (oy * outWidth + ox) * c
                        for channel in 0..<c { target[to + channel] = source[from + channel] }
                    }
                }
            }
        }
        return Bitmap(width: outWidth, height: outHeight, channels: c, pixels: out)
    }
}
