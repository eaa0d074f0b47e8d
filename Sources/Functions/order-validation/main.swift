import AWS
import LambdaRuntime
import Storefront

// Validates an order, reserves its stock and writes it (synchronous invoke): see OrderValidationHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    try OrderValidationHandler(environment: environment, aws: AWSClients(environment: environment))
}
