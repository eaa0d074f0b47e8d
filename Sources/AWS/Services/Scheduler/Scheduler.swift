import JSON

/// EventBridge Scheduler's one-time schedules (REST-JSON): `at()` in UTC, no flexible window, deleted by
/// Scheduler once they have fired. One schedule per snipe bid.
package struct Scheduler: Sendable {
    /// A one-time schedule.
    package struct Schedule: Sendable, Equatable {
        package var name: String
        package var group: String
        /// When it fires, in Unix seconds (UTC).
        package var fireAt: Int64
        /// The Lambda function (or other target) ARN invoked.
        package var targetARN: String
        /// The role Scheduler assumes to invoke the target.
        package var roleARN: String
        /// The event the target receives, verbatim.
        package var input: String
        /// For an SQS FIFO queue target: the message group the message goes to.
        package var messageGroupId: String?

        package init(
            name: String,
            group: String,
            fireAt: Int64,
            targetARN: String,
            roleARN: String,
            input: String,
            messageGroupId: String? = nil
        ) {
            self.name = name
            self.group = group
            self.fireAt = fireAt
            self.targetARN = targetARN
            self.roleARN = roleARN
            self.input = input
            self.messageGroupId = messageGroupId
        }
    }

    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    /// `at(2026-11-21T22:47:42)`: Scheduler's one-time expression, read in `ScheduleExpressionTimezone` (UTC).
    package static func atExpression(_ unixTime: Int64) -> String {
        "at(\(ISO8601.string(ms: unixTime * 1000).prefix(19)))"  // 2026-11-21T22:47:42 of 2026-11-21T22:47:42.000Z
    }

    private struct Body: Encodable {
        struct Window: Encodable { var Mode = "OFF" }
        struct Target: Encodable {
            struct SQS: Encodable { var MessageGroupId: String }
            var Arn: String
            var RoleArn: String
            var Input: String
            var SqsParameters: SQS?
        }
        var GroupName: String
        var ScheduleExpression: String
        var ScheduleExpressionTimezone = "UTC"
        var FlexibleTimeWindow = Window()
        var Target: Target
        var ActionAfterCompletion = "DELETE"
        var ClientToken: String?

        init(_ schedule: Schedule, clientToken: String?) {
            self.GroupName = schedule.group
            self.ScheduleExpression = Scheduler.atExpression(schedule.fireAt)
            self.Target = .init(
                Arn: schedule.targetARN,
                RoleArn: schedule.roleARN,
                Input: schedule.input,
                SqsParameters: schedule.messageGroupId.map { .init(MessageGroupId: $0) }
            )
            self.ClientToken = clientToken
        }
    }

    private struct ARNOutput: Decodable {
        var ScheduleArn: String
    }

    private static func path(_ name: String) -> String { "/schedules/" + URIEncoding.encode(name) }

    /// Creates the schedule; returns its ARN.
    /// - Parameter clientToken: makes a retried create idempotent (the SDKs send a fresh UUID per call).
    /// - Throws: `AWSError` with code `ConflictException` when a schedule of that name exists.
    @discardableResult
    package func create(_ schedule: Schedule, clientToken: String? = nil) async throws(AWSError) -> String {
        try await self.client.restJSON(
            "CreateSchedule",
            method: "POST",
            path: Self.path(schedule.name),
            input: Body(schedule, clientToken: clientToken),
            as: ARNOutput.self
        ).ScheduleArn
    }

    /// Creates the schedule, safe to retry: `clientToken` makes a retried create one schedule, and where a
    /// retry after a lost reply answers ConflictException (the name is taken), the schedule read back, equal to
    /// ours, is our own.
    package func createOnce(_ schedule: Schedule, clientToken: String) async throws(AWSError) {
        guard let conflict = try await self.createOrConflict(schedule, clientToken: clientToken) else { return }
        guard try await self.get(name: schedule.name, group: schedule.group) == schedule else { throw conflict }
    }

    /// Creates `schedule`; the ConflictException when its name is taken.
    /// (A helper of its own: a typed catch that filters inside an untyped async function crashes Swift 6.3.1.)
    private func createOrConflict(_ schedule: Schedule, clientToken: String) async throws(AWSError) -> AWSError? {
        do {
            _ = try await self.create(schedule, clientToken: clientToken)
            return nil
        } catch {
            if error.context.code == "ConflictException" { return error }
            throw error
        }
    }

    /// Replaces the schedule's time, target and input (UpdateSchedule replaces every field).
    @discardableResult
    package func update(_ schedule: Schedule) async throws(AWSError) -> String {
        try await self.client.restJSON(
            "UpdateSchedule",
            method: "PUT",
            path: Self.path(schedule.name),
            input: Body(schedule, clientToken: nil),
            as: ARNOutput.self
        ).ScheduleArn
    }

    /// Deletes the schedule.
    /// - Throws: `AWSError` with code `ResourceNotFoundException` when it does not exist (already fired
    ///   and deleted, or never made); callers that only want it gone treat that as success.
    package func delete(name: String, group: String) async throws(AWSError) {
        _ = try await self.client.restJSON(
            "DeleteSchedule",
            method: "DELETE",
            path: Self.path(name),
            query: [.init("groupName", group)],
            as: AWSJSON.NoOutput.self
        )
    }

    private struct GetOutput: Decodable {
        struct Target: Decodable {
            struct SQS: Decodable { var MessageGroupId: String? }
            var Arn: String
            var RoleArn: String
            var Input: String?
            var SqsParameters: SQS?
        }
        var Name: String
        var GroupName: String?
        var ScheduleExpression: String
        var Target: Target
    }

    /// The schedule, or nil when there is none.
    package func get(name: String, group: String) async throws(AWSError) -> Schedule? {
        let output: GetOutput
        do throws(AWSError) {
            output = try await self.client.restJSON(
                "GetSchedule",
                method: "GET",
                path: Self.path(name),
                query: [.init("groupName", group)],
                as: GetOutput.self
            )
        } catch  where error.context.code == "ResourceNotFoundException" {
            return nil
        }
        guard let fireAt = Self.unixTime(fromAt: output.ScheduleExpression) else {
            throw .invalidResponse(
                .init(service: "scheduler", operation: "GetSchedule"),
                "schedule \(name) is not a one-time at() schedule: \(output.ScheduleExpression)"
            )
        }
        return Schedule(
            name: output.Name,
            group: output.GroupName ?? group,
            fireAt: fireAt,
            targetARN: output.Target.Arn,
            roleARN: output.Target.RoleArn,
            input: output.Target.Input ?? "",
            messageGroupId: output.Target.SqsParameters?.MessageGroupId
        )
    }

    private struct ListOutput: Decodable {
        struct Summary: Decodable { var Name: String }
        var Schedules: [Summary]
        var NextToken: String?
    }

    /// The names of every schedule in `group`, following ListSchedules' pages.
    package func names(group: String) async throws(AWSError) -> [String] {
        var names: [String] = []
        var nextToken: String?
        repeat {
            var query: [SigningRequest.QueryItem] = [.init("ScheduleGroup", group)]
            if let nextToken { query.append(.init("NextToken", nextToken)) }
            let page = try await self.client.restJSON(
                "ListSchedules",
                method: "GET",
                path: "/schedules",
                query: query,
                as: ListOutput.self
            )
            names += page.Schedules.map(\.Name)
            nextToken = page.NextToken
        } while nextToken != nil
        return names
    }

    /// The Unix time of `at(yyyy-mm-ddThh:mm:ss)` read as UTC; nil for any other form (unpadded fields
    /// included: Scheduler accepts only the padded form, which is what `atExpression` writes).
    package static func unixTime(fromAt expression: String) -> Int64? {
        guard expression.hasPrefix("at("), expression.hasSuffix(")"),
            let ms = ISO8601.unixMs(expression.dropFirst(3).dropLast() + "Z")
        else { return nil }
        return ms / 1000
    }
}
