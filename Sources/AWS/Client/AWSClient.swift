import JSON

#if canImport(Glibc)
import Glibc
#endif

/// Sends requests to one service: endpoint, a fresh signature on every attempt, the transport, error
/// parsing and standard-mode retries that never sleep past the caller's deadline. Service clients are
/// thin layers over this.
package struct AWSClient: Sendable {
    /// The clock, the sleep and the jitter, injected so tests pin them.
    package struct Environment: Sendable {
        package var unixTime: @Sendable () -> Int64
        package var sleep: @Sendable (Duration) async throws -> Void
        package var random: @Sendable () -> Double

        package init(
            unixTime: @escaping @Sendable () -> Int64,
            sleep: @escaping @Sendable (Duration) async throws -> Void,
            random: @escaping @Sendable () -> Double
        ) {
            self.unixTime = unixTime
            self.sleep = sleep
            self.random = random
        }

        /// The real clock, `Task.sleep` and the system random generator.
        package static let live = Environment(
            unixTime: { Int64(time(nil)) },
            sleep: { try await Task.sleep(for: $0) },
            random: { Double.random(in: 0..<1) }
        )
    }

    package let service: Service
    package let endpoint: EndpointResolver.Endpoint
    package let region: String
    private let signer: SigV4Signer
    private let transport: any HTTPTransport
    private let credentials: any CredentialsProvider
    private let retry: RetryPolicy
    private let tokens: RetryTokenBucket
    package let environment: Environment

    package init(
        service: Service,
        endpoints: EndpointResolver,
        transport: any HTTPTransport,
        credentials: any CredentialsProvider,
        retry: RetryPolicy,
        tokens: RetryTokenBucket = RetryTokenBucket(),
        environment: Environment = .live
    ) {
        self.service = service
        self.endpoint = endpoints.endpoint(for: service)
        self.region = endpoints.region
        self.signer = SigV4Signer(
            region: endpoints.region,
            service: service.signingName,
            rules: service == .s3 ? .s3 : .standard
        )
        self.transport = transport
        self.credentials = credentials
        self.retry = retry
        self.tokens = tokens
        self.environment = environment
    }

    /// Sends `request`, retrying what the standard mode retries.
    /// - Parameters:
    ///   - timeout: the limit on each attempt.
    ///   - deadline: when the caller must be done; no retry is started that would pass it. Defaults to
    ///     `InvocationDeadline.current`.
    /// - Returns: the 2xx response.
    /// - Throws: `AWSError`: the service's error, the last transport failure, or a deadline give-up.
    package func send(
        _ request: ServiceRequest,
        timeout: Duration = .seconds(10),
        deadline: ContinuousClock.Instant? = nil
    ) async throws(AWSError) -> TransportResponse {
        let payloadHash = request.body.isEmpty ? Digest.emptyPayloadHash : Digest.sha256Hex(request.body)
        let unsigned = self.unsigned(request, payloadHash: payloadHash)
        let url = self.baseURL(of: request) + request.path + Self.queryString(request.query)
        let context = AWSError.Context(service: self.service.signingName, operation: request.operation)
        var attempt = 1
        var spent = 0
        while true {
            let error: AWSError
            do throws(AWSError) {
                let credentials = try await self.credentials.credentials()
                // Signed again on every attempt: the date moves on, and credentials may have been refreshed.
                let signed = self.signer.sign(unsigned, credentials: credentials, unixTime: self.environment.unixTime())
                let response = try await self.attempt(
                    signed.request,
                    url: url,
                    body: request.body,
                    timeout: timeout,
                    maxResponseBytes: request.maxResponseBytes,
                    context: context
                )
                self.tokens.recordSuccess(spent: spent)
                return response
            } catch let failure {
                error = failure
            }
            let remaining = (deadline ?? InvocationDeadline.current).map { $0 - ContinuousClock.now }
            switch self.retry.decide(
                attempt: attempt,
                error: error,
                remaining: remaining,
                expectedAttempt: min(timeout, .seconds(1)),
                random: self.environment.random(),
                tokens: self.tokens
            ) {
            case .retry(let delay):
                spent += error.retryClass == .transient ? RetryTokenBucket.transientCost : RetryTokenBucket.retryCost
                try? await self.environment.sleep(delay)
                attempt += 1
            case .giveUp:
                throw error
            case .giveUpForDeadline:
                throw .deadline(error.context, attempts: attempt, last: error)
            }
        }
    }

    private func attempt(
        _ signed: SigningRequest,
        url: String,
        body: [UInt8],
        timeout: Duration,
        maxResponseBytes: Int?,
        context: AWSError.Context
    ) async throws(AWSError) -> TransportResponse {
        let response: TransportResponse
        do throws(TransportError) {
            response = try await self.transport.send(
                TransportRequest(
                    method: signed.method,
                    url: url,
                    headers: signed.headers.map { ($0.name, $0.value) },
                    body: body,
                    timeout: timeout,
                    maxResponseBytes: maxResponseBytes,
                    awsCall: .init(service: self.service.serviceId, operation: context.operation, region: self.region)
                )
            )
        } catch  where error.isResponseTooLarge {
            // Asking again would fetch the same too-large body: not a transient failure.
            throw .invalidResponse(context, error.description, underlying: error)
        } catch {
            throw .transport(context, error.description, underlying: error)
        }
        guard !(200..<300).contains(response.status) else { return response }
        let parsed = ErrorResponse(status: response.status, headers: response.headers, body: response.body)
        var errorContext = context
        errorContext.code = parsed.code
        errorContext.status = response.status
        errorContext.requestId = parsed.requestId
        throw .service(
            errorContext,
            message: parsed.message,
            body: String(decoding: response.body.prefix(65_536), as: UTF8.self)
        )
    }

    /// A presigned URL for `request` (S3 GET or PUT), valid for `expiresIn`: anyone holding it may make that
    /// one request until it expires, without credentials of their own.
    package func presignedURL(_ request: ServiceRequest, expiresIn: Duration) async throws(AWSError) -> String {
        let signed = self.signer.presign(
            self.unsigned(request, payloadHash: "UNSIGNED-PAYLOAD"),
            credentials: try await self.credentials.credentials(),
            unixTime: self.environment.unixTime(),
            expiresIn: Int(min(max(expiresIn.components.seconds, 1), 604_800))
        )
        return self.baseURL(of: request) + request.path + Self.queryString(signed.request.query)
    }

    /// Signs the S3 POST policy `makePolicy` writes (base64 JSON) from the credential, date and session token it
    /// must name, with the credentials of now.
    package func signPostPolicy(
        _ makePolicy: (_ credential: String, _ date: AmzDate, _ sessionToken: String?, _ unixTime: Int64) -> String
    ) async throws(AWSError) -> (policy: String, signature: String, credential: String, date: AmzDate, token: String?) {
        let credentials = try await self.credentials.credentials()
        let unixTime = self.environment.unixTime()
        let date = AmzDate(unixTime: unixTime)
        let credential = self.signer.credential(credentials, date: date)
        let policy = makePolicy(credential, date, credentials.sessionToken, unixTime)
        let signed = self.signer.signPolicy(policy, credentials: credentials, date: date)
        return (policy, signed.signature, credential, date, credentials.sessionToken)
    }

    /// The request as the signer sees it, with the `Host` it goes to and the invocation's trace header.
    private func unsigned(_ request: ServiceRequest, payloadHash: String) -> SigningRequest {
        var headers = [SigningRequest.Header("Host", request.host ?? self.endpoint.host)] + request.headers
        if let trace = InvocationTrace.current, !request.headers.contains(where: { $0.name == Self.traceHeader }) {
            headers.append(.init(Self.traceHeader, trace))
        }
        return SigningRequest(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: headers,
            payloadHash: payloadHash
        )
    }

    private static let traceHeader = "X-Amzn-Trace-Id"

    /// `scheme://host[:port]` for the request: the endpoint's, or with the request's own host (S3 buckets).
    private func baseURL(of request: ServiceRequest) -> String {
        request.host.map { self.endpoint.baseURL.replacingHost(with: $0) } ?? self.endpoint.baseURL
    }

    /// `?a=1&b=2` with names and values encoded as the signature encodes them; empty when there is no query.
    private static func queryString(_ items: [SigningRequest.QueryItem]) -> String {
        guard !items.isEmpty else { return "" }
        return "?"
            + items.map { URIEncoding.encode($0.name) + "=" + URIEncoding.encode($0.value) }.joined(separator: "&")
    }
}

extension String {
    /// This `scheme://host[:port]` with another host.
    fileprivate func replacingHost(with host: String) -> String {
        guard let schemeEnd = self.firstRange(ofText: "://") else { return self }
        return String(self[..<schemeEnd.upperBound]) + host
    }
}
