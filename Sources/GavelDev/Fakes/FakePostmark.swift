import FoundationEssentials
import Hummingbird
import NIOCore
import Synchronization

/// A loopback Postmark: records every email it accepts, answers 422 / ErrorCode 300 for addresses at
/// `invalid.example`, and 503 for the first `outage` requests.
package final class FakePostmark: Sendable {
    /// One accepted email, as Postmark received it.
    package struct Email: Codable, Sendable, Equatable {
        package var From: String
        package var To: String
        package var Subject: String
        package var HtmlBody: String
        package var TextBody: String
        package var MessageStream: String
    }

    private let state: Mutex<(emails: [Email], tokens: [String], outage: Int, requests: Int)>

    package init(outage: Int = 0) {
        self.state = Mutex(([], [], outage, 0))
    }

    package var emails: [Email] { self.state.withLock { $0.emails } }

    /// Answers 503 to the next `count` requests (0 ends an outage).
    package func failNext(_ count: Int) { self.state.withLock { $0.outage = count } }
    /// The server tokens requests carried.
    package var tokens: [String] { self.state.withLock { $0.tokens } }
    package var requests: Int { self.state.withLock { $0.requests } }

    /// Runs `body` with the fake's base URL.
    package func with<Output: Sendable>(_ body: (String) async throws -> Output) async throws -> Output {
        try await LoopbackServer.with({ request in try await self.answer(request) }) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        let token = request.headers[.init("X-Postmark-Server-Token")!] ?? ""
        let down = self.state.withLock { state in
            state.requests += 1
            state.tokens.append(token)
            defer { state.outage -= 1 }
            return state.outage > 0
        }
        if down { return LoopbackServer.text(.serviceUnavailable, "try later") }
        guard let email = try? JSONDecoder().decode(Email.self, from: Data(Array(buffer: bytes))) else {
            return LoopbackServer.text(.unprocessableContent, #"{"ErrorCode":402,"Message":"Invalid JSON"}"#)
        }
        if email.To.hasSuffix("@invalid.example") {
            return LoopbackServer.text(
                .unprocessableContent,
                #"{"ErrorCode":300,"Message":"Invalid 'To' address: '\#(email.To)'."}"#
            )
        }
        let id = self.state.withLock { state in
            state.emails.append(email)
            return state.emails.count
        }
        return LoopbackServer.text(
            .ok,
            #"{"To":"\#(email.To)","SubmittedAt":"2026-11-21T22:00:00Z","MessageID":"pm-\#(id)","ErrorCode":0,"Message":"OK"}"#
        )
    }
}
