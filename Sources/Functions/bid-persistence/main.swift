import AWS
import LambdaRuntime
import LiveAuction

// Live-auction bids from the bid-persistence FIFO queue into bids_history: see BidPersistenceHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    try BidPersistenceHandler(environment: environment, aws: AWSClients(environment: environment))
}
