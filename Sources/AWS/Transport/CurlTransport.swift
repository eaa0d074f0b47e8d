import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP transport over libcurl: one multi handle driven by one worker thread, so requests run
/// concurrently (a batch of puts, three thumbnail uploads) without blocking a Swift concurrency thread,
/// and connections are kept alive and reused per host.
package final class CurlTransport: HTTPTransport {
    /// Timeouts and trust.
    package struct Configuration: Sendable {
        package var connectTimeout: Duration
        /// The CA bundle TLS verifies servers against; nil leaves curl's built-in default.
        package var caFile: String?

        package init(connectTimeout: Duration = .seconds(3), caFile: String?) {
            self.connectTimeout = connectTimeout
            self.caFile = caFile
        }

        /// The CA file a static OpenSSL must be told about (its built-in path is the build machine's):
        /// `$SSL_CERT_FILE`, then Amazon Linux's bundle, then Debian's; the first that exists.
        package static func defaultCAFile(environment: [String: String]) -> String? {
            let candidates = [
                environment["SSL_CERT_FILE"], "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt",
            ]
            return candidates.compactMap { $0 }.first { access($0, R_OK) == 0 }
        }
    }

    private let configuration: Configuration
    private let engine: MultiEngine

    package init(configuration: Configuration) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        self.configuration = configuration
        self.engine = MultiEngine()
    }

    package func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let transfer = Transfer(request, configuration: self.configuration)
        let result = await withCheckedContinuation { continuation in
            transfer.continuation = continuation
            self.engine.enqueue(transfer)
        }
        return try result.get()
    }
}

/// The multi handle and its worker thread, started on the first request.
private final class MultiEngine: @unchecked Sendable {
    // The multi handle is used only by the worker thread, but `curl_multi_wakeup`, which is thread-safe.
    private let multi: UnsafeMutableRawPointer
    private let queue = Mutex<(pending: [Transfer], started: Bool)>(([], false))

    init() {
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init returned NULL: out of memory") }
        self.multi = multi
    }

    func enqueue(_ transfer: Transfer) {
        let startWorker = self.queue.withLock { queue in
            queue.pending.append(transfer)
            defer { queue.started = true }
            return !queue.started
        }
        if startWorker {
            var thread = pthread_t()
            let engine = Unmanaged.passRetained(self).toOpaque()  // the engine lives as long as its thread: forever
            pthread_create(
                &thread,
                nil,
                { argument in
                    Unmanaged<MultiEngine>.fromOpaque(argument!).takeUnretainedValue().run()
                    return nil
                },
                engine
            )
            pthread_detach(thread)
        } else {
            curl_multi_wakeup(self.multi)
        }
    }

    private func run() -> Never {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            for transfer in self.queue.withLock({ queue in
                defer { queue.pending = [] }
                return queue.pending
            }) {
                active[transfer.easy] = transfer
                curl_multi_add_handle(self.multi, transfer.easy)
            }
            var running: Int32 = 0
            curl_multi_perform(self.multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(self.multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(self.multi, easy)
                active.removeValue(forKey: easy)?.finish(code)
            }
            // Sleeps until a socket is ready, a timeout is due, or `enqueue` wakes it.
            curl_multi_poll(self.multi, nil, 0, 1000, nil)
        }
    }
}

/// One request in flight: its easy handle, the buffers curl writes into, and who waits for it.
private final class Transfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    var continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private let limit: Int?
    private var status = 0
    private var headers: [String: String] = [:]
    private var body: [UInt8] = []
    private var exceededLimit = false

    init(_ request: TransportRequest, configuration: CurlTransport.Configuration) {
        guard let easy = curl_easy_init() else { fatalError("curl_easy_init returned NULL: out of memory") }
        self.easy = easy
        self.limit = request.maxResponseBytes
        self.errorBuffer.initialize(to: 0)
        let me = Unmanaged.passUnretained(self).toOpaque()
        gavel_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, self.errorBuffer)
        gavel_curl_set_long(easy, CURLOPT_NOSIGNAL, 1)
        gavel_curl_set_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        gavel_curl_set_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.milliseconds))
        gavel_curl_set_long(easy, CURLOPT_TIMEOUT_MS, Int(request.timeout.milliseconds))
        if let caFile = configuration.caFile {
            caFile.withCString { _ = gavel_curl_set_pointer(easy, CURLOPT_CAINFO, $0) }
        }
        request.url.withCString { _ = gavel_curl_set_pointer(easy, CURLOPT_URL, $0) }  // curl copies strings
        // The path goes as signed: curl would otherwise squash `/./` and `/../` (RFC 3986), and the request
        // would reach another resource than the signature covers.
        gavel_curl_set_long(easy, CURLOPT_PATH_AS_IS, 1)
        switch request.method {
        case "GET": break
        case "HEAD": gavel_curl_set_long(easy, CURLOPT_NOBODY, 1)
        default:
            if request.method != "POST" {
                request.method.withCString { _ = gavel_curl_set_pointer(easy, CURLOPT_CUSTOMREQUEST, $0) }
            }
            if request.method == "POST" || !request.body.isEmpty {
                gavel_curl_set_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
                // COPYPOSTFIELDS: curl keeps its own copy, so the body's lifetime is not ours to manage.
                request.body.withUnsafeBytes { bytes in
                    "".withCString { empty in
                        _ = gavel_curl_set_pointer(
                            easy,
                            CURLOPT_COPYPOSTFIELDS,
                            bytes.baseAddress ?? UnsafeRawPointer(empty)
                        )
                    }
                }
            }
        }
        // An empty `Expect:` stops curl waiting for `100 Continue` before large bodies.
        self.headerList = curl_slist_append(nil, "Expect:")
        // curl labels a body without a type `application/x-www-form-urlencoded`; S3 would store that type and
        // form-parsing servers would swallow the body. `Content-Type:` tells curl to send none.
        if !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            self.headerList = curl_slist_append(self.headerList, "Content-Type:")
        }
        for (name, value) in request.headers {
            // `Name;` is curl's spelling of a header with an empty value.
            self.headerList = curl_slist_append(self.headerList, value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        gavel_curl_set_pointer(easy, CURLOPT_HTTPHEADER, self.headerList)
        gavel_curl_set_callback(easy, CURLOPT_WRITEFUNCTION, Self.appendBody)
        gavel_curl_set_pointer(easy, CURLOPT_WRITEDATA, me)
        gavel_curl_set_callback(easy, CURLOPT_HEADERFUNCTION, Self.appendHeader)
        gavel_curl_set_pointer(easy, CURLOPT_HEADERDATA, me)
    }

    deinit {
        curl_easy_cleanup(self.easy)
        curl_slist_free_all(self.headerList)
        self.errorBuffer.deallocate()
    }

    /// Called by the worker thread when curl is done with the transfer.
    func finish(_ code: CURLcode) {
        let result: Result<TransportResponse, TransportError>
        if code == CURLE_OK {
            gavel_curl_get_long(self.easy, CURLINFO_RESPONSE_CODE, &self.status)
            result = .success(TransportResponse(status: self.status, headers: self.headers, body: self.body))
        } else {
            result = .failure(self.error(code))
        }
        self.continuation?.resume(returning: result)
        self.continuation = nil
    }

    /// curl's codes as `TransportError`s: the one place they are translated.
    private func error(_ code: CURLcode) -> TransportError {
        let detail =
            self.errorBuffer.pointee != 0
            ? String(cString: self.errorBuffer) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_WRITE_ERROR where self.exceededLimit: return .responseTooLarge(limit: self.limit ?? 0)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed(detail)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut(detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return .tlsFailed(detail)
        default: return .failed(detail)
        }
    }

    private static let appendBody: gavel_curl_data_callback = { buffer, size, count, userdata in
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
        let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
        if let limit = transfer.limit, transfer.body.count + bytes.count > limit {
            transfer.exceededLimit = true
            return 0  // makes curl stop with CURLE_WRITE_ERROR
        }
        transfer.body.append(contentsOf: bytes)
        return size * count
    }

    private static let appendHeader: gavel_curl_data_callback = { buffer, size, count, userdata in
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
        let line = UnsafeRawBufferPointer(start: buffer, count: size * count)
        if line.starts(with: "HTTP/".utf8) {
            transfer.headers.removeAll()  // a new response (after `100 Continue` or a redirect) starts here
        } else if case let span = gavel_split_header(buffer, line.count), span.found != 0 {
            let name = String(decoding: line[..<span.name_length], as: UTF8.self).lowercased()
            let value = String(decoding: line[span.value_start..<(span.value_start + span.value_length)], as: UTF8.self)
            transfer.headers[name] = transfer.headers[name].map { "\($0),\(value)" } ?? value
        }
        return size * count
    }
}
