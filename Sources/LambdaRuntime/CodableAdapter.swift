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
        let decoded: Handler.Event
        do {
            decoded = try JSONDecoder().decode(Handler.Event.self, from: event)
        } catch {
            throw RuntimeError.invalidEvent(error)
        }
        let output = try await self.handler.handle(decoded, context: context)
        do {
            return try self.encoder.encode(output)
        } catch {
            throw RuntimeError.unencodableResponse(error)
        }
    }
}
