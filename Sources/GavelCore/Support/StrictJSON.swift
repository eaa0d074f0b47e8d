import JSON

/// Decodes a JSON object into `T`, refusing fields `T` does not know, so a producer's typo or a changed
/// contract is caught at the consumer instead of being silently ignored.
package enum StrictJSON {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Keys: Decodable {
        var names: [String]
        init(from decoder: any Decoder) throws {
            self.names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        }
    }

    /// - Parameter allowed: the field names `T` reads.
    /// - Throws: `ValidationError` naming the first unknown field, the missing one, or the one of the wrong type.
    package static func decode<T: Decodable>(
        _ type: T.Type,
        from text: String,
        allowed: Set<String>
    ) throws(ValidationError) -> T {
        let data = Array(text.utf8)
        let keys: Keys
        do {
            keys = try JSONCoder.decode(Keys.self, from: data)
        } catch {
            throw ValidationError(field: nil, "the body is not a JSON object")
        }
        if let unknown = keys.names.sorted().first(where: { !allowed.contains($0) }) {
            throw ValidationError(field: unknown, "unknown field")
        }
        do {
            return try JSONCoder.decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ValidationError(field: Self.path(context.codingPath + [key]), "is required")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw ValidationError(field: Self.path(context.codingPath), "must be \(Self.kind(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw ValidationError(field: Self.path(context.codingPath), "must be \(Self.kind(expected)), not null")
        } catch let DecodingError.dataCorrupted(context) {
            // `integer(_:)` marks numbers that do not fit (12.5); anything else is a value outside its set.
            let wholeNumber = context.debugDescription == Self.notWholeNumber
            throw ValidationError(
                field: Self.path(context.codingPath),
                wholeNumber ? "must be a whole number" : "has a value that is not allowed"
            )
        } catch let error as ValidationError {
            throw error  // a nested type's own check (an unknown field of a list entry)
        } catch {
            throw ValidationError(field: nil, "the body cannot be read")
        }
    }

    /// Refuses a field of a nested object that is not in `allowed`, naming it by its path (`maxBid.cents`);
    /// the top level is checked by `decode`, each nested type calls this from its `init(from:)`.
    package static func refuseUnknownFields(_ decoder: any Decoder, allowed: Set<String>) throws {
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = names.sorted().first(where: { !allowed.contains($0) }) {
            throw ValidationError(
                field: Self.path(decoder.codingPath + [AnyKey(stringValue: unknown)]),
                "unknown field"
            )
        }
    }

    static let notWholeNumber = "not a whole number in range"

    /// `items[2].quantity`: the dotted path of a field, as errors name it.
    package static func path(_ keys: [any CodingKey]) -> String? {
        keys.isEmpty ? nil : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }
}

extension KeyedDecodingContainer {
    /// An integer field; a fractional or out-of-range number is an error that says so (`StrictJSON` reports
    /// it as "must be a whole number"), not a generic bad value.
    package func integer(_ key: Key) throws -> Int64 {
        do {
            return try self.decode(Int64.self, forKey: key)
        } catch DecodingError.dataCorrupted {
            throw DecodingError.dataCorrupted(
                .init(codingPath: self.codingPath + [key], debugDescription: StrictJSON.notWholeNumber)
            )
        }
    }
}
