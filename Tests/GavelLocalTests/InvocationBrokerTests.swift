import FoundationEssentials
import GavelLocal
import LambdaRuntime
import Testing

@Suite struct InvocationBrokerTests {
    /// - Parameter deadlineMs: a minute from now unless given.
    private func request(_ event: String, deadlineMs: Int64 = WallClock.nowMs() + 60_000) -> InvocationRequest {
        InvocationRequest(event: Data(event.utf8), deadlineMs: deadlineMs, invokedFunctionArn: "arn")
    }

    /// The deadline decides, not the caller's timer (which a loaded machine wakes late): an answer after it is
    /// told 410 and leaves the invocation pending, and the timer, when it fires, ends it as timed out.
    @Test func anAnswerAfterTheDeadlineIsRefusedBeforeTheTimerFires() async throws {
        let broker = InvocationBroker()
        let request = self.request("{}", deadlineMs: WallClock.nowMs() - 1)
        async let outcome = broker.invoke(request)
        let delivered = try #require(await broker.next())
        let answer = await broker.finish(
            delivered.requestId,
            invocationId: delivered.invocationId,
            with: .response(Data("late".utf8))
        )
        #expect(answer == .timedOut)
        let stream = await broker.beginStream(
            delivered.requestId,
            invocationId: delivered.invocationId,
            contentType: "application/octet-stream"
        )
        if case .refused(.timedOut) = stream {
        } else {
            Issue.record("a stream after the deadline was taken: \(stream)")
        }
        await broker.expire(delivered.requestId, with: .timedOut(seconds: 1))
        #expect(await outcome == .timedOut(seconds: 1))
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
