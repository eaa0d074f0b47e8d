import AWS
import LambdaRuntime
import Notifications

// Emails from the notification FIFO queue through Postmark or SES: see NotificationsHandler.
let environment = FunctionEnvironment.process
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment, executor: CurlEventLoop.shared) {
    try NotificationsHandler(environment: environment, aws: AWSClients(environment: environment))
}
