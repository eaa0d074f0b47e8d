import API
import AWS
import GavelCore
import LambdaRuntime

// The marketplace's HTTP API (API Gateway HTTP API, payload 2.0, Cognito JWT authorizer) and the user pool's
// post-confirmation trigger: see APIFunction.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    APIFunction(try APIHandler(environment: environment, aws: AWSClients(environment: environment)))
}
