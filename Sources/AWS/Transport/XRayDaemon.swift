#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The X-Ray daemon Lambda runs beside a traced function: segment documents go to it over UDP, one
/// datagram each, fire and forget (a trace is best effort: a lost datagram costs a subsegment, never a call).
///
/// Environment: `AWS_XRAY_DAEMON_ADDRESS`, `host:port` or Lambda's `udp:host:port tcp:host:port`, the host
/// an IPv4 address (Lambda's is `169.254.79.129:2000`). Absent or unreadable: no daemon, nothing sent.
package final class XRayDaemon: Sendable {
    private let descriptor: Int32
    private let host: UInt32
    private let port: UInt16

    /// X-Ray's datagram header, which comes before each document.
    private static let header = #"{"format":"json","version":1}"# + "\n"

    package init?(environment: [String: String]) {
        guard let setting = environment["AWS_XRAY_DAEMON_ADDRESS"],
            let address = Self.udpAddress(setting),
            let colon = address.lastIndex(of: ":"),
            let port = UInt16(address[address.index(after: colon)...])
        else { return nil }
        var host = in_addr()
        guard inet_pton(AF_INET, String(address[..<colon]), &host) == 1 else { return nil }
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.host = host.s_addr
        self.port = port
    }

    deinit { close(self.descriptor) }

    /// The UDP address of either spelling.
    private static func udpAddress(_ setting: String) -> Substring? {
        let parts = setting.split(separator: " ")
        if let udp = parts.first(where: { $0.hasPrefix("udp:") }) { return udp.dropFirst(4) }
        return parts.count == 1 && !setting.contains("tcp:") ? parts[0] : nil
    }

    /// Sends one segment document (a JSON object).
    package func send(_ document: String) {
        var datagram = Self.header + document
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = self.port.bigEndian
        address.sin_addr.s_addr = self.host
        datagram.withUTF8 { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    _ = sendto(
                        self.descriptor,
                        bytes.baseAddress,
                        bytes.count,
                        Int32(MSG_DONTWAIT),
                        socketAddress,
                        socklen_t(MemoryLayout<sockaddr_in>.size)
                    )
                }
            }
        }
    }
}
