package import FoundationEssentials
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Measures a runtime under the local Runtime API: start-up to the first `next`, CPU and round trip per
/// warm invocation, and peak memory. CPU is the process's CPU-time clock (`clock_getcpuclockid`: every
/// thread, user and system), read as each `next` arrives, the moment the previous invocation's work is done.
package struct RuntimeBenchmark: Sendable {
    /// A runtime to measure.
    package struct Subject: Sendable {
        package var name: String
        package var executable: String
        package var arguments: [String]
        package var environment: [String: String]

        package init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:]) {
            self.name = name
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
        }
    }

    /// The figures for one subject (times in microseconds, memory in KB).
    package struct Figures: Sendable {
        package var startWallMedian: Double
        package var startCPUMedian: Double
        package var invocationCPUMedian: Double
        package var invocationCPUP99: Double
        package var roundTripMedian: Double
        package var roundTripP99: Double
        package var peakRSSKB: Int
        /// File-backed pages resident at the first `next` (`RssFile`, median over the starts), in KB.
        package var fileKBAtFirstNext: Int
        /// Wall microseconds from exec to the first `next` with the page cache dropped before each start
        /// (every page of the binary read from storage, as on a Lambda cold start); nil when not measured.
        package var coldCacheStartWallMedian: Double?
    }

    package var starts = 20
    /// Starts with the page cache dropped before each (`/proc/sys/vm/drop_caches`, root only); 0 for none.
    package var coldCacheStarts = 0
    package var invocations = 1000
    /// The event every warm invocation gets; `ping` does what the Python reference handler does (answer with
    /// the message and the request id). Each `%N%` in it becomes the invocation's number, so an event can
    /// carry ids that are new every time (a notification that was not sent before).
    package var event = Data(#"{"action":"ping","message":"benchmark"}"#.utf8)

    package init() {}

    /// Runs every measurement for `subject`.
    package func measure(_ subject: Subject) async throws -> Figures {
        let broker = InvocationBroker()
        let probe = NextProbe()
        let server = RuntimeAPIServer(broker: broker, onNext: { probe.record() })
        let port = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run { port.continuation.yield($0) } }
            var ports = port.stream.makeAsyncIterator()
            guard let bound = await ports.next() else { throw LocalError.serverFailed("no port") }
            var environment = subject.environment
            environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(bound)"
            environment["AWS_LAMBDA_FUNCTION_NAME"] = "bench"
            environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "128"
            environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST"
            environment["AWS_REGION"] = "us-east-1"
            environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
            var startWall: [Double] = []
            var startCPU: [Double] = []
            var startFileKB: [Double] = []
            for _ in 0..<self.starts {
                let start = try await self.coldStart(subject, environment: environment, probe: probe, broker: broker)
                startWall.append(start.wall)
                startCPU.append(start.cpu)
                startFileKB.append(Double(start.fileKB))
            }
            var coldCacheWall: [Double] = []
            for _ in 0..<self.coldCacheStarts {
                try Self.dropPageCache()
                coldCacheWall.append(
                    try await self.coldStart(subject, environment: environment, probe: probe, broker: broker).wall
                )
            }
            let warm = try await self.warm(subject, environment: environment, probe: probe, broker: broker)
            group.cancelAll()
            return Figures(
                startWallMedian: Self.percentile(startWall, 50),
                startCPUMedian: Self.percentile(startCPU, 50),
                invocationCPUMedian: Self.percentile(warm.cpu, 50),
                invocationCPUP99: Self.percentile(warm.cpu, 99),
                roundTripMedian: Self.percentile(warm.roundTrips, 50),
                roundTripP99: Self.percentile(warm.roundTrips, 99),
                peakRSSKB: warm.peakRSSKB,
                fileKBAtFirstNext: Int(Self.percentile(startFileKB, 50)),
                coldCacheStartWallMedian: coldCacheWall.isEmpty ? nil : Self.percentile(coldCacheWall, 50)
            )
        }
    }

    /// Writes back dirty pages and drops the page cache, so the next start reads its binary from storage.
    private static func dropPageCache() throws {
        sync()
        guard let file = fopen("/proc/sys/vm/drop_caches", "w") else {
            throw LocalError.unreadable("/proc/sys/vm/drop_caches", reason: "cannot drop the page cache (needs root)")
        }
        defer { fclose(file) }
        guard fputs("3\n", file) >= 0, fflush(file) == 0 else {
            throw LocalError.unreadable("/proc/sys/vm/drop_caches", reason: "the kernel refused to drop the cache")
        }
    }

    /// Wall and CPU microseconds from exec to the first `next` (with a warm page cache unless it was just
    /// dropped), and the KB of file pages resident then.
    private func coldStart(
        _ subject: Subject,
        environment: [String: String],
        probe: NextProbe,
        broker: InvocationBroker
    ) async throws -> (wall: Double, cpu: Double, fileKB: Int) {
        probe.reset()
        let started = LocalFunction.nowNs()
        let process = try ChildProcess(
            executable: subject.executable,
            arguments: subject.arguments,
            environment: environment,
            output: .file("/dev/null")
        )
        probe.watch(pid: process.pid)
        while probe.samples.isEmpty { try await Task.sleep(for: .microseconds(200)) }
        await process.stop()
        await broker.dropWaitingRuntimes()
        let first = probe.samples[0]
        return (Double(first.wallNs - started) / 1000, Double(first.cpuNs) / 1000, first.fileKB ?? 0)
    }

    private func warm(
        _ subject: Subject,
        environment: [String: String],
        probe: NextProbe,
        broker: InvocationBroker
    ) async throws -> (cpu: [Double], roundTrips: [Double], peakRSSKB: Int) {
        probe.reset()
        let process = try ChildProcess(
            executable: subject.executable,
            arguments: subject.arguments,
            environment: environment,
            output: .file("/dev/null")
        )
        probe.watch(pid: process.pid)
        let template = String(decoding: self.event, as: UTF8.self)
        let numbered = template.contains("%N%")
        var roundTrips: [Double] = []
        for index in 0..<(self.invocations + 10) {
            let event = numbered ? Data(template.replacing("%N%", with: String(index)).utf8) : self.event
            let sent = LocalFunction.nowNs()
            let outcome = await broker.invoke(
                InvocationRequest(
                    event: event,
                    deadlineMs: Int64(time(nil)) * 1000 + 60_000,
                    invokedFunctionArn: "arn:bench"
                )
            )
            guard case .response = outcome else {
                throw LocalError.serverFailed("benchmark invocation failed: \(outcome)")
            }
            if index >= 10 { roundTrips.append(Double(LocalFunction.nowNs() - sent) / 1000) }  // 10 warm-ups
        }
        while probe.samples.count < self.invocations + 11 { try await Task.sleep(for: .microseconds(200)) }
        let samples = probe.samples
        let cpu = (11..<samples.count).map { Double(samples[$0].cpuNs - samples[$0 - 1].cpuNs) / 1000 }
        let peak = (try? ProcessMemory.peakResidentKB(pid: process.pid)) ?? 0
        await process.stop()
        await broker.dropWaitingRuntimes()
        return (cpu, roundTrips, peak)
    }

    /// The `p`th percentile (nearest rank) of `values`.
    package static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// Records, at each `next`, the wall time and the watched process's CPU time so far.
final class NextProbe: Sendable {
    struct Sample: Sendable {
        var wallNs: UInt64
        var cpuNs: UInt64
        /// `RssFile` at this `next`, read at the first one only (reading `/proc` costs the server time).
        var fileKB: Int?
    }

    private let state = Mutex<(pid: Int32, samples: [Sample])>((0, []))

    func watch(pid: Int32) {
        self.state.withLock { $0.pid = pid }
    }

    func reset() {
        self.state.withLock { $0 = (0, []) }
    }

    var samples: [Sample] { self.state.withLock { $0.samples } }

    func record() {
        let wall = LocalFunction.nowNs()
        let pid = self.state.withLock { $0.pid }
        guard pid > 0 else { return }
        let cpu = Self.cpuNs(pid: pid)
        let first = self.state.withLock { $0.samples.isEmpty }
        let fileKB = first ? try? ProcessMemory.residentFileKB(pid: pid) : nil
        self.state.withLock { $0.samples.append(Sample(wallNs: wall, cpuNs: cpu, fileKB: fileKB)) }
    }

    /// Nanoseconds the whole process (every thread, living or exited; user and system) has spent on a CPU.
    private static func cpuNs(pid: Int32) -> UInt64 {
        var clock = clockid_t()
        guard clock_getcpuclockid(pid, &clock) == 0 else { return 0 }
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return 0 }
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
