import CImageCodecs

/// JPEG and PNG through libjpeg-turbo and libpng (the CImageCodecs shim, which keeps their longjmp errors on
/// the C side). Every call's return code becomes an `ImagingError` in `call(_:)`, and only there.
package enum Codec {
    /// Width and height from the header, without decoding pixels.
    /// - Throws: `ImagingError.corrupt` when the header cannot be read.
    package static func dimensions(
        _ bytes: [UInt8],
        format: ImageFormat
    ) throws(ImagingError) -> (width: Int, height: Int) {
        switch format {
        case .jpeg:
            var width: Int32 = 0
            var height: Int32 = 0
            try self.call { message, size in gavel_jpeg_dimensions(bytes, bytes.count, &width, &height, message, size) }
            return (Int(width), Int(height))
        case .png:
            // IHDR is the first chunk: length, "IHDR", then width and height as big-endian 32-bit integers.
            guard bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8) else {
                throw .corrupt("the PNG has no IHDR header")
            }
            let number = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
            return (number(16), number(20))
        }
    }

    /// Decodes, reduced on load: a JPEG at `reduction`/8 of its size (1...8) in the IDCT, a PNG by averaging
    /// `reduction` × `reduction` blocks as its rows arrive.
    /// - Throws: `ImagingError.corrupt` with the decoder's message.
    package static func decode(_ bytes: [UInt8], format: ImageFormat, reduction: Int) throws(ImagingError) -> Bitmap {
        var bitmap = gavel_bitmap()
        try self.call { message, size in
            switch format {
            case .jpeg: gavel_jpeg_decode(bytes, bytes.count, Int32(reduction), &bitmap, message, size)
            case .png: gavel_png_decode(bytes, bytes.count, Int32(reduction), &bitmap, message, size)
            }
        }
        defer { gavel_free(bitmap.pixels) }
        let count = Int(bitmap.width) * Int(bitmap.height) * Int(bitmap.channels)
        let pixels = [UInt8](UnsafeBufferPointer(start: bitmap.pixels, count: count))
        return Bitmap(
            width: Int(bitmap.width),
            height: Int(bitmap.height),
            channels: Int(bitmap.channels),
            pixels: pixels
        )
    }

    /// Encodes as JPEG (RGB input, `quality` 1...100) or PNG (RGBA input), with no metadata.
    package static func encode(_ bitmap: Bitmap, format: ImageFormat, quality: Int) throws(ImagingError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        try bitmap.pixels.withUnsafeBufferPointer { (pixels) throws(ImagingError) in
            var input = gavel_bitmap(
                pixels: UnsafeMutablePointer(mutating: pixels.baseAddress),
                width: Int32(bitmap.width),
                height: Int32(bitmap.height),
                channels: Int32(bitmap.channels)
            )
            try self.call { message, size in
                switch format {
                case .jpeg: gavel_jpeg_encode(&input, Int32(quality), &output, &length, message, size)
                case .png: gavel_png_encode(&input, &output, &length, message, size)
                }
            }
        }
        defer { gavel_free(output) }
        return [UInt8](UnsafeBufferPointer(start: output, count: length))
    }

    /// Runs one shim call with a message buffer; -1 becomes `ImagingError.corrupt` with the library's words.
    private static func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(ImagingError) {
        var message = [CChar](repeating: 0, count: 256)
        let result = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        guard result == 0 else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .corrupt(text.isEmpty ? "the image cannot be decoded" : text)
        }
    }
}
