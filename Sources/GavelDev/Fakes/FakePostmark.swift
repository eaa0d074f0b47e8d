import FoundationEssentials
import Hummingbird
import NIOCore
import Synchronization

/// A loopback Postmark: records every email it accepts, answers 422 / ErrorCode 300 for addresses at
/// `invalid.example`, 503 for the first `outage` requests, 422 / ErrorCode 400 for a sender other than the
/// confirmed signature (when one is set), and can drop the reply of an email it accepted.
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

    private struct State {
        var emails: [Email] = []
        var tokens: [String] = []
        var outage: Int
        var requests = 0
        var lostReplies = 0
        var signature: String?
    }

    private let state: Mutex<State>

    package init(outage: Int = 0) {
        self.state = Mutex(State(outage: outage))
    }

    /// Accepts the next `count` emails and then drops the connection before answering (a lost reply).
    package func loseNextReplies(_ count: Int) { self.state.withLock { $0.lostReplies = count } }

    /// Refuses every `From` but `address`, as Postmark refuses a sender that is not a confirmed signature.
    package func requireSenderSignature(_ address: String?) { self.state.withLock { $0.signature = address } }

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
        if let signature = self.state.withLock({ $0.signature }), !email.From.contains(signature) {
            return LoopbackServer.text(
                .unprocessableContent,
                #"{"ErrorCode":400,"Message":"The 'From' address you supplied (\#(email.From)) is not a Sender Signature on your account."}"#
            )
        }
        if email.To.hasSuffix("@invalid.example") {
            return LoopbackServer.text(
                .unprocessableContent,
                #"{"ErrorCode":300,"Message":"Invalid 'To' address: '\#(email.To)'."}"#
            )
        }
        let (id, lose) = self.state.withLock { state in
            state.emails.append(email)
            defer { state.lostReplies -= 1 }
            return (state.emails.count, state.lostReplies > 0)
        }
        if lose { return LoopbackServer.droppedReply() }
        return LoopbackServer.text(
            .ok,
            #"{"To":"\#(email.To)","SubmittedAt":"2026-11-21T22:00:00Z","MessageID":"pm-\#(id)","ErrorCode":0,"Message":"OK"}"#
        )
    }
}
