import CCurl
package import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Runtime API client over one libcurl easy handle, so every call reuses one keep-alive connection.
///
/// Not thread-safe: the loop owns it and calls it from the main thread only.
package final class CurlRuntimeAPIClient: RuntimeAPIClient {
    private let handle: UnsafeMutableRawPointer
    private let baseURL: String
    private let sink = ResponseSink()
    /// For the X-Ray error cause, read once: a function does not change directory between errors.
    private let workingDirectory: String

    /// - Parameter endpoint: `host:port`, as `AWS_LAMBDA_RUNTIME_API` gives it.
    package init(endpoint: String) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init returned NULL: out of memory") }
        self.handle = handle
        self.baseURL = "http://\(endpoint)"
        var path = [CChar](repeating: 0, count: 4096)
        self.workingDirectory = getcwd(&path, path.count) != nil ? String(cString: path) : ""
        let sinkPointer = Unmanaged.passUnretained(self.sink).toOpaque()
        gavel_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        gavel_curl_set_long(handle, CURLOPT_TCP_NODELAY, 1)
        // No timeout: `next` blocks for as long as the function stays idle.
        gavel_curl_set_long(handle, CURLOPT_TIMEOUT_MS, 0)
        gavel_curl_set_callback(handle, CURLOPT_WRITEFUNCTION, ResponseSink.appendBody)
        gavel_curl_set_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
        gavel_curl_set_callback(handle, CURLOPT_HEADERFUNCTION, ResponseSink.appendHeader)
        gavel_curl_set_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)
    }

    deinit {
        curl_easy_cleanup(self.handle)
    }

    package func nextInvocation() throws(RuntimeError) -> Invocation {
        let status = try self.perform(path: RuntimeAPI.nextPath, body: .none, headers: [])
        guard status == 200 else { throw .runtimeAPIFailed(status: status, path: RuntimeAPI.nextPath) }
        return try Invocation(lowercasedHeaders: self.sink.headers, event: Data(self.sink.body))
    }

    package func sendResponse(_ body: Data, requestId: String, invocationId: String?) throws(RuntimeError) {
        let headers = invocationId.map { ["\(RuntimeAPI.Header.invocationId): \($0)"] } ?? []
        try self.post(RuntimeAPI.responsePath(requestId: requestId), body: body, headers: headers)
    }

    package func streamResponse(
        _ stream: ResponseStream,
        requestId: String,
        invocationId: String?
    ) throws(RuntimeError) {
        var headers = [
            "Transfer-Encoding: chunked",
            "\(RuntimeAPI.Header.responseMode): streaming",
            "Trailer: \(RuntimeAPI.Header.functionErrorType), \(RuntimeAPI.Header.functionErrorBody)",
            "Content-Type: \(stream.contentType)",
        ]
        if let invocationId { headers.append("\(RuntimeAPI.Header.invocationId): \(invocationId)") }
        try self.post(RuntimeAPI.responsePath(requestId: requestId), body: .stream(stream), headers: headers)
    }

    package func sendError(_ report: ErrorReport, requestId: String, invocationId: String?) throws(RuntimeError) {
        var headers = ["\(RuntimeAPI.Header.functionErrorType): \(report.errorType)"]
        if let invocationId { headers.append("\(RuntimeAPI.Header.invocationId): \(invocationId)") }
        if let cause = report.xrayCause(workingDirectory: self.workingDirectory) {
            headers.append("\(RuntimeAPI.Header.xrayErrorCause): \(cause)")
        }
        try self.post(RuntimeAPI.errorPath(requestId: requestId), body: report.json, headers: headers)
    }

    package func sendInitError(_ report: ErrorReport) throws(RuntimeError) {
        let header = "\(RuntimeAPI.Header.functionErrorType): \(report.errorType)"
        try self.post(RuntimeAPI.initErrorPath, body: report.json, headers: [header])
    }

    private func post(_ path: String, body: Data, headers: [String]) throws(RuntimeError) {
        try self.post(path, body: .bytes(body), headers: headers)
    }

    private func post(_ path: String, body: RequestBody, headers: [String]) throws(RuntimeError) {
        let status = try self.perform(path: path, body: body, headers: headers)
        switch status {
        case 200..<300: return
        case 410: throw .invocationTimedOut(path: path)
        case 500...: throw .runtimeAPIFailed(status: status, path: path)
        default:
            throw .rejectedReport(status: status, path: path, body: String(decoding: self.sink.body, as: UTF8.self))
        }
    }

    /// A request's body: none (`GET`), bytes, or a stream sent in chunks with trailers.
    private enum RequestBody {
        case none
        case bytes(Data)
        case stream(ResponseStream)
    }

    /// Performs one request, on the shared handle but for a stream; the response lands in `sink`.
    private func perform(path: String, body: RequestBody, headers: [String]) throws(RuntimeError) -> Int {
        guard case .stream = body else {
            return try self.perform(on: self.handle, path: path, body: body, headers: headers)
        }
        // A stream gets a handle of its own (a copy of the shared one's options, on a new loopback connection):
        // libcurl 7.88 sends trailers once per handle (its trailer state is never reset), and a second
        // chunked upload on the same handle writes its chunk header before the start of its buffer.
        guard let handle = curl_easy_duphandle(self.handle) else {
            throw .runtimeAPIUnreachable("curl_easy_duphandle returned NULL: out of memory")
        }
        defer { curl_easy_cleanup(handle) }
        return try self.perform(on: handle, path: path, body: body, headers: headers)
    }

    private func perform(
        on handle: UnsafeMutableRawPointer,
        path: String,
        body: RequestBody,
        headers: [String]
    ) throws(RuntimeError) -> Int {
        self.sink.reset()
        // An empty `Expect:` stops curl from waiting for `100 Continue` before sending large bodies.
        var list = curl_slist_append(nil, "Expect:")
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        gavel_curl_set_pointer(handle, CURLOPT_HTTPHEADER, list)
        let code: CURLcode = (self.baseURL + path).withCString { url in
            gavel_curl_set_pointer(handle, CURLOPT_URL, url)
            switch body {
            case .none:
                gavel_curl_set_long(handle, CURLOPT_HTTPGET, 1)
                return curl_easy_perform(handle)
            case .bytes(let body):
                return body.withUnsafeBytes { bytes in
                    "".withCString { empty in
                        gavel_curl_set_long(handle, CURLOPT_POST, 1)
                        gavel_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                        // A non-null pointer even for an empty body, or curl would read the body from stdin.
                        gavel_curl_set_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(empty))
                        return curl_easy_perform(handle)
                    }
                }
            case .stream(let stream):
                // No POSTFIELDS and no size: curl reads the body from the callback, each read one chunk.
                let streamPointer = Unmanaged.passUnretained(stream).toOpaque()
                gavel_curl_set_long(handle, CURLOPT_POST, 1)
                gavel_curl_set_pointer(handle, CURLOPT_POSTFIELDS, nil)
                gavel_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, -1)
                gavel_curl_set_callback(handle, CURLOPT_READFUNCTION, Self.readStream)
                gavel_curl_set_pointer(handle, CURLOPT_READDATA, streamPointer)
                gavel_curl_set_trailer_callback(handle, Self.streamTrailers)
                gavel_curl_set_pointer(handle, CURLOPT_TRAILERDATA, streamPointer)
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else {
            throw .runtimeAPIUnreachable(String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        gavel_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// curl's read callback for a streamed body: blocks until the handler writes or ends.
    private static let readStream: gavel_curl_data_callback = { buffer, size, count, userdata in
        let stream = Unmanaged<ResponseStream>.fromOpaque(userdata!).takeUnretainedValue()
        return stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
    }

    /// curl's trailer callback: a handler's mid-stream error, as Lambda reads it (the body base64-encoded).
    private static let streamTrailers: gavel_curl_trailer_callback = { list, userdata in
        let stream = Unmanaged<ResponseStream>.fromOpaque(userdata!).takeUnretainedValue()
        if let report = stream.trailerError, let list {
            list.pointee = curl_slist_append(
                list.pointee,
                "\(RuntimeAPI.Header.functionErrorType): \(report.errorType)"
            )
            let body = report.json.base64EncodedString()
            list.pointee = curl_slist_append(list.pointee, "\(RuntimeAPI.Header.functionErrorBody): \(body)")
        }
        return CURL_TRAILERFUNC_OK
    }
}

/// Collects one response's status headers and body from curl's callbacks.
private final class ResponseSink {
    var headers: [String: String] = [:]
    var body: [UInt8] = []

    func reset() {
        self.headers.removeAll(keepingCapacity: true)
        self.body.removeAll(keepingCapacity: true)
    }

    static let appendBody: gavel_curl_data_callback = { buffer, size, count, userdata in
        let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
        sink.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size * count))
        return size * count
    }

    /// Keeps only the `Lambda-Runtime-*` headers: the others (date, server, length) are never read, and
    /// matching on bytes first spares a string and a dictionary entry for each of them.
    static let appendHeader: gavel_curl_data_callback = { buffer, size, count, userdata in
        let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
        let line = UnsafeRawBufferPointer(start: buffer, count: size * count)
        if line.starts(with: "HTTP/".utf8) {
            sink.headers.removeAll(keepingCapacity: true)  // a new response (after a redirect or 100) starts here
        } else if ResponseSink.hasRuntimePrefix(line), case let span = gavel_split_header(buffer, line.count),
            span.found != 0
        {
            let name = String(decoding: line[..<span.name_length], as: UTF8.self).lowercased()
            sink.headers[name] = String(
                decoding: line[span.value_start..<(span.value_start + span.value_length)],
                as: UTF8.self
            )
        }
        return size * count
    }

    static let runtimePrefix = Array("lambda-runtime-".utf8)

    static func hasRuntimePrefix(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count > self.runtimePrefix.count else { return false }
        for (index, expected) in self.runtimePrefix.enumerated() where line[index] | 0x20 != expected {
            return false  // `| 0x20` lower-cases ASCII letters and leaves '-' (0x2D) as it is
        }
        return true
    }
}
