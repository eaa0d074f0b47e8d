/// Everything the service clients of one process share, built once from the environment: the transport
/// (one connection pool), the endpoints, the credentials and the retry token bucket.
///
/// Environment: see `EndpointResolver` (region, endpoint overrides), `CredentialsChain` (credentials),
/// `RetryPolicy` (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`), `CurlTransport.Configuration.defaultCAFile` and
/// `XRayDaemon` (`AWS_XRAY_DAEMON_ADDRESS`: each request of a sampled invocation becomes a subsegment).
package struct AWSClients: Sendable {
    package let endpoints: EndpointResolver
    package let transport: any HTTPTransport
    package let credentials: any CredentialsProvider
    package let retry: RetryPolicy
    private let tokens = RetryTokenBucket()

    /// - Throws: `AWSError` when there is no region or no credentials.
    package init(environment: [String: String], transport: (any HTTPTransport)? = nil) throws(AWSError) {
        let transport =
            transport
            ?? CurlTransport(
                configuration: .init(caFile: CurlTransport.Configuration.defaultCAFile(environment: environment))
            )
        self.endpoints = try EndpointResolver(environment: environment)
        // Traced when Lambda runs an X-Ray daemon beside the function; credential fetches are not traced.
        self.transport =
            XRayDaemon(environment: environment).map { TracingTransport(transport, daemon: $0) } ?? transport
        self.credentials = try CredentialsChain.resolve(environment: environment, transport: transport)
        self.retry = RetryPolicy(environment: environment)
    }

    /// A client for `service`.
    package func client(_ service: Service) -> AWSClient {
        AWSClient(
            service: service,
            endpoints: self.endpoints,
            transport: self.transport,
            credentials: self.credentials,
            retry: self.retry,
            tokens: self.tokens
        )
    }
}
