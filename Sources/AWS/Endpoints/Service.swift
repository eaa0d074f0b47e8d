/// The AWS services Gavel calls, with the names each one goes by.
package enum Service: String, Sendable, CaseIterable {
    case dynamoDB, sqs, s3, secretsManager, kms, scheduler, sesV2
    /// Cognito user pools: only gavel-local calls it (to sign local users in); no function does.
    case cognitoIdentityProvider

    /// The signing name SigV4 uses (SES v2 signs as `ses` though its host is `email.<region>`).
    package var signingName: String {
        switch self {
        case .dynamoDB: "dynamodb"
        case .sqs: "sqs"
        case .s3: "s3"
        case .secretsManager: "secretsmanager"
        case .kms: "kms"
        case .scheduler: "scheduler"
        case .sesV2: "ses"
        case .cognitoIdentityProvider: "cognito-idp"
        }
    }

    /// The service id, as the SDKs name the service (and X-Ray names its subsegments).
    package var serviceId: String {
        switch self {
        case .dynamoDB: "DynamoDB"
        case .sqs: "SQS"
        case .s3: "S3"
        case .secretsManager: "Secrets Manager"
        case .kms: "KMS"
        case .scheduler: "Scheduler"
        case .sesV2: "SESv2"
        case .cognitoIdentityProvider: "Cognito Identity Provider"
        }
    }

    /// The first label of the service's regional host name.
    package var hostPrefix: String {
        switch self {
        case .sesV2: "email"
        default: self.signingName
        }
    }

    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>`: the service id, upper-cased, spaces as underscores.
    package var endpointVariableSuffix: String {
        switch self {
        case .dynamoDB: "DYNAMODB"
        case .sqs: "SQS"
        case .s3: "S3"
        case .secretsManager: "SECRETS_MANAGER"
        case .kms: "KMS"
        case .scheduler: "SCHEDULER"
        case .sesV2: "SESV2"
        case .cognitoIdentityProvider: "COGNITO_IDENTITY_PROVIDER"
        }
    }

    /// For the JSON-RPC services: the `X-Amz-Target` prefix and the content type (which names the JSON
    /// version: 1.0 for DynamoDB and SQS, 1.1 for Secrets Manager and KMS).
    package var jsonTarget: (prefix: String, contentType: String)? {
        switch self {
        case .dynamoDB: ("DynamoDB_20120810", "application/x-amz-json-1.0")
        case .sqs: ("AmazonSQS", "application/x-amz-json-1.0")
        case .secretsManager: ("secretsmanager", "application/x-amz-json-1.1")
        case .kms: ("TrentService", "application/x-amz-json-1.1")
        case .cognitoIdentityProvider: ("AWSCognitoIdentityProviderService", "application/x-amz-json-1.1")
        case .s3, .scheduler, .sesV2: nil
        }
    }
}
