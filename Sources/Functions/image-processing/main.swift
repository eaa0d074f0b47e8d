import AWS
import Imaging
import LambdaRuntime

// Thumbnails of product images uploaded under uploads/ (S3 ObjectCreated): see ThumbnailHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    try ThumbnailHandler(environment: environment, aws: AWSClients(environment: environment))
}
