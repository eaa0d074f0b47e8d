/// The one seam between the AWS client and the network: a request value in, a response value out.
///
/// Contract: any HTTP status, 5xx included, is a response, not an error; `TransportError` means no
/// complete response arrived (refused, reset, timed out, TLS failed, too large). Calls may run concurrently.
/// Production and integration tests use `CurlTransport`; unit tests of the retry and error paths use
/// `ScriptedTransport` from GavelTesting.
package protocol HTTPTransport: Sendable {
    /// Sends `request` and waits for the whole response.
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse
}
