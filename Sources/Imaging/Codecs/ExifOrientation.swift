/// The EXIF orientation tag (0x0112): how the stored pixels must be turned to stand upright.
///
/// Read from a JPEG's APP1 `Exif` segment or a PNG's `eXIf` chunk; 1 (upright) when there is none or it
/// cannot be read (a damaged EXIF block is no reason to refuse an image).
package enum ExifOrientation {
    /// The orientation of the image in `bytes`, 1...8.
    package static func read(_ bytes: [UInt8], format: ImageFormat) -> Int {
        let tiff: ArraySlice<UInt8>?
        switch format {
        case .jpeg: tiff = self.jpegExif(bytes)
        case .png: tiff = self.pngExif(bytes)
        }
        guard let tiff, let value = self.orientation(inTIFF: tiff), (1...8).contains(value) else { return 1 }
        return value
    }

    /// The TIFF block of the first APP1 `Exif\0\0` segment before the image data.
    private static func jpegExif(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan, end of image
            if marker == 0xFF {
                offset += 1
                continue
            }  // fill byte
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let start = offset + 4
            let end = offset + 2 + length
            guard length >= 2, end <= bytes.count else { return nil }
            if marker == 0xE1, end - start >= 6, bytes[start..<start + 6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0])
            {
                return bytes[(start + 6)..<end]
            }
            offset = end
        }
        return nil
    }

    /// The data of the `eXIf` chunk (a bare TIFF block), if it comes before the image data.
    private static func pngExif(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = bytes[offset + 4..<offset + 8]
            let end = offset + 8 + length
            guard end <= bytes.count else { return nil }
            if type.elementsEqual("eXIf".utf8) { return bytes[(offset + 8)..<end] }
            if type.elementsEqual("IDAT".utf8) { return nil }
            offset = end + 4  // the CRC
        }
        return nil
    }

    /// Tag 0x0112 of IFD0 in a TIFF block (`II*\0` little-endian or `MM\0*` big-endian).
    private static func orientation(inTIFF tiff: ArraySlice<UInt8>) -> Int? {
        let data = Array(tiff)
        guard data.count >= 8 else { return nil }
        let little: Bool
        switch (data[0], data[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func integer(_ at: Int, _ width: Int) -> Int? {
            guard at >= 0, at + width <= data.count else { return nil }
            let slice = data[at..<at + width]
            return (little ? slice.reversed() : Array(slice)).reduce(0) { $0 << 8 | Int($1) }
        }
        guard let ifd = integer(4, 4), let entries = integer(ifd, 2) else { return nil }
        for entry in 0..<entries {
            let at = ifd + 2 + entry * 12
            guard let tag = integer(at, 2) else { return nil }
            if tag == 0x0112 { return integer(at + 8, 2) }  // type SHORT, count 1: the value sits in the entry
        }
        return nil
    }
}
