package import AWS
import GavelCore
import JSON

/// Postmark's send API (`POST /email` with `X-Postmark-Server-Token`), over the same transport as AWS.
/// 429, 5xx and failures to connect are retried with full-jitter backoff inside the invocation deadline; a 422
/// for a bad or inactive address (ErrorCode 300 or 406) is permanent; 401 and other 4xx are our configuration.
///
/// Postmark has no idempotency key, so a send whose reply is lost after the request went out (a timeout, a
/// reset) may have been delivered. It is not retried here: the message comes back through the queue and is
/// sent again, so each lost reply can cost one duplicate email, and one message is sent at most once per
/// delivery (`maxReceiveCount`, 5, in all). A lost email is worse than a second copy of one.
package struct Postmark: Sendable {
    package let baseURL: String
    package let messageStream: String
    package let transport: any HTTPTransport
    package let maxAttempts: Int
    /// Between retries: 100 ms doubling, at most 2 s (three attempts wait at most 300 ms in all).
    private let backoff: Backoff

    package init(
        baseURL: String = "https://api.postmarkapp.com",
        messageStream: String = "outbound",
        transport: any HTTPTransport,
        maxAttempts: Int = 3,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.messageStream = messageStream
        self.transport = transport
        self.maxAttempts = maxAttempts
        self.backoff = Backoff(base: .milliseconds(100), cap: .seconds(2), random: random, sleep: sleep)
    }

    private struct Body: Encodable {
        var From: String
        var To: String
        var Subject: String
        var HtmlBody: String
        var TextBody: String
        var MessageStream: String
    }

    private struct Answer: Decodable {
        var ErrorCode: Int?
        var Message: String?
        var MessageID: String?
    }

    /// Error codes for an address Postmark will never deliver to: invalid, or inactive (bounced, complained).
    private static let permanentCodes: Set<Int> = [300, 406]

    /// - Parameter serverToken: the Postmark server token (from Secrets Manager; never logged).
    func send(
        from: String,
        to address: String,
        _ email: NotificationTemplates.Rendered,
        serverToken: String
    ) async throws(EmailDelivery.Failure) -> String {
        let body = Body(
            From: from,
            To: address,
            Subject: email.subject,
            HtmlBody: email.html,
            TextBody: email.text,
            MessageStream: self.messageStream
        )
        let request = TransportRequest(
            method: "POST",
            url: self.baseURL + "/email",
            headers: [
                ("Accept", "application/json"), ("Content-Type", "application/json"),
                ("X-Postmark-Server-Token", serverToken),
            ],
            body: (try? JSONCoder.encode(body)) ?? [],
            timeout: .seconds(10)
        )
        var attempt = 1
        while true {
            switch await self.attempt(request) {
            case .sent(let messageId): return messageId
            case .stop(let failure): throw failure
            case .retry(let failure):
                let delay = self.backoff.delay(after: attempt)
                if attempt >= self.maxAttempts { throw failure }
                if !Backoff.fits(delay, reserving: .seconds(1)) { throw failure }
                await self.backoff.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private enum Outcome {
        case sent(String)
        case retry(EmailDelivery.Failure)
        case stop(EmailDelivery.Failure)
    }

    private func attempt(_ request: TransportRequest) async -> Outcome {
        let response: TransportResponse
        do throws(TransportError) {
            response = try await self.transport.send(request)
        } catch {
            let failure = EmailDelivery.Failure(.transient, "Postmark unreachable: \(error)")
            return error.isConnectFailure ? .retry(failure) : .stop(failure)  // may have been sent: no second try now
        }
        let answer = try? JSONCoder.decode(Answer.self, from: response.body)
        if response.status == 200, (answer?.ErrorCode ?? 0) == 0 { return .sent(answer?.MessageID ?? "") }
        let code = answer?.ErrorCode ?? 0
        let detail = "Postmark HTTP \(response.status), ErrorCode \(code): \(answer?.Message ?? "no message")"
        if response.status == 422, Self.permanentCodes.contains(code) {
            return .stop(EmailDelivery.Failure(.rejected, detail))
        }
        if response.status == 429 || response.status >= 500 { return .retry(EmailDelivery.Failure(.transient, detail)) }
        // 401 and other 4xx are our configuration (token, sender signature): retrying cannot help until it is
        // fixed, so the message comes back and the batch stops.
        return .stop(EmailDelivery.Failure(.configuration, detail))
    }
}
