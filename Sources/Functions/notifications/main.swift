import Notifications
import AWS
import FoundationEssentials
import GavelCore
import LambdaRuntime

// Emails from the notification FIFO queue through Postmark or SES: see NotificationsHandler.
let environment = ProcessInfo.processInfo.environment
LambdaLogHandler.bootstrap(environment: environment)
Lambda.run(environment: environment) {
    try NotificationsHandler(environment: environment, aws: AWSClients(environment: environment))
}
