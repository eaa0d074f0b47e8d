package import FoundationEssentials
package import GavelLocal
import HTTPTypes
package import Hummingbird
import LambdaRuntime
import NIOCore

/// The local stack's console on loopback: the mailbox, the fake eBay's auctions and bids, and functions run
/// by hand (a template schedule such as the daily cleanup, or any event).
///
/// It can invoke any function with any event, so a web page the developer has open must not reach it: every
/// request needs the per-run token (`X-Gavel-Console: <token>`, which `gavel-local dev` prints and writes to
/// `.build/dev/console-token`), a loopback `Host` (a DNS-rebinding page names its own host), no foreign
/// `Origin`, and a body, if any, declared `application/json`. Only `GET /` (this help, or the page) is open.
///
///     GET  /mail                       emails the notifications function sent (the Postmark fake's mailbox)
///     POST /ebay/items                 {"title","price","currency","endsInSeconds"} → a fake eBay auction
///     GET  /ebay/bids                  bids the fake eBay received
///     POST /functions/<name>/invoke    the body is the event; answers the function's response
///     POST /functions/<name>/schedule  fires the function's template schedule (its Input) now
///     POST /email/feedback             {"userId","type":"bounce"|"complaint"}: SES reports the user's address
///     GET  /traces                     the X-Ray traces the functions sent, newest first, with their calls
///     GET  /traces/<root>              one trace's subsegments (`1-…` from a log line's traceId)
///     GET  /logs/<function>?after=N    the function's recent output lines numbered above N (`gavel-local logs`)
///     GET  /ebay/items                 the fake eBay's auctions
///     GET  /invocations                the last invocations of every function (`InvocationHistory`)
///     GET  /dead-letters               the dead-letter queues and what they hold (`DeadLetters`)
///     POST /dead-letters/<name>/redrive  moves a dead-letter queue's messages back to their source queue
///
/// `GET /` from a browser (`Accept: text/html`) is the console as a page (`Console.page`).
package struct Console: Sendable {
    package var ebay: FakeEbay
    package var mailbox: FakePostmark
    package var schedules: [String: String]
    package var token: String
    package var invoke: @Sendable (String, Data) async throws -> InvocationOutcome
    /// Writes SES's reports to the feedback queue; nil when the template has none.
    package var feedback: EmailFeedbackInjector?
    /// The local X-Ray daemon the functions send their subsegments to; nil when none runs.
    package var xray: LocalXRayDaemon?
    /// The functions' recent output lines.
    package var logs: LogBook?
    /// The last invocations of every function.
    package var history: InvocationHistory?
    /// The template's dead-letter queues.
    package var deadLetters: DeadLetters?

    package init(
        ebay: FakeEbay,
        mailbox: FakePostmark,
        schedules: [String: String],
        token: String,
        feedback: EmailFeedbackInjector? = nil,
        xray: LocalXRayDaemon? = nil,
        logs: LogBook? = nil,
        history: InvocationHistory? = nil,
        deadLetters: DeadLetters? = nil,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) {
        self.ebay = ebay
        self.mailbox = mailbox
        self.schedules = schedules
        self.token = token
        self.feedback = feedback
        self.xray = xray
        self.logs = logs
        self.history = history
        self.deadLetters = deadLetters
        self.invoke = invoke
    }

    /// A fresh token for one run: 32 random hex digits.
    package static func newToken() -> String {
        // SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom on Linux).
        String((0..<32).map { _ in "0123456789abcdef".randomElement()! })
    }

    /// The header carrying the token.
    package static let tokenHeader = "X-Gavel-Console"

    /// Why `request` may not use the console, or nil when it may.
    private func refusal(_ request: Request, hasBody: Bool) -> Response? {
        let host = request.head.authority ?? ""
        guard Self.isLoopback(authority: host) else {
            return Self.text(.misdirectedRequest, #"{"message":"the console answers only to a loopback Host"}"# + "\n")
        }
        if let origin = request.headers[.origin],
            !(origin.hasPrefix("http://") && Self.isLoopback(authority: String(origin.dropFirst(7))))
        {
            return Self.text(
                .forbidden,
                #"{"message":"the console refuses requests from web pages (Origin \#(origin))"}"# + "\n"
            )
        }
        guard request.headers[HTTPField.Name(Self.tokenHeader)!] == self.token else {
            return Self.text(
                .unauthorized,
                #"{"message":"send the console token: -H \"X-Gavel-Console: $(cat .build/dev/console-token)\""}"# + "\n"
            )
        }
        if hasBody, !(request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") {
            return Self.text(
                .unsupportedMediaType,
                #"{"message":"the console takes JSON bodies only (Content-Type: application/json)"}"# + "\n"
            )
        }
        return nil
    }

    /// `127.0.0.1`, `localhost` or `[::1]`, with any port.
    static func isLoopback(authority: String) -> Bool {
        let host =
            authority.hasPrefix("[")
            ? String(authority.prefix { $0 != "]" }) + "]" : String(authority.prefix { $0 != ":" })
        return ["127.0.0.1", "localhost", "[::1]"].contains(host.lowercased())
    }

    private struct NewItem: Decodable {
        var itemId: String?
        var title: String?
        var price: Int64?
        var currency: String?
        var endsInSeconds: Int64
    }

    private struct FeedbackRequest: Decodable {
        var userId: String
        var type: EmailFeedbackInjector.Kind
    }

    private struct QueuedReport: Encodable {
        var address: String
        var type: String
        var note = "queued on the email feedback queue; the notifications function suppresses the address"
    }

    private struct ListedItem: Encodable {
        var itemId: String
        var title: String
        var price: Int64
        var currency: String
        var endMs: Int64
    }

    private struct CreatedItem: Encodable {
        var itemId: String
        var endTime: Int64
    }

    private struct ReceivedBid: Encodable {
        var itemId: String
        var arrivalMs: Int64
        var body: String
    }

    /// A trace in one line per call: `DynamoDB GetItem 200 3.1 ms`.
    private struct TraceSummary: Encodable {
        var traceId: String
        var calls: [String]

        static func call(_ segment: LocalXRayDaemon.Segment) -> String {
            let what = [segment.name, segment.operation].compactMap { $0 }.joined(separator: " ")
            let outcome = segment.status.map(String.init) ?? "no answer"
            let ms = Int(((segment.endTime - segment.startTime) * 10_000).rounded())
            return "\(what) \(outcome) \(ms / 10).\(ms % 10) ms"
        }
    }

    package func respond(to request: Request) async throws -> Response {
        let parts = request.uri.path.split(separator: "/").map(String.init)
        let body = Data(Array(buffer: try await request.body.collect(upTo: 6 << 20)))
        if request.method == .get, parts.isEmpty {
            // A browser asks for HTML: the page (nothing secret in it; its script sends the token).
            guard (request.headers[.accept] ?? "").contains("text/html") else { return Self.text(.ok, Self.help) }
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.contentSecurityPolicy] =
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-src 'self'"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.page)))
        }
        if let refusal = self.refusal(request, hasBody: !body.isEmpty) { return refusal }
        switch (request.method, parts.count, parts.first) {
        case (.get, 1, "mail"):
            return Self.json(.ok, self.mailbox.emails)
        case (.get, 2, "ebay") where parts[1] == "bids":
            return Self.json(
                .ok,
                self.ebay.bids.map { ReceivedBid(itemId: $0.itemId, arrivalMs: $0.arrivalMs, body: $0.body) }
            )
        case (.get, 2, "ebay") where parts[1] == "items":
            let items = self.ebay.items.sorted { $0.value.endMs > $1.value.endMs }.map { id, item in
                ListedItem(itemId: id, title: item.title, price: item.price, currency: item.currency, endMs: item.endMs)
            }
            return Self.json(.ok, items)
        case (.get, 1, "invocations"):
            return Self.json(.ok, self.history?.recent ?? [])
        case (.get, 1, "dead-letters"):
            return Self.json(.ok, try await self.deadLetters?.list() ?? [])
        case (.post, 3, "dead-letters") where parts[2] == "redrive":
            guard let moved = try await self.deadLetters?.redrive(parts[1]) else {
                return Self.text(
                    .notFound,
                    #"{"message":"no dead-letter queue \#(parts[1]) with a source queue"}"# + "\n"
                )
            }
            return Self.json(.ok, ["moved": moved])
        case (.post, 2, "ebay") where parts[1] == "items":
            guard let item = try? JSONDecoder().decode(NewItem.self, from: body), item.endsInSeconds > 0 else {
                return Self.text(
                    .badRequest,
                    #"{"message":"expected {\"endsInSeconds\": N, \"price\": minor units, \"title\", \"currency\"}"}"#
                        + "\n"
                )
            }
            let id = item.itemId ?? "v1|\(110_000_000_000 + Int64.random(in: 0..<1_000_000_000))|0"
            let end = WallClock.nowMs() + item.endsInSeconds * 1000
            self.ebay.addItem(
                id,
                .init(
                    title: item.title ?? "Local auction",
                    price: item.price ?? 1000,
                    currency: item.currency ?? "USD",
                    endMs: end
                )
            )
            return Self.json(.created, CreatedItem(itemId: id, endTime: end))
        case (.get, 1, "traces"):
            let xray = self.xray
            let traces = (xray?.recentTraces ?? []).prefix(50).map { root in
                TraceSummary(traceId: root, calls: (xray?.segments(of: root) ?? []).map(TraceSummary.call))
            }
            return Self.json(.ok, Array(traces))
        case (.get, 2, "traces"):
            let segments = self.xray?.segments(of: parts[1]) ?? []
            guard !segments.isEmpty else {
                return Self.text(.notFound, #"{"message":"no trace \#(parts[1]) was received"}"# + "\n")
            }
            return Self.json(.ok, segments)
        case (.get, 2, "logs"):
            let after = request.uri.queryParameters["after"].flatMap { Int($0) } ?? 0
            return Self.json(.ok, self.logs?.lines(of: parts[1], after: after) ?? [])
        case (.post, 2, "email") where parts[1] == "feedback":
            guard let feedback = self.feedback else {
                return Self.text(.notFound, #"{"message":"the template has no email feedback queue"}"# + "\n")
            }
            guard let input = try? JSONDecoder().decode(FeedbackRequest.self, from: body), !input.userId.isEmpty
            else {
                return Self.text(
                    .badRequest,
                    #"{"message":"expected {\"userId\": \"…\", \"type\": \"bounce\" or \"complaint\"}"}"# + "\n"
                )
            }
            guard let address = try await feedback.report(input.type, userId: input.userId) else {
                return Self.text(.notFound, #"{"message":"no user \#(input.userId) with an email address"}"# + "\n")
            }
            return Self.json(.accepted, QueuedReport(address: address, type: input.type.rawValue))
        case (.post, 3, "functions") where parts[2] == "invoke" || parts[2] == "schedule":
            let event: Data
            if parts[2] == "schedule" {
                guard let input = self.schedules[parts[1]] else {
                    return Self.text(.notFound, #"{"message":"\#(parts[1]) has no schedule in the template"}"# + "\n")
                }
                event = Data(input.utf8)
            } else {
                event = body.isEmpty ? Data("{}".utf8) : body
            }
            guard let outcome = try? await self.invoke(parts[1], event) else {
                return Self.text(.notFound, #"{"message":"no function \#(parts[1])"}"# + "\n")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            if outcome.isError { headers[HTTPField.Name("X-Function-Error")!] = "Unhandled" }
            return Response(
                status: outcome.isError ? .badGateway : .ok,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: Array(outcome.body) + [10]))
            )
        default:
            return Self.text(.notFound, Self.help)
        }
    }

    static let help = """
        gavel-local console (every route needs -H "X-Gavel-Console: $(cat .build/dev/console-token)")
          GET  /mail                       emails sent (the Postmark fake's mailbox)
          POST /ebay/items                 {"title","price","currency","endsInSeconds"}: a fake eBay auction
          GET  /ebay/bids                  bids the fake eBay received
          POST /functions/<name>/invoke    the request body is the event
          POST /functions/<name>/schedule  fires the function's template schedule now (cleanup, bid-executor)
          POST /email/feedback             {"userId","type":"bounce"|"complaint"}: SES reports the user's address
          GET  /traces                     X-Ray traces the functions sent, newest first: each call, status, ms
          GET  /traces/<root>              one trace's subsegments (the 1-… Root of a log line's traceId)
          GET  /logs/<function>?after=N    the function's recent output lines numbered above N
          GET  /ebay/items                 the fake eBay's auctions
          GET  /invocations                the last invocations of every function: duration, init, error
          GET  /dead-letters               each dead-letter queue and the messages in it
          POST /dead-letters/<name>/redrive  moves the queue's messages back to the queue they came from
          (a browser opening / gets the console as a page: open the address dev printed, #token=… included)

        """

    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(value)).map(Array.init) ?? Array("null".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes + [10])))
    }

    private static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
