import AWS
import Foundation
import GavelTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Inside a sampled invocation every request becomes one X-Ray subsegment datagram to the daemon, parented
/// on the invocation's segment; unsampled or untraced work sends nothing.
@Suite struct TracingTransportTests {
    /// A UDP socket on loopback standing in for the X-Ray daemon.
    final class Daemon: @unchecked Sendable {
        let descriptor: Int32
        let port: UInt16

        init() throws {
            let (descriptor, port) = try LoopbackSocket.datagram()
            var wait = timeval(tv_sec: 0, tv_usec: 300_000)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            self.descriptor = descriptor
            self.port = UInt16(port)
        }

        deinit { close(self.descriptor) }

        /// The documents received until none arrives for 300 ms, each checked for X-Ray's header line.
        func documents() throws -> [[String: Any]] {
            var documents: [[String: Any]] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = recv(self.descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { return documents }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                let lines = text.split(separator: "\n", maxSplits: 1)
                #expect(lines.first == #"{"format":"json","version":1}"#)
                let document = try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any]
                documents.append(try #require(document))
            }
        }
    }

    static let root = "1-6b104f55-45bd13e17e344cacc552ee24"
    static let parent = "a6936496a6c0e417"

    func dynamo(_ transport: ScriptedTransport, daemon: Daemon) throws -> DynamoDB {
        let environment = [
            "AWS_REGION": "eu-west-2", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_XRAY_DAEMON_ADDRESS": "udp:127.0.0.1:\(daemon.port) tcp:127.0.0.1:\(daemon.port)",
        ]
        return DynamoDB(client: try AWSClients(environment: environment, transport: transport).client(.dynamoDB))
    }

    @Test func eachAttemptOfASampledCallIsASubsegmentOfTheInvocation() async throws {
        let daemon = try Daemon()
        let transport = ScriptedTransport([
            .respond(
                TransportResponse(
                    status: 400,
                    body: Array(##"{"__type":"#ThrottlingException","message":"slow"}"##.utf8)
                )
            ),
            .respond(TransportResponse(status: 200, headers: ["x-amzn-requestid": "REQ123"], body: Array("{}".utf8))),
        ])
        let dynamo = try self.dynamo(transport, daemon: daemon)
        let header = "Root=\(Self.root);Parent=\(Self.parent);Sampled=1;Lineage=a:1"
        _ = try await InvocationTrace.$current.withValue(header) {
            try await dynamo.getItem(table: "Bids", key: ["id": .s("b-1")])
        }
        let documents = try daemon.documents()
        #expect(documents.count == 2)
        for document in documents {
            #expect(document["type"] as? String == "subsegment" && document["name"] as? String == "DynamoDB")
            #expect(document["trace_id"] as? String == Self.root && document["parent_id"] as? String == Self.parent)
            #expect((document["id"] as? String)?.count == 16 && document["namespace"] as? String == "aws")
            let aws = document["aws"] as? [String: Any]
            #expect(aws?["operation"] as? String == "GetItem" && aws?["region"] as? String == "eu-west-2")
            let start = try #require(document["start_time"] as? Double)
            let end = try #require(document["end_time"] as? Double)
            #expect(start <= end && abs(start - Date().timeIntervalSince1970) < 60)
        }
        #expect(documents[0]["error"] as? Bool == true, "the throttled attempt")
        #expect((documents[1]["aws"] as? [String: Any])?["request_id"] as? String == "REQ123")
        #expect(((documents[1]["http"] as? [String: Any])?["response"] as? [String: Any])?["status"] as? Int == 200)
    }

    @Test func anUnsampledOrUntracedCallSendsNothing() async throws {
        let daemon = try Daemon()
        let ok = ScriptedTransport.Step.respond(TransportResponse(status: 200, body: Array("{}".utf8)))
        let dynamo = try self.dynamo(ScriptedTransport([ok, ok, ok]), daemon: daemon)
        _ = try await dynamo.getItem(table: "Bids", key: ["id": .s("b-1")])
        _ = try await InvocationTrace.$current.withValue("Root=\(Self.root);Parent=\(Self.parent);Sampled=0") {
            try await dynamo.getItem(table: "Bids", key: ["id": .s("b-1")])
        }
        _ = try await InvocationTrace.$current.withValue("Root=garbage;Sampled=1") {
            try await dynamo.getItem(table: "Bids", key: ["id": .s("b-1")])
        }
        #expect(try daemon.documents().isEmpty)
    }

    @Test func aCallToAnotherHostIsNamedByItsHostAndAFailureIsAFault() async throws {
        let daemon = try Daemon()
        let scripted = ScriptedTransport([.fail(.connectFailed("refused"))])
        let environment = ["AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:\(daemon.port)"]
        let transport = TracingTransport(scripted, daemon: try #require(XRayDaemon(environment: environment)))
        await InvocationTrace.$current.withValue("Root=\(Self.root);Parent=\(Self.parent);Sampled=1") {
            let request = TransportRequest(method: "POST", url: "https://api.ebay.com/buy/offer/v1?token=secret")
            await #expect(throws: TransportError.self) { try await transport.send(request) }
        }
        let document = try #require(try daemon.documents().first)
        #expect(document["name"] as? String == "api.ebay.com" && document["namespace"] as? String == "remote")
        #expect(document["fault"] as? Bool == true)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        #expect(!text.contains("secret"), "no query, header or body in a subsegment")
    }

    @Test(arguments: ["", "localhost:2000", "tcp:127.0.0.1:2000", "127.0.0.1", "127.0.0.1:99999"])
    func anUnusableDaemonAddressMeansNoTracing(address: String) {
        #expect(XRayDaemon(environment: ["AWS_XRAY_DAEMON_ADDRESS": address]) == nil)
    }
}
