import AWS
import GavelCore
import LambdaRuntime
import Sniper

// Places a snipe bid when its Scheduler schedule fires, and sweeps overdue bids: see BidExecutorHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    try BidExecutorHandler(environment: environment, aws: AWSClients(environment: environment))
}
