import CCurl

/// The curl path's floor, for issue 18's "AWS call path without a thread hop": the same POST to the same
/// stub by `curl_easy_perform` on the calling thread, one easy handle set up once and reused. What a call
/// from a task on `CurlEventLoop` spends beyond this is the multi interface's bookkeeping, a new easy handle
/// with its options per request, the continuation, and the client's own work (sign, JSON, measured apart);
/// from the global pool, also the hop to curl's thread and back.
/// - Returns: the medians of 5 rounds, per call: wall time, and the client's CPU (the process's but the stub's).
func curlFloorNs(stub: StubServer, calls: Int) async -> (wall: Double, cpu: Double) {
    guard let easy = curl_easy_init() else { fatalError("curl_easy_init returned NULL") }
    defer { curl_easy_cleanup(easy) }
    let body = Array(#"{"TableName":"gavel-dev-Bids","Key":{"userId":{"S":"u-1"},"bidId":{"S":"b-1"}}}"#.utf8)
    var headers = curl_slist_append(nil, "Expect:")
    headers = curl_slist_append(headers, "Content-Type: application/x-amz-json-1.0")
    headers = curl_slist_append(headers, "X-Amz-Target: DynamoDB_20120810.GetItem")
    defer { curl_slist_free_all(headers) }
    "http://127.0.0.1:\(stub.port)/".withCString { _ = gavel_curl_set_pointer(easy, CURLOPT_URL, $0) }
    gavel_curl_set_long(easy, CURLOPT_NOSIGNAL, 1)
    gavel_curl_set_pointer(easy, CURLOPT_HTTPHEADER, headers)
    gavel_curl_set_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
    body.withUnsafeBytes { _ = gavel_curl_set_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
    // The answer is dropped: counting its bytes is all a floor needs.
    gavel_curl_set_callback(easy, CURLOPT_WRITEFUNCTION) { _, size, count, _ in size * count }
    return await medianPerCall(of: calls, stub: stub) {
        precondition(curl_easy_perform(easy) == CURLE_OK, "the stub did not answer")
    }
}

/// The medians of 5 rounds of `calls` calls of `call`: wall time per call, and the client's CPU per call (the
/// process's CPU less what `stub` spent answering).
func medianPerCall(
    of calls: Int,
    stub: StubServer,
    _ call: () async -> Void
) async -> (wall: Double, cpu: Double) {
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<5 {
        let (start, startCPU, startStub) = (nowNs(), processCPUNs(), stub.cpuNs)
        for _ in 0..<calls { await call() }
        wall.append(Double(nowNs() - start) / Double(calls))
        cpu.append(Double(Int64(processCPUNs() - startCPU) - Int64(stub.cpuNs - startStub)) / Double(calls))
    }
    return (wall.sorted()[2], cpu.sorted()[2])
}
