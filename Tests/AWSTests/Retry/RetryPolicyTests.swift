import AWS
import Testing

@Suite struct RetryPolicyTests {
    private func error(code: String?, status: Int?) -> AWSError {
        .service(.init(service: "dynamodb", operation: "PutItem", code: code, status: status), message: "m")
    }

    @Test(
        arguments: [
            ("ThrottlingException", 400, RetryClassification.Class.throttling),
            ("ProvisionedThroughputExceededException", 400, .throttling),
            ("SlowDown", 503, .throttling), (nil, 429, .throttling), ("InternalServerError", 500, .transient),
            (nil, 502, .transient),
            ("RequestTimeout", 400, .transient), ("ConditionalCheckFailedException", 400, .none),
            ("TransactionConflictException", 400, .none),
            ("ValidationException", 400, .none),
        ] as [(String?, Int, RetryClassification.Class)]
    )
    func classifiesLikeTheSDKs(code: String?, status: Int, expected: RetryClassification.Class) {
        #expect(self.error(code: code, status: status).retryClass == expected)
    }

    @Test func transportErrorsAreTransientAndDeadlinesAreNot() {
        let context = AWSError.Context(service: "sqs", operation: "SendMessage")
        #expect(AWSError.transport(context, "connection reset").retryClass == .transient)
        #expect(AWSError.deadline(context, attempts: 2, last: nil).retryClass == .none)
    }

    @Test func backoffIsFullJitterCappedAtTwentySeconds() {
        let policy = RetryPolicy(maxAttempts: 10)
        let ceilings: [Duration] = [
            .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(20), .seconds(20),
        ]
        for (index, ceiling) in ceilings.enumerated() {
            #expect(policy.backoff(attempt: index + 1, random: 0) == .zero)
            #expect(policy.backoff(attempt: index + 1, random: 1) == ceiling)
            #expect(policy.backoff(attempt: index + 1, random: 0.5) == ceiling / 2)
        }
    }

    @Test func stopsAtMaxAttemptsAndOnErrorsThatAreNotRetryable() {
        let policy = RetryPolicy(maxAttempts: 3)
        let bucket = RetryTokenBucket()
        let throttled = self.error(code: "ThrottlingException", status: 400)
        #expect(
            policy.decide(attempt: 1, error: throttled, remaining: nil, random: 0.5, tokens: bucket)
                == .retry(after: .milliseconds(500))
        )
        #expect(
            policy.decide(attempt: 2, error: throttled, remaining: nil, random: 0.5, tokens: bucket)
                == .retry(after: .seconds(1))
        )
        #expect(policy.decide(attempt: 3, error: throttled, remaining: nil, random: 0.5, tokens: bucket) == .giveUp)
        #expect(
            policy.decide(
                attempt: 1,
                error: self.error(code: "ValidationException", status: 400),
                remaining: nil,
                random: 0.5,
                tokens: bucket
            ) == .giveUp
        )
    }

    @Test func neverSleepsPastTheDeadline() {
        let policy = RetryPolicy(maxAttempts: 5)
        let bucket = RetryTokenBucket()
        let unavailable = self.error(code: nil, status: 503)
        // Backoff up to 1 s plus a 1 s attempt does not fit in 1.5 s.
        #expect(
            policy.decide(attempt: 1, error: unavailable, remaining: .milliseconds(1500), random: 0.9, tokens: bucket)
                == .giveUpForDeadline
        )
        #expect(
            policy.decide(attempt: 1, error: unavailable, remaining: .seconds(5), random: 0.9, tokens: bucket)
                == .retry(after: .milliseconds(900))
        )
        // the refused retry took nothing
        #expect(bucket.available == RetryTokenBucket.capacity - RetryTokenBucket.transientCost)
    }

    @Test func theTokenBucketDrainsAndRefills() {
        let policy = RetryPolicy(maxAttempts: 3)
        let bucket = RetryTokenBucket()
        let throttled = self.error(code: "ThrottlingException", status: 400)
        var retries = 0
        while case .retry = policy.decide(attempt: 1, error: throttled, remaining: nil, random: 0, tokens: bucket) {
            retries += 1
        }
        #expect(retries == RetryTokenBucket.capacity / RetryTokenBucket.retryCost)
        #expect(policy.decide(attempt: 1, error: throttled, remaining: nil, random: 0, tokens: bucket) == .giveUp)
        bucket.recordSuccess(spent: RetryTokenBucket.retryCost)
        #expect(
            policy.decide(attempt: 1, error: throttled, remaining: nil, random: 0, tokens: bucket)
                == .retry(after: .zero)
        )
    }

    @Test func readsMaxAttemptsFromTheEnvironment() {
        #expect(RetryPolicy(environment: ["AWS_MAX_ATTEMPTS": "5"]).maxAttempts == 5)
        #expect(RetryPolicy(environment: ["AWS_MAX_ATTEMPTS": "zero"]).maxAttempts == 3)
        #expect(RetryPolicy(environment: ["AWS_MAX_ATTEMPTS": "0"]).maxAttempts == 3)
        #expect(RetryPolicy(environment: [:]).maxAttempts == 3)
    }
}
