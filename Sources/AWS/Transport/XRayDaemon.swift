import JSON

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
    private static let header = Array((#"{"format":"json","version":1}"# + "\n").utf8)

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
        return parts.count == 1 && !setting.contains(text: "tcp:") ? parts[0] : nil
    }

    /// Sends one segment document (a JSON object) after X-Ray's header line, in one datagram gathered from
    /// both buffers (`sendmsg`), so the document is not copied.
    package func send(_ document: [UInt8]) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = self.port.bigEndian
        address.sin_addr.s_addr = self.host
        Self.header.withUnsafeBytes { header in
            document.withUnsafeBytes { body in
                var parts = [
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: header.baseAddress), iov_len: header.count),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count),
                ]
                withUnsafeMutablePointer(to: &address) { socketAddress in
                    parts.withUnsafeMutableBufferPointer { vectors in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(socketAddress)
                        message.msg_namelen = socklen_t(MemoryLayout<sockaddr_in>.size)
                        message.msg_iov = vectors.baseAddress
                        message.msg_iovlen = vectors.count
                        _ = sendmsg(self.descriptor, &message, Int32(MSG_DONTWAIT))
                    }
                }
            }
        }
    }
}
