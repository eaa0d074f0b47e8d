package import LambdaRuntime
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A function that exercises the runtime: it echoes what it was told and what its context says, sleeps,
/// throws, logs or returns a response of a chosen size. The runtime conformance tests and the runtime
/// benchmark run it as a real bootstrap; it holds no business logic and is deployed only in `dev`.
package struct ProbeHandler: LambdaHandler {
    /// What the probe is asked to do.
    package struct Event: Decodable, Sendable {
        package var action: Action
        package var message: String?
        package var options: Options?
    }

    /// The probe's actions. `ping` answers with the message and request id only, the same work as the
    /// Python handler the runtime benchmark compares against; `echo` adds everything the context says.
    /// `sleep` waits (stopping when cancelled) and then logs through the context's logger and a logger of its
    /// own, so a test sees which invocation each line names; `block` holds its thread and ignores cancellation,
    /// the handler a concurrent runtime must survive.
    package enum Action: String, Decodable, Sendable {
        case ping, echo, fail, sleep, block, bytes, log
    }

    /// Parameters of `sleep` and `block` (`ms`) and `bytes` (`count`).
    package struct Options: Decodable, Sendable {
        package var ms: Int?
        package var count: Int?
    }

    /// The probe's answer: the message, the request id and, but for `ping`, what the context said.
    package struct Output: Encodable, Sendable {
        var message: String?
        var requestId: String
        var context: ContextEcho?
        var data: String?
    }

    /// What the context said about an invocation, echoed back.
    package struct ContextEcho: Encodable, Sendable {
        var traceId: String?
        var traceEnvironment: String?
        var tenantId: String?
        var invokedFunctionArn: String
        var remainingMs: Int64
        var clientContext: ClientContext?
        var cognitoIdentity: CognitoIdentity?
        var functionName: String
        var functionVersion: String
        var memoryLimitMB: Int
        var logGroupName: String
        var logStreamName: String
    }

    /// Thrown by `fail`.
    package struct ProbeFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// - Throws: `ProbeFailure` when `PROBE_FAIL_INIT` is set, to exercise `/init/error`.
    package init(environment: [String: String]) throws {
        if let reason = environment["PROBE_FAIL_INIT"], !reason.isEmpty {
            throw ProbeFailure(description: "initialisation refused: \(reason)")
        }
    }

    package func handle(_ event: Event, context: LambdaContext) async throws -> Output {
        var data: String?
        switch event.action {
        case .ping:
            return Output(message: event.message, requestId: context.requestId)
        case .echo:
            break
        case .fail:
            throw ProbeFailure(description: event.message ?? "failure requested")
        case .sleep:
            // Said before the sleep: a test knows the invocation is in the handler, not still on its way.
            context.logger.info("sleeping", metadata: ["probe": "sleep", "tag": "\(event.message ?? "")"])
            try await Task.sleep(for: .milliseconds(event.options?.ms ?? 1000))
            context.logger.info("slept", metadata: ["probe": "sleep", "tag": "\(event.message ?? "")"])
            Logger(label: "probe.own").info("slept (own logger)", metadata: ["tag": "\(event.message ?? "")"])
        case .block:
            usleep(UInt32(min(event.options?.ms ?? 1000, 60_000)) * 1000)
        case .bytes:
            data = String(repeating: "x", count: event.options?.count ?? 0)
        case .log:
            context.logger.info("\(event.message ?? "")", metadata: ["probe": "log"])
        }
        let echo = ContextEcho(
            traceId: context.traceId,
            traceEnvironment: getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) },
            tenantId: context.tenantId,
            invokedFunctionArn: context.invokedFunctionArn,
            remainingMs: context.remainingTime.components.seconds * 1000
                + context.remainingTime.components.attoseconds / 1_000_000_000_000_000,
            clientContext: context.clientContext,
            cognitoIdentity: context.cognitoIdentity,
            functionName: context.function.functionName,
            functionVersion: context.function.functionVersion,
            memoryLimitMB: context.function.memoryLimitMB,
            logGroupName: context.function.logGroupName,
            logStreamName: context.function.logStreamName
        )
        return Output(message: event.message, requestId: context.requestId, context: echo, data: data)
    }
}
