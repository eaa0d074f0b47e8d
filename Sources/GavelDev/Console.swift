package import FoundationEssentials
package import GavelLocal
import HTTPTypes
package import Hummingbird
import LambdaRuntime
import NIOCore

/// The local stack's console on loopback: the mailbox, the fake eBay's auctions and bids, and functions run
/// by hand (a template schedule such as the daily cleanup, or any event).
///
///     GET  /mail                       emails the notifications function sent (the Postmark fake's mailbox)
///     POST /ebay/items                 {"title","price","currency","endsInSeconds"} → a fake eBay auction
///     GET  /ebay/bids                  bids the fake eBay received
///     POST /functions/<name>/invoke    the body is the event; answers the function's response
///     POST /functions/<name>/schedule  fires the function's template schedule (its Input) now
package struct Console: Sendable {
    package var ebay: FakeEbay
    package var mailbox: FakePostmark
    package var schedules: [String: String]
    package var invoke: @Sendable (String, Data) async throws -> InvocationOutcome

    package init(
        ebay: FakeEbay,
        mailbox: FakePostmark,
        schedules: [String: String],
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) {
        self.ebay = ebay
        self.mailbox = mailbox
        self.schedules = schedules
        self.invoke = invoke
    }

    private struct NewItem: Decodable {
        var itemId: String?
        var title: String?
        var price: Int64?
        var currency: String?
        var endsInSeconds: Int64
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

    package func respond(to request: Request) async throws -> Response {
        let parts = request.uri.path.split(separator: "/").map(String.init)
        let body = Data(Array(buffer: try await request.body.collect(upTo: 6 << 20)))
        switch (request.method, parts.count, parts.first) {
        case (.get, 1, "mail"):
            return Self.json(.ok, self.mailbox.emails)
        case (.get, 2, "ebay") where parts[1] == "bids":
            return Self.json(
                .ok,
                self.ebay.bids.map { ReceivedBid(itemId: $0.itemId, arrivalMs: $0.arrivalMs, body: $0.body) }
            )
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
        gavel-local console
          GET  /mail                       emails sent (the Postmark fake's mailbox)
          POST /ebay/items                 {"title","price","currency","endsInSeconds"}: a fake eBay auction
          GET  /ebay/bids                  bids the fake eBay received
          POST /functions/<name>/invoke    the request body is the event
          POST /functions/<name>/schedule  fires the function's template schedule now (cleanup, bid-executor)

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
