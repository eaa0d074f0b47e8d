import JSON

/// Decodes events and encodes responses as JSON (`JSONCoder`) around a typed handler.
package struct CodableAdapter<Handler: LambdaHandler>: LambdaByteHandler {
    private let handler: Handler

    package init(_ handler: Handler) {
        self.handler = handler
    }

    package func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let decoded = try RuntimeError.decodeEvent(Handler.Event.self, from: event)
        let output = try await self.handler.handle(decoded, context: context)
        do {
            return try JSONCoder.encode(output)
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
        from event: [UInt8]
    ) throws(RuntimeError) -> Event {
        do {
            return try JSONCoder.decode(type, from: event)
        } catch {
            throw .invalidEvent(error)
        }
    }
}
