import LiveAuction
import AWS
import FoundationEssentials
import GavelCore
import LambdaRuntime

// Live-auction bids from the bid-persistence FIFO queue into bids_history: see BidPersistenceHandler.
let environment = ProcessInfo.processInfo.environment
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment) {
    try BidPersistenceHandler(environment: environment, aws: AWSClients(environment: environment))
}
