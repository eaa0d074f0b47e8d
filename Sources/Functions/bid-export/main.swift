import AWS
import BidExport
import LambdaRuntime

// A signed-in user's live bids as CSV through a streaming Function URL: see BidExportHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.runStreaming(environment: environment, executor: CurlEventLoop.shared) {
    BidExportHandler(
        configuration: try BidExportConfiguration(environment: environment),
        aws: try AWSClients(environment: environment)
    )
}
