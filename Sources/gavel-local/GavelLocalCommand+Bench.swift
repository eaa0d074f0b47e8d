import ArgumentParser
import FoundationEssentials
import GavelLocal

extension GavelLocalCommand {
    /// `gavel-local bench`: benchmarks that print a table and never fail on a timing.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks; each prints a Markdown table.",
            subcommands: [Runtime.self]
        )

        /// `gavel-local bench runtime`: our runtime beside Python 3.11 + boto3 under awslambdaric.
        struct Runtime: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Start-up, per-invocation CPU and round trip, and memory of a trivial echo function."
            )

            @Option(help: "The bootstrap to measure.")
            var bootstrap = ".build/lambda/runtime-probe/bootstrap"

            @Option(help: "A Python with awslambdaric and boto3 installed, to measure beside it; '' to skip.")
            var python = ".venv/bin/python"

            @Option(help: "A minimal runtime to measure beside it as the floor (bench/c-runtime); '' to skip.")
            var floor = ""

            @Option(help: "Fresh processes for the start-up figures.")
            var starts = 20

            @Option(help: "Starts with the page cache dropped before each (needs root); 0 for none.")
            var coldCacheStarts = 0

            @Option(help: "Warm invocations in one process.")
            var invocations = 1000

            @Option(help: "The event file every warm invocation gets (default: the probe's ping).")
            var event: String?

            @Option(name: .customLong("env"), help: "KEY=VALUE for the function's environment; repeatable.")
            var variables: [String] = []

            func run() async throws {
                var benchmark = RuntimeBenchmark()
                benchmark.starts = self.starts
                benchmark.coldCacheStarts = self.coldCacheStarts
                benchmark.invocations = self.invocations
                if let event = self.event {
                    guard let data = FileManager.default.contents(atPath: event) else {
                        throw ValidationError("cannot read the event file \(event)")
                    }
                    benchmark.event = data
                }
                let environment = try EnvironmentOption.parse(self.variables)
                let swift = try await benchmark.measure(
                    .init(name: "gavel", executable: self.bootstrap, environment: environment)
                )
                let floor =
                    self.floor.isEmpty ? nil : try await benchmark.measure(.init(name: "floor", executable: self.floor))
                var python: RuntimeBenchmark.Figures?
                if !self.python.isEmpty, FileManager.default.fileExists(atPath: self.python) {
                    python = try await benchmark.measure(
                        .init(
                            name: "python",
                            executable: self.python,
                            arguments: ["-m", "awslambdaric", "handler.handler"],
                            environment: [
                                "PYTHONPATH": FileManager.default.currentDirectoryPath + "/bench/python",
                                "LAMBDA_TASK_ROOT": "bench/python",
                            ]
                        )
                    )
                }
                let zipPath = String(self.bootstrap.dropLast("/bootstrap".count)) + ".zip"
                let zip = try? FileManager.default.attributesOfItem(atPath: zipPath)[.size] as? Int
                print(
                    Self.table(
                        swift: swift,
                        floor: floor,
                        python: python,
                        zipBytes: zip,
                        starts: self.starts,
                        invocations: self.invocations
                    )
                )
            }

            static func table(
                swift: RuntimeBenchmark.Figures,
                floor: RuntimeBenchmark.Figures?,
                python: RuntimeBenchmark.Figures?,
                zipBytes: Int?,
                starts: Int,
                invocations: Int
            ) -> String {
                func ms(_ us: Double) -> String { DecimalText.fixed(us / 1000, digits: 2) + " ms" }
                func us(_ value: Double) -> String { DecimalText.fixed(value, digits: 0) + " µs" }
                func mb(_ kb: Int) -> String { DecimalText.fixed(Double(kb) / 1024, digits: 1) + " MB" }
                // Each row: its label, and the figure shown for a subject (nil where not measured).
                func row(
                    _ label: String,
                    _ figure: (RuntimeBenchmark.Figures) -> Double?,
                    _ show: (Double) -> String
                )
                    -> String
                {
                    let ours = figure(swift)
                    let cells = [floor, python].map { $0.flatMap(figure).map(show) ?? "not measured" }
                    let times = python.flatMap(figure).flatMap { p in
                        ours.map { DecimalText.fixed(p / $0, digits: 1) + "×" }
                    }
                    return
                        "| \(label) | \(ours.map(show) ?? "not measured") | \(cells[0]) | \(cells[1]) | \(times ?? "") |"
                }
                let lines = [
                    "| runtime benchmark | gavel (static Swift) | C floor (bench/c-runtime) | Python 3.11 + boto3 (awslambdaric) | Python ÷ gavel |",
                    "|---|---|---|---|---|",
                    row("exec → first /next, wall (median of \(starts))", \.startWallMedian, ms),
                    row("exec → first /next, CPU (median of \(starts))", \.startCPUMedian, ms),
                    row("exec → first /next, cold page cache, wall", \.coldCacheStartWallMedian, ms),
                    row(
                        "file pages resident at first /next (RssFile)",
                        { Double($0.fileKBAtFirstNext) },
                        { mb(Int($0)) }
                    ),
                    row("CPU per invocation, median (of \(invocations))", \.invocationCPUMedian, us),
                    row("CPU per invocation, p99", \.invocationCPUP99, us),
                    row("round trip, median", \.roundTripMedian, us),
                    row("round trip, p99", \.roundTripP99, us),
                    row("peak RSS after \(invocations) invocations", { Double($0.peakRSSKB) }, { mb(Int($0)) }),
                    "| zip size | \(zipBytes.map { DecimalText.fixed(Double($0) / 1_048_576, digits: 2) + " MiB" } ?? "n/a") | | n/a (runtime provides boto3) | |",
                ]
                return lines.joined(separator: "\n")
            }
        }
    }
}
