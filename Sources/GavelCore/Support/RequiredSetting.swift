extension Dictionary where Key == String, Value == String {
    /// The non-empty value of the environment variable `name`.
    /// - Throws: `ValidationError` naming the variable when it is missing or empty.
    package func required(_ name: String) throws(ValidationError) -> String {
        guard let value = self[name], !value.isEmpty else { throw ValidationError(field: name, "is required") }
        return value
    }
}

extension Dictionary where Key == String, Value == String {
    /// The whole-number variable `name`, or `value` when it is unset or empty.
    /// - Throws: `ValidationError` naming the variable when it is not a whole number within `range`.
    package func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(ValidationError) -> Int
    {
        guard let text = self[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ValidationError(field: name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
