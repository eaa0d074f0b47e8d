import GavelLocal
import Synchronization

/// What `gavel-local dev` serves from the stack, each part replaceable while it runs, as `--watch` replaces
/// them when template.yaml changes: the stack's description, each function's pool, the gateway (routes,
/// CORS, authorizer) and the task that delivers the event sources.
final class LiveStack: Sendable {
    private struct State {
        var stack: LocalStack
        var pools: [String: FunctionPool]
        var gateway: LocalAPIGateway
        var wiring: Task<Void, Never>?
    }

    private let state: Mutex<State>

    init(stack: LocalStack, pools: [String: FunctionPool], gateway: LocalAPIGateway) {
        self.state = Mutex(State(stack: stack, pools: pools, gateway: gateway))
    }

    var stack: LocalStack { self.state.withLock { $0.stack } }
    var gateway: LocalAPIGateway { self.state.withLock { $0.gateway } }
    var pools: [String: FunctionPool] { self.state.withLock { $0.pools } }

    func pool(_ name: String) -> FunctionPool? {
        self.state.withLock { $0.pools[name] }
    }

    /// Serves `stack` from now on: requests already past the gateway finish on what they found.
    func replace(stack: LocalStack, pools: [String: FunctionPool], gateway: LocalAPIGateway) {
        self.state.withLock { state in
            state.stack = stack
            state.pools = pools
            state.gateway = gateway
        }
    }

    /// Runs `wiring` in place of the current event delivery, which is cancelled (a message it was
    /// delivering stays on its queue and comes back after its visibility timeout, as on Lambda).
    func rewire(_ wiring: Task<Void, Never>) {
        let previous = self.state.withLock { state in
            defer { state.wiring = wiring }
            return state.wiring
        }
        previous?.cancel()
    }

    /// Stops event delivery, at shutdown.
    func stopWiring() async {
        let wiring = self.state.withLock { $0.wiring }
        wiring?.cancel()
        await wiring?.value
    }
}
