package import FoundationEssentials

/// The bytes-level handler the loop drives: one event in, one response body out.
///
/// Contract: called once per invocation, never concurrently. A thrown error is reported to Lambda as the
/// invocation's error (its type name as `errorType`, its `description` as `errorMessage`) and the loop goes on.
package protocol LambdaByteHandler: Sendable {
    /// Handles one event.
    /// - Returns: the response body; Lambda refuses bodies over `RuntimeAPI.maxResponseBytes`.
    func handle(_ event: Data, context: LambdaContext) async throws -> Data
}

/// A handler with typed events and responses; `CodableAdapter` turns it into a `LambdaByteHandler`.
package protocol LambdaHandler: Sendable {
    associatedtype Event: Decodable
    associatedtype Output: Encodable

    /// Handles one decoded event.
    func handle(_ event: Event, context: LambdaContext) async throws -> Output
}

/// The response of a handler that has nothing to return: Lambda shows it as `null`.
package struct NoResponse: Encodable, Sendable {
    package init() {}

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

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
