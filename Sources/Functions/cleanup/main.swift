import AWS
import LambdaRuntime
import Storefront

// The daily cleanup of old Analytics and expired Sessions (EventBridge schedule): see CleanupHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    try CleanupHandler(environment: environment, aws: AWSClients(environment: environment))
}
