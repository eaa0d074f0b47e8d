package import AWS
package import FoundationEssentials
package import GavelLocal
import JSON
import LambdaRuntime
import SchedulerEvents
import Synchronization

/// EventBridge Scheduler for the local stack. moto stores schedules but never fires them, so this does:
/// every second it lists the schedule groups, fires each one-time `at()` schedule that is due at its
/// target function (an asynchronous invocation: tried up to three times, as Lambda retries an async event
/// twice), or, for an SQS queue target, as a message (in `SqsParameters`' message group), then deletes it, as
/// `ActionAfterCompletion: DELETE` asks. The template's own `ScheduleV2`
/// events with `rate(...)` fire at their rate; `cron(...)` ones run on demand (`gavel-local dev` console).
package struct ScheduleRunner: Sendable {
    package var groups: [String]
    package var scheduler: Scheduler
    /// Sends an SQS target's message: queue ARN, body, message group.
    package var send: @Sendable (String, String, String?) async throws -> Void
    package var invoke: @Sendable (String, Data) async throws -> InvocationOutcome
    package var log: @Sendable (String) -> Void

    package init(
        groups: [String],
        scheduler: Scheduler,
        send: @escaping @Sendable (String, String, String?) async throws -> Void,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.groups = groups
        self.scheduler = scheduler
        self.send = send
        self.invoke = invoke
        self.log = log
    }

    /// Fires due one-time schedules until cancelled.
    package func run() async {
        let firing = Firing()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                for schedule in await self.due() where firing.start(schedule.name) {
                    group.addTask {
                        await self.fire(schedule)
                        firing.finish(schedule.name)
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
            group.cancelAll()
        }
    }

    /// The schedules whose invocation is under way: a bid executor runs for minutes after its schedule is due.
    private final class Firing: Sendable {
        private let names = Mutex<Set<String>>([])
        func start(_ name: String) -> Bool { self.names.withLock { $0.insert(name).inserted } }
        func finish(_ name: String) { _ = self.names.withLock { $0.remove(name) } }
    }

    private func due() async -> [Scheduler.Schedule] {
        let now = WallClock.nowMs() / 1000
        var due: [Scheduler.Schedule] = []
        for group in self.groups {
            guard let names = try? await self.scheduler.names(group: group) else { continue }
            for name in names {
                if let schedule = try? await self.scheduler.get(name: name, group: group), schedule.fireAt <= now {
                    due.append(schedule)
                }
            }
        }
        return due
    }

    private func fire(_ schedule: Scheduler.Schedule) async {
        if schedule.targetARN.hasPrefix("arn:aws:sqs:") {
            self.log("scheduler: \(schedule.group)/\(schedule.name) sends to \(schedule.targetARN)")
            for attempt in 1...3 {
                do {
                    try await self.send(schedule.targetARN, schedule.input, schedule.messageGroupId)
                    break
                } catch {
                    self.log("scheduler: \(schedule.name): send failed (attempt \(attempt) of 3): \(error)")
                }
            }
            await self.deleteFired(schedule)
            return
        }
        let function = String(schedule.targetARN.split(separator: ":").last ?? "")
        self.log("scheduler: \(schedule.group)/\(schedule.name) fires \(function)")
        for attempt in 1...3 {
            let outcome = try? await self.invoke(function, Data(schedule.input.utf8))
            if case .response = outcome { break }
            self.log("scheduler: \(schedule.name): \(function) failed (attempt \(attempt) of 3)")
        }
        await self.deleteFired(schedule)
    }

    private func deleteFired(_ schedule: Scheduler.Schedule) async {
        do {
            try await self.scheduler.delete(name: schedule.name, group: schedule.group)
        } catch {
            self.log("scheduler: cannot delete \(schedule.name): \(error)")
        }
    }

    /// Fires a template `rate(...)` schedule of `function` at its rate until cancelled.
    package static func repeating(
        every seconds: Int,
        function: String,
        input: String,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(seconds))
            if Task.isCancelled { return }
            _ = try? await invoke(function, Data(input.utf8))
        }
    }

    /// Seconds between firings of `rate(5 minutes)`; nil for `cron(...)` and anything else.
    package static func rateSeconds(_ expression: String) -> Int? {
        guard expression.hasPrefix("rate("), expression.hasSuffix(")") else { return nil }
        let parts = expression.dropFirst(5).dropLast().split(separator: " ")
        guard parts.count == 2, let count = Int(parts[0]), count > 0 else { return nil }
        switch parts[1] {
        case "minute", "minutes": return count * 60
        case "hour", "hours": return count * 3600
        case "day", "days": return count * 86_400
        default: return nil
        }
    }

    /// What a template schedule without `Input` delivers locally: EventBridge's scheduled-event shape.
    package static func scheduledEvent(region: String) -> String {
        // EventBridge's time has whole seconds: 2026-11-22T03:00:00Z, not ...:00.000Z.
        let time = ISO8601.string(ms: WallClock.nowMs() / 1000 * 1000).dropLast(5) + "Z"
        let event = ScheduledEvent(
            id: RandomIdentifier.uuid(),
            account: "123456789012",
            time: String(time),
            region: region
        )
        return (try? JSONEncoder().encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
