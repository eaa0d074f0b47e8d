package import AWS
import Synchronization

/// The one transport double: canned responses in, recorded requests out. It covers what moto cannot
/// produce on demand (throttling, 5xx runs, resets); everything else talks to moto through `CurlTransport`.
package final class ScriptedTransport: HTTPTransport {
    /// One scripted answer.
    package enum Step: Sendable {
        case respond(TransportResponse)
        case fail(TransportError)
    }

    private let state: Mutex<(steps: [Step], requests: [TransportRequest])>

    package init(_ steps: [Step]) {
        self.state = Mutex((steps, []))
    }

    /// Every request sent so far, in order.
    package var requests: [TransportRequest] { self.state.withLock { $0.requests } }

    package func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let step = self.state.withLock { state -> Step? in
            state.requests.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response): return response
        case .fail(let error): throw error
        case nil: throw .failed("ScriptedTransport: nothing scripted for request \(self.requests.count)")
        }
    }
}
