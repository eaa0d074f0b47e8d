#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A socket of its own on 127.0.0.1 at a free port, for tests that play a peer on a bare socket: a Runtime
/// API read byte by byte, an X-Ray daemon's UDP port.
package enum LoopbackSocket {
    /// A listening TCP socket (backlog 8).
    package static func listening() throws -> (descriptor: Int32, port: Int) {
        try self.bound(Int32(SOCK_STREAM.rawValue), listen: true)
    }

    /// A UDP socket.
    package static func datagram() throws -> (descriptor: Int32, port: Int) {
        try self.bound(Int32(SOCK_DGRAM.rawValue), listen: false)
    }

    private static func bound(_ type: Int32, listen listens: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw MissingPrerequisite("no socket on loopback") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && (!listens || listen(descriptor, 8) == 0)
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw MissingPrerequisite("cannot bind a socket on loopback")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
