package import FoundationEssentials
import LambdaRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// X-Ray's daemon, locally: a UDP socket on loopback keeping the segment documents functions send (the last
/// `keptTraces` traces), so `gavel-local dev`'s console can show a trace's AWS and eBay calls.
///
/// Functions find it as Lambda's do, through `AWS_XRAY_DAEMON_ADDRESS` (`address`).
package final class LocalXRayDaemon: Sendable {
    /// One received subsegment, as the console shows it.
    package struct Segment: Codable, Sendable, Equatable {
        package var traceId: String
        package var parentId: String?
        package var name: String
        package var operation: String?
        package var status: Int?
        package var startTime: Double
        package var endTime: Double
        package var error: Bool
        package var fault: Bool
        package var throttle: Bool
    }

    /// What the socket keeps: traces in arrival order of their first segment.
    package static let keptTraces = 200

    package let port: UInt16
    private let descriptor: Int32
    private let traces = Mutex<(order: [String], segments: [String: [Segment]])>(([], [:]))

    /// Binds a port on 127.0.0.1 (0: any free one) and starts reading.
    package init(port: UInt16 = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                descriptor >= 0 && bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            if descriptor >= 0 { close(descriptor) }
            throw LocalError.serverFailed("the local X-Ray daemon could not bind a UDP port on 127.0.0.1")
        }
        self.descriptor = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
        let started = DetachedThread.start { [self] in self.read() }
        guard started else { throw LocalError.serverFailed("the local X-Ray daemon could not start its thread") }
    }

    /// Stops reading: the socket is shut, which ends the reading thread.
    package func stop() {
        shutdown(self.descriptor, Int32(SHUT_RDWR))
    }

    deinit { close(self.descriptor) }

    /// The value of `AWS_XRAY_DAEMON_ADDRESS`, in Lambda's spelling.
    package var address: String { "udp:127.0.0.1:\(self.port) tcp:127.0.0.1:\(self.port)" }

    /// The segments of the trace with root `traceId`, in start order.
    package func segments(of traceId: String) -> [Segment] {
        self.traces.withLock { ($0.segments[traceId] ?? []).sorted { $0.startTime < $1.startTime } }
    }

    /// The trace roots kept, newest first.
    package var recentTraces: [String] { self.traces.withLock { $0.order.reversed() } }

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(self.descriptor, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            if let segment = Self.segment(Array(buffer[0..<count])) { self.keep(segment) }
        }
    }

    private func keep(_ segment: Segment) {
        self.traces.withLock { traces in
            if traces.segments[segment.traceId] == nil {
                traces.order.append(segment.traceId)
                if traces.order.count > Self.keptTraces {
                    traces.segments[traces.order.removeFirst()] = nil
                }
            }
            traces.segments[segment.traceId, default: []].append(segment)
        }
    }

    /// A datagram's document (after X-Ray's header line); nil for anything else, which a daemon ignores.
    static func segment(_ datagram: [UInt8]) -> Segment? {
        struct Document: Decodable {
            struct AWS: Decodable { var operation: String? }
            struct HTTP: Decodable {
                struct Response: Decodable { var status: Int? }
                var response: Response?
            }
            var trace_id: String
            var parent_id: String?
            var name: String
            var start_time: Double
            var end_time: Double?
            var aws: AWS?
            var http: HTTP?
            var error: Bool?
            var fault: Bool?
            var throttle: Bool?
        }
        guard let newline = datagram.firstIndex(of: 10),
            let document = try? JSONDecoder().decode(Document.self, from: Data(datagram[(newline + 1)...]))
        else { return nil }
        return Segment(
            traceId: document.trace_id,
            parentId: document.parent_id,
            name: document.name,
            operation: document.aws?.operation,
            status: document.http?.response?.status,
            startTime: document.start_time,
            endTime: document.end_time ?? document.start_time,
            error: document.error ?? false,
            fault: document.fault ?? false,
            throttle: document.throttle ?? false
        )
    }
}
