extension Dictionary where Key == String, Value == String {
    /// The non-empty value of the environment variable `name`.
    /// - Throws: `ValidationError` naming the variable when it is missing or empty.
    package func required(_ name: String) throws(ValidationError) -> String {
        guard let value = self[name], !value.isEmpty else { throw ValidationError(field: name, "is required") }
        return value
    }
}
