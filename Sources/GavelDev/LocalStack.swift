import FoundationEssentials
import GavelLocal

/// The stack `LocalProvisioner` created on moto from template.yaml: what `gavel-local dev` runs and wires.
package struct LocalStack: Codable, Sendable {
    /// One function: its environment with every `!Ref`/`!GetAtt`/`!Sub` resolved, and its event sources.
    package struct Function: Codable, Sendable {
        package var logicalId: String
        package var environment: [String: String]
        package var events: [EventSource]
        /// The function's `FunctionUrlConfig`, if it has one.
        package var url: FunctionURL?
    }

    /// A Function URL: served on a port of its own, as each has a host of its own on AWS.
    package struct FunctionURL: Codable, Sendable {
        /// `NONE` or `AWS_IAM` (not checked locally: the template's only URL is `NONE`).
        package var authType: String
        /// `RESPONSE_STREAM` streams the response as the function writes it; `BUFFERED` takes it whole.
        package var streams: Bool
        package var cors: HTTPAPI.CORS?
    }

    /// An `Events` entry of a function, as gavel-local delivers it.
    package struct EventSource: Codable, Sendable {
        /// `sqs`, `s3` (through the internal queue the bucket notifies), `schedule`, `http` or `cognito`.
        package var type: String
        package var name: String
        package var queueUrl: String?
        package var queueArn: String?
        package var batchSize: Int?
        package var reportBatchItemFailures: Bool?
        package var bucket: String?
        package var expression: String?
        package var input: String?
        package var path: String?
        package var method: String?
        package var authorized: Bool?
        /// A `cognito` source's trigger (`PostConfirmation`).
        package var trigger: String?

        init(type: String, name: String) {
            self.type = type
            self.name = name
        }
    }

    /// The HTTP API's CORS and JWT authorizer settings.
    package struct HTTPAPI: Codable, Sendable {
        package struct CORS: Codable, Sendable {
            package var allowOrigins: [String]
            package var allowMethods: [String]
            package var allowHeaders: [String]
            package var maxAge: Int
        }
        package var cors: CORS
        package var issuer: String?
        package var audience: [String]
    }

    package struct UserPool: Codable, Sendable {
        package var id: String
        package var clientId: String
    }

    /// The signed-up demo user and products the provisioner seeded.
    package struct Demo: Codable, Sendable {
        package var email: String
        package var password: String
        package var userId: String
        package var products: [String]
    }

    package var region: String
    /// The embedded AWS (moto) the stack lives on.
    package var endpoint: String
    package var functions: [String: Function]
    package var httpApi: HTTPAPI?
    package var userPool: UserPool
    package var scheduleGroups: [String]
    package var buckets: [String]
    /// Dead-letter queue name → URL.
    package var deadLetterQueues: [String: String]
    /// Dead-letter queue name → the URL of the queue whose redrive policy sends its failures there.
    package var deadLetterSources: [String: String]?
    package var demo: Demo?
    /// The bucket the template's CloudFront distribution serves, if it has one (`gavel-local dev`'s CDN port).
    package var cdnBucket: String?
    /// What the provisioner made, so a changed template can be applied to the running stack (nil in a
    /// description written by an older gavel-local).
    package var provisioned: Provisioned?

    /// Each resource the provisioner made (logical id → its type and the resolved properties it was made from,
    /// one line of type then JSON), with the names and attributes the rest of the stack refers to.
    package struct Provisioned: Codable, Sendable {
        package var made: [String: String]
        package var refs: [String: String]
        package var attributes: [String: String]

        func type(of logicalId: String) -> String? {
            self.made[logicalId].map { String($0.prefix { $0 != "\n" }) }
        }
    }

    /// The function Cognito calls after a user confirms their sign-up, if the template has one.
    package var postConfirmationFunction: String? {
        self.functions.sorted { $0.key < $1.key }.first { _, function in
            function.events.contains { $0.type == "cognito" && $0.trigger == "PostConfirmation" }
        }?.key
    }
}

extension LocalStack {
    /// Reads a description `gavel-local` wrote.
    package init(path: String) throws {
        do {
            let data = try Data(contentsOf: URL(filePath: path))
            self = try JSONDecoder().decode(LocalStack.self, from: data)
        } catch {
            throw LocalError.dev("cannot read the local stack at \(path) (is `scripts/dev` running?): \(error)")
        }
    }

    /// Writes the description `gavel-local dev --stack` and scripts read.
    package func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(self).write(to: URL(filePath: path), options: .atomic)
        } catch {
            throw LocalError.dev("cannot write the local stack to \(path): \(error)")
        }
    }
}
