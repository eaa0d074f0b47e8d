import AWS
import Testing

@Suite struct EndpointResolverTests {
    @Test func regionalEndpointsByDefault() throws {
        let resolver = try EndpointResolver(environment: ["AWS_REGION": "eu-west-1"])
        #expect(resolver.endpoint(for: .dynamoDB).baseURL == "https://dynamodb.eu-west-1.amazonaws.com")
        #expect(resolver.endpoint(for: .sesV2).host == "email.eu-west-1.amazonaws.com")
        #expect(resolver.endpoint(for: .secretsManager).baseURL == "https://secretsmanager.eu-west-1.amazonaws.com")
    }

    @Test func theDefaultRegionIsTheFallback() throws {
        #expect(try EndpointResolver(environment: ["AWS_DEFAULT_REGION": "us-west-2"]).region == "us-west-2")
        #expect(
            try EndpointResolver(environment: ["AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-west-2"]).region
                == "eu-central-1"
        )
    }

    @Test func aMissingRegionSaysWhatToSet() {
        #expect {
            try EndpointResolver(environment: [:])
        } throws: { error in
            "\(error)".contains("AWS_REGION")
        }
    }

    @Test func aServiceVariableBeatsTheGlobalOne() throws {
        let resolver = try EndpointResolver(environment: [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:6000",
        ])
        let sqs = resolver.endpoint(for: .sqs)
        #expect(sqs.baseURL == "http://127.0.0.1:5000")
        #expect(sqs.host == "127.0.0.1:5000")
        #expect(sqs.isCustom)
        #expect(resolver.endpoint(for: .secretsManager).baseURL == "http://127.0.0.1:6000")
    }

    @Test func s3IsVirtualHostedOnAWSAndPathStyleOnACustomEndpoint() throws {
        let aws = try EndpointResolver(environment: ["AWS_REGION": "us-east-1"])
        let onAWS = aws.s3Location(bucket: "gavel-images", key: "uploads/p-1/photo 1.jpg")
        #expect(onAWS.url == "https://gavel-images.s3.us-east-1.amazonaws.com/uploads/p-1/photo%201.jpg")
        #expect(onAWS.host == "gavel-images.s3.us-east-1.amazonaws.com")
        let local = try EndpointResolver(environment: [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:5000",
        ])
        let onMoto = local.s3Location(bucket: "gavel-images", key: "uploads/p-1/a+b.png")
        #expect(onMoto.url == "http://127.0.0.1:5000/gavel-images/uploads/p-1/a%2Bb.png")
        #expect(onMoto.path == "/gavel-images/uploads/p-1/a%2Bb.png")
    }

    @Test func everyServiceHasItsVariableAndSigningName() {
        #expect(
            Service.allCases.map(\.endpointVariableSuffix) == [
                "DYNAMODB", "SQS", "S3", "SECRETS_MANAGER", "KMS", "SCHEDULER", "SESV2", "COGNITO_IDENTITY_PROVIDER",
            ]
        )
        #expect(Service.sesV2.signingName == "ses")
    }
}

@Suite struct EnvironmentCredentialsTests {
    @Test func readsTheKeyPairAndToken() {
        let credentials = EnvironmentCredentials.read([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        #expect(credentials == Credentials(accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token"))
    }

    @Test func halfAKeyPairIsNoCredentials() {
        #expect(EnvironmentCredentials.read(["AWS_ACCESS_KEY_ID": "AKID"]) == nil)
        #expect(EnvironmentCredentials.read(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": ""]) == nil)
        #expect(
            EnvironmentCredentials.read([
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "",
            ])?.sessionToken == nil
        )
    }
}
