import API
import AWS
import FoundationEssentials
import GavelCore
import LambdaRuntime

// The sniper's HTTP API (API Gateway HTTP API, payload 2.0, Cognito JWT authorizer): see APIHandler.
let environment = ProcessInfo.processInfo.environment
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment) {
    try APIHandler(environment: environment, aws: AWSClients(environment: environment))
}
