package import GavelLocal

/// The embedded AWS with the template's stack on it: moto started on a free loopback port (`MotoServer`),
/// every resource of template.yaml created on it (`LocalProvisioner`), and the stack described in a file
/// that `gavel-local token`, the benchmarks and scripts read.
package struct LocalAWS: Sendable {
    package let moto: MotoServer
    package let stack: LocalStack

    /// The secrets the local fakes accept, by logical id: the fake eBay's app keys, any Postmark token.
    package static let fakeSecrets = [
        "EbayCredentials": FakeEbay.secretJSON,
        "PostmarkTokenSecret": #"{"serverToken":"local"}"#,
    ]

    /// Starts moto, provisions template.yaml on it and writes the description to `stackPath`.
    /// - Parameters:
    ///   - overrides: template parameters and secret values (`LocalProvisioner.provision`), over `fakeSecrets`.
    ///   - demo: whether to seed the demo user, products and cart.
    package static func start(
        layout: ProjectLayout,
        overrides: [String: String] = [:],
        demo: Bool = true,
        stackPath: String,
        motoLog: String
    ) async throws -> LocalAWS {
        let moto = try await MotoServer(layout: layout, log: motoLog)
        do {
            let provisioner = try LocalProvisioner(endpoint: moto.endpoint)
            let template = try SAMTemplate(path: layout.template)
            let stack = try await provisioner.provision(
                template,
                overrides: Self.fakeSecrets.merging(overrides) { $1 },
                demo: demo
            )
            try stack.write(to: stackPath)
            return LocalAWS(moto: moto, stack: stack)
        } catch {
            await moto.stop()
            throw error
        }
    }

    /// `environment` with every `AWS_` variable replaced by the embedded AWS's endpoint, region and keys: what
    /// the functions and `gavel-local` itself run with, so nothing local can reach a real account.
    package static func environment(_ environment: [String: String], endpoint: String) -> [String: String] {
        environment.filter { !$0.key.hasPrefix("AWS_") }.merging([
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": StackResolver.region,
            "AWS_DEFAULT_REGION": StackResolver.region,
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        ]) { $1 }
    }

    /// Stops moto; the stack goes with it.
    package func stop() async {
        await self.moto.stop()
    }
}
