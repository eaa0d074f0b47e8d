package import FoundationEssentials

/// Decodes events and encodes responses as JSON around a typed handler.
package struct CodableAdapter<Handler: LambdaHandler>: LambdaByteHandler {
    private let handler: Handler
    private let encoder: JSONEncoder

    package init(_ handler: Handler) {
        self.handler = handler
        self.encoder = JSONEncoder()
        self.encoder.outputFormatting = .withoutEscapingSlashes
    }

    package func handle(_ event: Data, context: LambdaContext) async throws -> Data {
        let decoded = try RuntimeError.decodeEvent(Handler.Event.self, from: event)
        let output = try await self.handler.handle(decoded, context: context)
        do {
            return try self.encoder.encode(output)
        } catch {
            throw RuntimeError.unencodableResponse(error)
        }
    }
}

extension RuntimeError {
    /// The event as `type`, or `invalidEvent` naming the field at fault: for handlers that read their own
    /// bytes (a streaming one) as for typed ones.
    package static func decodeEvent<Event: Decodable>(
        _ type: Event.Type,
        from event: Data
    ) throws(RuntimeError) -> Event {
        do {
            return try JSONDecoder().decode(type, from: event)
        } catch {
            throw .invalidEvent(error)
        }
    }
}
