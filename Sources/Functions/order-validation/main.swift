import AWS
import FoundationEssentials
import LambdaRuntime
import Storefront

// Validates an order, reserves its stock and writes it (synchronous invoke): see OrderValidationHandler.
let environment = ProcessInfo.processInfo.environment
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment) {
    try OrderValidationHandler(environment: environment, aws: AWSClients(environment: environment))
}
