import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 server on its own thread that answers every request with the same 200 and keeps the
/// connection open: the far end for measuring the client's own cost per request.
final class StubServer: @unchecked Sendable {
    let port: Int
    /// The server thread's CPU so far, as of its last answer: subtracted from the process's, it leaves the
    /// client's.
    var cpuNs: UInt64 { self.cpu.load(ordering: .acquiring) }
    private let cpu = Atomic<UInt64>(0)
    private let listener: Int32
    private let response: [UInt8]

    init(body: String) {
        self.response = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: bench\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                .utf8
        )
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                precondition(bind(listener, $0, length) == 0, "bind failed")
                _ = getsockname(listener, $0, &length)
            }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        precondition(listen(self.listener, 16) == 0, "listen failed")
        var thread = pthread_t()
        let me = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &thread,
            nil,
            { argument in
                Unmanaged<StubServer>.fromOpaque(argument!).takeUnretainedValue().serve()
                return nil
            },
            me
        )
    }

    private func serve() {
        while true {
            let connection = accept(self.listener, nil, nil)
            guard connection >= 0 else { continue }
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            reading: while true {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { break reading }
                pending += buffer[0..<count]
                // Answer every complete request (headers plus Content-Length bytes) in what has arrived.
                while let end = Self.requestEnd(pending) {
                    pending.removeFirst(end)
                    _ = self.response.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                    self.cpu.store(clockNs(CLOCK_THREAD_CPUTIME_ID), ordering: .releasing)
                }
            }
            close(connection)
        }
    }

    private static func requestEnd(_ bytes: [UInt8]) -> Int? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
            let headerEnd = (0...(bytes.count - 4)).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) })
        else { return nil }
        let headers = String(decoding: bytes[0..<headerEnd], as: UTF8.self).lowercased()
        var length = 0
        if let range = headers.firstRange(of: "content-length:") {
            length = Int(headers[range.upperBound...].prefix { $0 != "\r" }.filter { $0 != " " }) ?? 0
        }
        let end = headerEnd + 4 + length
        return bytes.count >= end ? end : nil
    }
}
