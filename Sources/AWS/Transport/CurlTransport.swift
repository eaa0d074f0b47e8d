import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP transport over libcurl, driven by `CurlEventLoop`: requests run concurrently (a batch of puts,
/// three thumbnail uploads) without blocking a Swift concurrency thread, and connections are kept alive and
/// reused per host, across every transport of the process.
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
    /// Taken at init, as `curl_global_init` was before the loop owned it: the loop's construction runs it,
    /// and it must come before the first `curl_easy_init` (a `Transfer`'s).
    private let loop = CurlEventLoop.shared

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    package func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let transfer = Transfer(request, configuration: self.configuration)
        let result = await withCheckedContinuation { continuation in
            transfer.continuation = continuation
            self.loop.start(transfer)
        }
        return try result.get()
    }
}

/// curl's multi handle on a thread of its own, which is also a task executor.
///
/// A task that prefers it (`Lambda.run(environment:executor:)` runs a function's whole runtime loop so)
/// starts its requests and is resumed with their responses on this one thread: a call costs no hop between
/// a Swift thread and curl's. A task that does not still works, through `curl_multi_wakeup` and the global
/// executor, at the cost of two thread wake-ups per call (measured in `scripts/bench aws`). A job that
/// blocks (the Runtime API's `/next`) stalls the transfers in flight, so a blocking job must run only when
/// none are.
package final class CurlEventLoop: TaskExecutor, @unchecked Sendable {
    /// The process's one loop: one connection pool for every client.
    package static let shared = CurlEventLoop()

    // The multi handle is used only by the loop's thread, but `curl_multi_wakeup`, which is thread-safe.
    private let multi: UnsafeMutableRawPointer
    private let queue = Mutex<Queue>(Queue())

    private struct Queue {
        var transfers: [Transfer] = []
        var jobs: [UnownedJob] = []
        var started = false
        /// The loop's thread, once it runs: work it enqueues itself needs no wake-up.
        var thread: pthread_t?

        var onLoopThread: Bool { self.thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// Whether the caller runs on the loop's thread (a task preferring the loop, between suspensions).
    package var isCurrent: Bool { self.queue.withLock { $0.onLoopThread } }

    private init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init returned NULL: out of memory") }
        self.multi = multi
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.wake(
            self.queue.withLock { queue in
                queue.jobs.append(job)
                return Self.wakeUp(&queue)
            }
        )
    }

    fileprivate func start(_ transfer: Transfer) {
        self.wake(
            self.queue.withLock { queue in
                queue.transfers.append(transfer)
                return Self.wakeUp(&queue)
            }
        )
    }

    private enum WakeUp { case none, notify, startThread }

    private static func wakeUp(_ queue: inout Queue) -> WakeUp {
        if !queue.started {
            queue.started = true
            return .startThread
        }
        return queue.onLoopThread ? .none : .notify
    }

    private func wake(_ wakeUp: WakeUp) {
        switch wakeUp {
        case .none: break
        case .notify: curl_multi_wakeup(self.multi)
        case .startThread:
            var thread = pthread_t()
            let loop = Unmanaged.passRetained(self).toOpaque()  // the loop lives as long as its thread: forever
            pthread_create(
                &thread,
                nil,
                { argument in
                    Unmanaged<CurlEventLoop>.fromOpaque(argument!).takeUnretainedValue().run()
                    return nil
                },
                loop
            )
            pthread_detach(thread)
        }
    }

    private func run() -> Never {
        self.queue.withLock { $0.thread = pthread_self() }
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (transfers, jobs) = self.queue.withLock { queue in
                defer { (queue.transfers, queue.jobs) = ([], []) }
                return (queue.transfers, queue.jobs)
            }
            for transfer in transfers {
                active[transfer.easy] = transfer
                curl_multi_add_handle(self.multi, transfer.easy)
            }
            for job in jobs {
                job.runSynchronously(on: self.asUnownedTaskExecutor())
            }
            if !active.isEmpty {
                var running: Int32 = 0
                curl_multi_perform(self.multi, &running)
                var left: Int32 = 0
                while let message = curl_multi_info_read(self.multi, &left) {
                    guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                    let code = message.pointee.data.result
                    curl_multi_remove_handle(self.multi, easy)
                    active.removeValue(forKey: easy)?.finish(code)
                }
            }
            // Sleeps until a socket is ready, a timeout is due, or `enqueue`/`start` wakes it; not while the
            // jobs just run (or a finished transfer's resumption) left work behind.
            if self.queue.withLock({ $0.transfers.isEmpty && $0.jobs.isEmpty }) {
                curl_multi_poll(self.multi, nil, 0, 1000, nil)
            }
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
