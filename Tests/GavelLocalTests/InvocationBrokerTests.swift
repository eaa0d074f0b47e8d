import FoundationEssentials
import GavelLocal
import LambdaRuntime
import Testing

@Suite struct InvocationBrokerTests {
    private func request(_ event: String) -> InvocationRequest {
        InvocationRequest(event: Data(event.utf8), deadlineMs: 0, invokedFunctionArn: "arn")
    }

    @Test func aQueuedEventGoesToTheNextRuntimeAndItsOutcomeToTheCaller() async throws {
        let broker = InvocationBroker()
        let request = self.request("{}")
        async let outcome = broker.invoke(request)
        let delivered = try #require(await broker.next())
        #expect(delivered.requestId == request.requestId)
        let answer = await broker.finish(
            delivered.requestId,
            invocationId: delivered.invocationId,
            with: .response(Data("ok".utf8))
        )
        #expect(answer == .accepted)
        #expect(await outcome == .response(Data("ok".utf8)))
    }

    @Test func anUnknownRequestIdIsRefused() async {
        #expect(await InvocationBroker().finish("nope", invocationId: nil, with: .response(Data())) == .unknown)
    }

    /// An answer must carry the attempt's invocation id; a late answer after a timeout is told 410's reason.
    @Test func anAnswerFromAnotherAttemptOrAfterTheTimeoutIsRefused() async throws {
        let broker = InvocationBroker()
        let request = self.request("{}")
        async let outcome = broker.invoke(request)
        let delivered = try #require(await broker.next())
        #expect(delivered.invocationId == request.invocationId && delivered.invocationId != delivered.requestId)
        for echoed in [nil, "another-attempt"] {
            let answer = await broker.finish(delivered.requestId, invocationId: echoed, with: .response(Data()))
            #expect(answer == .wrongInvocation(echoed: echoed))
        }
        await broker.finishAll(with: .timedOut(seconds: 1))
        #expect(await outcome.isError)
        let late = await broker.finish(
            delivered.requestId,
            invocationId: delivered.invocationId,
            with: .response(Data())
        )
        #expect(late == .timedOut)
    }

    @Test func aDroppedRuntimeTakesNoEvent() async throws {
        let broker = InvocationBroker()
        async let stale = broker.next()
        // Wait for the child task to park, however loaded the machine is; a fixed sleep raced it.
        while await broker.waitingRuntimeCount == 0 { try await Task.sleep(for: .milliseconds(2)) }
        await broker.dropWaitingRuntimes()
        #expect(await stale == nil)
        let request = self.request("{}")
        async let outcome = broker.invoke(request)
        #expect(await broker.next()?.requestId == request.requestId)
        await broker.finishAll(with: .timedOut(seconds: 1.5))
        #expect(
            await outcome
                == .error(ErrorReport(errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.50 seconds"))
        )
    }
}
