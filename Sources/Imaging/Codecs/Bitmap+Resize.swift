/// Shrinking by area averaging: each output pixel is the mean of the source area it covers (fractional
/// edges weighted), which is what a thumbnail wants — no ringing, no aliasing.
extension Bitmap {
    /// The size with the longest side `longest` (never larger than now), the other side in proportion.
    package func fitting(longest: Int) -> (width: Int, height: Int) {
        let side = max(self.width, self.height)
        guard side > longest else { return (self.width, self.height) }
        let scale = Double(longest) / Double(side)
        return (
            max(1, Int((Double(self.width) * scale).rounded())), max(1, Int((Double(self.height) * scale).rounded()))
        )
    }

    /// This image shrunk to `width` × `height` (which must not be larger). RGBA is averaged premultiplied.
    package func resized(width: Int, height: Int) -> Bitmap {
        if width == self.width && height == self.height { return self }
        let c = self.channels
        let columns = Self.taps(from: self.width, to: width)
        let rows = Self.taps(from: self.height, to: height)
        // Horizontal pass into floats (premultiplied when there is alpha), then vertical pass to bytes.
        var middle = [Float](repeating: 0, count: width * self.height * c)
        self.pixels.withUnsafeBufferPointer { source in
            middle.withUnsafeMutableBufferPointer { target in
                for y in 0..<self.height {
                    let row = y * self.width * c
                    for x in 0..<width {
                        var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                        for (index, weight) in columns[x] {
                            let at = row + index * c
                            if c == 4 {
                                let alpha = Float(source[at + 3]) * weight
                                sum.0 += Float(source[at]) * alpha
                                sum.1 += Float(source[at + 1]) * alpha
                                sum.2 += Float(source[at + 2]) * alpha
                                sum.3 += alpha
                            } else {
                                sum.0 += Float(source[at]) * weight
                                sum.1 += Float(source[at + 1]) * weight
                                sum.2 += Float(source[at + 2]) * weight
                            }
                        }
                        let to = (y * width + x) * c
                        target[to] = sum.0
                        target[to + 1] = sum.1
                        target[to + 2] = sum.2
                        if c == 4 { target[to + 3] = sum.3 }
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: width * height * c)
        middle.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    for x in 0..<width {
                        var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                        for (index, weight) in rows[y] {
                            let at = (index * width + x) * c
                            sum.0 += source[at] * weight
                            sum.1 += source[at + 1] * weight
                            sum.2 += source[at + 2] * weight
                            if c == 4 { sum.3 += source[at + 3] * weight }
                        }
                        let to = (y * width + x) * c
                        if c == 4 {
                            let alpha = sum.3
                            let scale: Float = alpha > 0 ? 1 / alpha : 0
                            target[to] = Self.byte(sum.0 * scale)
                            target[to + 1] = Self.byte(sum.1 * scale)
                            target[to + 2] = Self.byte(sum.2 * scale)
                            target[to + 3] = Self.byte(alpha)
                        } else {
                            target[to] = Self.byte(sum.0)
                            target[to + 1] = Self.byte(sum.1)
                            target[to + 2] = Self.byte(sum.2)
                        }
                    }
                }
            }
        }
        return Bitmap(width: width, height: height, channels: c, pixels: out)
    }

    /// For each output index, the source indexes it covers and their weights (summing to 1).
    private static func taps(from source: Int, to target: Int) -> [[(Int, Float)]] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { index in
            let start = Double(index) * scale
            let end = min(Double(source), start + scale)
            var taps: [(Int, Float)] = []
            var position = Int(start)
            while Double(position) < end {
                let covered = min(end, Double(position + 1)) - max(start, Double(position))
                if covered > 0 { taps.append((position, Float(covered / scale))) }
                position += 1
            }
            return taps
        }
    }

    private static func byte(_ value: Float) -> UInt8 {
        UInt8(max(0, min(255, value.rounded())))
    }
}
