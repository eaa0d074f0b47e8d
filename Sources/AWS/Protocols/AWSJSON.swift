package import JSON

/// The JSON-RPC wire family (DynamoDB, SQS, Secrets Manager, KMS): every call is `POST /` with the input as
/// a JSON body, the operation in `X-Amz-Target: <prefix>.<Operation>`, and the output as a JSON body.
package enum AWSJSON {
    /// An operation's output with no fields we read.
    package struct NoOutput: Decodable, Sendable {}

    /// The request for `operation` with `input` as its body.
    /// - Throws: `AWSError.configuration` when `service` is not a JSON-RPC service or the input cannot be encoded.
    package static func request<Input: Encodable>(
        _ service: Service,
        operation: String,
        input: Input
    ) throws(AWSError) -> ServiceRequest {
        let context = AWSError.Context(service: service.signingName, operation: operation)
        return try Self.request(service, operation: operation, body: try Self.body(input, context: context))
    }

    /// The request for `operation` with `input` written by `JSONWriter`.
    package static func request<Input: JSONWritable>(
        _ service: Service,
        operation: String,
        input: Input
    ) throws(AWSError) -> ServiceRequest {
        var writer = JSONWriter()
        input.write(to: &writer)
        return try Self.request(service, operation: operation, body: writer.bytes)
    }

    private static func request(_ service: Service, operation: String, body: [UInt8]) throws(AWSError) -> ServiceRequest
    {
        guard let target = service.jsonTarget else {
            throw .configuration(
                AWSError.Context(service: service.signingName, operation: operation),
                "\(service.signingName) does not speak the JSON-RPC protocol"
            )
        }
        return ServiceRequest(
            operation: operation,
            method: "POST",
            headers: [
                .init("Content-Type", target.contentType), .init("X-Amz-Target", "\(target.prefix).\(operation)"),
            ],
            body: body
        )
    }

    /// `input` as a JSON body, for this family and REST-JSON alike.
    /// - Throws: `AWSError.configuration` when the input cannot be encoded.
    package static func body(_ input: some Encodable, context: AWSError.Context) throws(AWSError) -> [UInt8] {
        do {
            return try JSONCoder.encode(input)
        } catch {
            throw .configuration(context, "the input cannot be encoded: \(error)")
        }
    }

    /// Decodes a JSON response body as `Output`; an empty body reads as `{}`.
    /// - Throws: `AWSError.invalidResponse` naming the field that did not decode.
    package static func output<Output: Decodable>(
        _ type: Output.Type,
        from body: [UInt8],
        context: AWSError.Context
    ) throws(AWSError) -> Output {
        do {
            return try JSONCoder.decode(type, from: body.isEmpty ? Array("{}".utf8) : body)
        } catch let error as DecodingError {
            throw .invalidResponse(
                context,
                "the response does not match \(type): \(Self.describe(error))",
                underlying: error
            )
        } catch {
            throw .invalidResponse(context, "the response is not JSON", underlying: error)
        }
    }

    /// Reads a JSON response body as `Output` with `JSONReader`; an empty body reads as `{}`.
    /// - Throws: `AWSError.invalidResponse` naming the byte where the body stopped matching.
    package static func output<Output: JSONReadable>(
        _ type: Output.Type,
        from body: [UInt8],
        context: AWSError.Context
    ) throws(AWSError) -> Output {
        var reader = JSONReader(body.isEmpty ? Array("{}".utf8) : body)
        do {
            let output = try Output(reading: &reader)
            try reader.finish()
            return output
        } catch {
            throw .invalidResponse(context, "the response does not match \(type): \(error)", underlying: error)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\(AttributePath.describe(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "\(AttributePath.describe(context.codingPath)): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}

extension AWSClient {
    /// Calls a JSON-RPC operation: writes `input`, sends it with retries, reads the output: no `Codable` on
    /// either side.
    package func json<Input: JSONWritable, Output: JSONReadable>(
        _ operation: String,
        _ input: Input,
        as output: Output.Type = Output.self,
        timeout: Duration = .seconds(10),
        deadline: ContinuousClock.Instant? = nil
    ) async throws(AWSError) -> Output {
        let request = try AWSJSON.request(self.service, operation: operation, input: input)
        let (body, context) = try await self.exchange(request, timeout: timeout, deadline: deadline)
        return try AWSJSON.output(output, from: body, context: context)
    }

    /// Calls a JSON-RPC operation: encodes `input`, sends it with retries, reads the output.
    package func json<Input: Encodable, Output: JSONReadable>(
        _ operation: String,
        _ input: Input,
        as output: Output.Type = Output.self,
        timeout: Duration = .seconds(10),
        deadline: ContinuousClock.Instant? = nil
    ) async throws(AWSError) -> Output {
        let request = try AWSJSON.request(self.service, operation: operation, input: input)
        let (body, context) = try await self.exchange(request, timeout: timeout, deadline: deadline)
        return try AWSJSON.output(output, from: body, context: context)
    }

    /// Calls a JSON-RPC operation: encodes `input`, sends it with retries, decodes the output.
    package func json<Input: Encodable, Output: Decodable>(
        _ operation: String,
        _ input: Input,
        as output: Output.Type = Output.self,
        timeout: Duration = .seconds(10),
        deadline: ContinuousClock.Instant? = nil
    ) async throws(AWSError) -> Output {
        let request = try AWSJSON.request(self.service, operation: operation, input: input)
        let (body, context) = try await self.exchange(request, timeout: timeout, deadline: deadline)
        return try AWSJSON.output(output, from: body, context: context)
    }

    /// Sends `request` with retries; the 2xx body, and the context its decoding errors name.
    private func exchange(
        _ request: ServiceRequest,
        timeout: Duration,
        deadline: ContinuousClock.Instant?
    ) async throws(AWSError) -> (body: [UInt8], context: AWSError.Context) {
        let response = try await self.send(request, timeout: timeout, deadline: deadline)
        let context = AWSError.Context(
            service: self.service.signingName,
            operation: request.operation,
            status: response.status,
            requestId: response.headers["x-amzn-requestid"]
        )
        return (response.body, context)
    }
}
