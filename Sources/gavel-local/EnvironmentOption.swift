import ArgumentParser

/// The `--env KEY=VALUE` options of `invoke` and `bench runtime`, read into a dictionary.
enum EnvironmentOption {
    /// - Throws: `ValidationError` for an argument without `=`.
    static func parse(_ pairs: [String]) throws -> [String: String] {
        var variables: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ValidationError("--env takes KEY=VALUE, got '\(pair)'")
            }
            variables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return variables
    }
}
