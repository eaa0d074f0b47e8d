/// Turns `DecodingError` and `EncodingError` into one line that names the path of the offending field.
///
/// Foundation's own descriptions bury the path in a debug dump; callers of a Lambda need `items[2].quantity`.
package enum DecodingErrorDescription {
    /// A one-line description; for errors other than decoding and encoding errors, their `description`.
    package static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context):
            return "\(self.path(context.codingPath)): expected \(self.name(of: type)); \(context.debugDescription)"
        case DecodingError.valueNotFound(let type, let context):
            return "\(self.path(context.codingPath)): expected \(self.name(of: type)), found null"
        case DecodingError.keyNotFound(let key, let context):
            return "\(self.path(context.codingPath + [key])): required field is missing"
        case DecodingError.dataCorrupted(let context):
            return "\(self.path(context.codingPath)): \(context.debugDescription)"
        case EncodingError.invalidValue(_, let context):
            return "\(self.path(context.codingPath)): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }

    /// `items[2].quantity`, or `(root)` for the top level.
    package static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "(root)" : result
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
