/// The credential sources a Lambda function can have, tried in the SDKs' order.
package enum CredentialsChain {
    /// The environment's key pair (`EnvironmentCredentials`), else the container endpoint
    /// (`ContainerCredentials`).
    /// - Throws: `AWSError.credentials` naming every variable looked at, when neither is set.
    package static func resolve(
        environment: [String: String],
        transport: any HTTPTransport
    ) throws(AWSError) -> any CredentialsProvider {
        if let credentials = EnvironmentCredentials.read(environment) {
            return StaticCredentials(credentials)
        }
        if let container = ContainerCredentials(environment: environment, transport: transport) {
            return container
        }
        let looked = (EnvironmentCredentials.variables + ContainerCredentials.variables).joined(separator: ", ")
        throw .credentials(
            .init(service: "credentials", operation: "resolve"),
            "no AWS credentials found; looked at \(looked)"
        )
    }
}
