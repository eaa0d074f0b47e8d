/// The REST-JSON wire family (Scheduler, SES v2): the operation is the method and path, the input a JSON
/// body, errors name their code in `X-Amzn-Errortype`.
extension AWSClient {
    /// Calls a REST-JSON operation and decodes its JSON output.
    /// - Parameters:
    ///   - path: the path with its labels already encoded once (`URIEncoding.encode`).
    ///   - input: the JSON body; nil sends none.
    package func restJSON<Output: Decodable>(
        _ operation: String,
        method: String,
        path: String,
        query: [SigningRequest.QueryItem] = [],
        input: (any Encodable)? = nil,
        as output: Output.Type = Output.self
    ) async throws(AWSError) -> Output {
        let context = AWSError.Context(service: self.service.signingName, operation: operation)
        let body = try input.map { input throws(AWSError) in try AWSJSON.body(input, context: context) } ?? []
        let request = ServiceRequest(
            operation: operation,
            method: method,
            path: path,
            query: query,
            headers: body.isEmpty ? [] : [.init("Content-Type", "application/json")],
            body: body
        )
        let response = try await self.send(request)
        var outputContext = context
        outputContext.status = response.status
        outputContext.requestId = response.headers["x-amzn-requestid"]
        return try AWSJSON.output(output, from: response.body, context: outputContext)
    }
}
