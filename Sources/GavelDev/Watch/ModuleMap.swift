import FoundationEssentials

/// Which function products each source directory goes into, read from `swift package describe --type json`
/// (each target's `path` and `product_memberships`, which SwiftPM computes through every dependency), so a
/// changed file rebuilds exactly the functions that link its module.
struct ModuleMap: Sendable {
    /// A target's directory (relative to the package root, with a trailing `/`) and the products it is in.
    private var targets: [(path: String, products: Set<String>)]

    init(describeJSON: Data) throws {
        struct Description: Decodable {
            struct Target: Decodable {
                var path: String
                var product_memberships: [String]?
            }
            var targets: [Target]
        }
        let description = try JSONDecoder().decode(Description.self, from: describeJSON)
        // Longest path first: `Sources/Functions/api/` must win over any shorter prefix.
        self.targets = description.targets.map { ($0.path + "/", Set($0.product_memberships ?? [])) }
            .sorted { $0.path.count > $1.path.count }
    }

    /// The products among `functions` that link the file at `path` (relative to the root).
    func functions(using path: String, among functions: Set<String>) -> Set<String> {
        guard let target = self.targets.first(where: { path.hasPrefix($0.path) }) else { return [] }
        return target.products.intersection(functions)
    }
}
