import LambdaRuntime
import RuntimeProbe

// The runtime's own test fixture: see ProbeHandler, and StreamingProbeHandler for `_HANDLER=stream` (the
// function's `Handler` property).
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
if environment["_HANDLER"] == "stream" {
    Lambda.runStreaming(environment: environment) { StreamingProbeHandler() }
}
Lambda.run(environment: environment) {
    try ProbeHandler(environment: environment)
}
