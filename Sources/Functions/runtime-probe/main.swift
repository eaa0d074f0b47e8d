import FoundationEssentials
import LambdaRuntime
import RuntimeProbe

// The runtime's own test fixture: see ProbeHandler.
let environment = ProcessInfo.processInfo.environment
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment) {
    try ProbeHandler(environment: environment)
}
