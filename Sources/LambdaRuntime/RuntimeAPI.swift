/// Paths, header names and limits of the Lambda Runtime API (2018-06-01).
///
/// The runtime's client (`SocketRuntimeAPIClient`) and gavel-local's server both read these, so the two sides
/// never disagree.
package enum RuntimeAPI {
    /// The API version segment that starts every path.
    package static let version = "2018-06-01"

    /// `GET`: blocks until the next event arrives. Lambda never times this call out, so neither may the client.
    package static let nextPath = "/\(version)/runtime/invocation/next"

    /// `POST`: reports a failure while the function was being initialised; the runtime exits afterwards.
    package static let initErrorPath = "/\(version)/runtime/init/error"

    /// Lambda's limit on a synchronous response body: the figure its own error message quotes.
    package static let maxResponseBytes = 6_291_556

    /// `POST`: the handler's result for one invocation (202 on success).
    package static func responsePath(requestId: String) -> String {
        "/\(version)/runtime/invocation/\(requestId)/response"
    }

    /// `POST`: the error a handler threw for one invocation (202 on success).
    package static func errorPath(requestId: String) -> String {
        "/\(version)/runtime/invocation/\(requestId)/error"
    }

    /// The largest X-Ray error cause Lambda takes in its header; a larger one is left out.
    package static let maxXRayErrorCauseBytes = 1 << 20

    /// Header names of the `next` response and of error reports, in their canonical spelling.
    package enum Header {
        package static let requestId = "Lambda-Runtime-Aws-Request-Id"
        /// One attempt at a request; echoed on that attempt's `/response` and `/error`, only when sent, so a
        /// late answer from an earlier attempt cannot be taken for this one's.
        package static let invocationId = "Lambda-Runtime-Invocation-Id"
        /// The tenant of a function in tenant isolation mode.
        package static let tenantId = "Lambda-Runtime-Aws-Tenant-Id"
        package static let deadline = "Lambda-Runtime-Deadline-Ms"
        package static let functionArn = "Lambda-Runtime-Invoked-Function-Arn"
        package static let traceId = "Lambda-Runtime-Trace-Id"
        package static let clientContext = "Lambda-Runtime-Client-Context"
        package static let cognitoIdentity = "Lambda-Runtime-Cognito-Identity"
        package static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
        /// A streamed response's trailer: the mid-stream error's JSON, base64-encoded.
        package static let functionErrorBody = "Lambda-Runtime-Function-Error-Body"
        /// `streaming` on a `/response` sent in chunks (response streaming).
        package static let responseMode = "Lambda-Runtime-Function-Response-Mode"
        /// On `/error`: the failure as an X-Ray cause (single-line JSON), for the invocation's trace.
        package static let xrayErrorCause = "Lambda-Runtime-Function-XRay-Error-Cause"
    }
}
