import Logging

/// Minimal JSON text writing for log lines, where a `JSONEncoder` per line would cost more than the line.
enum JSONText {
    /// Appends `value` as a quoted, escaped JSON string.
    /// - Parameter asciiOnly: escape every non-ASCII character too (`\u00e9`), for an HTTP header value.
    static func appendString(_ value: String, to output: inout String, asciiOnly: Bool = false) {
        output.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E):
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }

    /// Appends swift-log metadata as a JSON object, keys sorted so lines are stable.
    static func appendMetadata(_ metadata: Logger.Metadata, to output: inout String) {
        output.append("{")
        for (index, key) in metadata.keys.sorted().enumerated() {
            if index > 0 { output.append(",") }
            self.appendString(key, to: &output)
            output.append(":")
            self.appendValue(metadata[key]!, to: &output)
        }
        output.append("}")
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to output: inout String) {
        switch value {
        case .string(let string): self.appendString(string, to: &output)
        case .stringConvertible(let convertible): self.appendString(convertible.description, to: &output)
        case .dictionary(let dictionary): self.appendMetadata(dictionary, to: &output)
        case .array(let array):
            output.append("[")
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(",") }
                self.appendValue(element, to: &output)
            }
            output.append("]")
        }
    }
}
