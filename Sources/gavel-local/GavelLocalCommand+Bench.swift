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

            @Option(help: "Fresh processes for the start-up figures.")
            var starts = 20

            @Option(help: "Warm invocations in one process.")
            var invocations = 1000

            @Option(help: "The event file every warm invocation gets (default: the probe's ping).")
            var event: String?

            @Option(name: .customLong("env"), help: "KEY=VALUE for the function's environment; repeatable.")
            var variables: [String] = []

            func run() async throws {
                var benchmark = RuntimeBenchmark()
                benchmark.starts = self.starts
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
                        python: python,
                        zipBytes: zip,
                        starts: self.starts,
                        invocations: self.invocations
                    )
                )
            }

            static func table(
                swift: RuntimeBenchmark.Figures,
                python: RuntimeBenchmark.Figures?,
                zipBytes: Int?,
                starts: Int,
                invocations: Int
            ) -> String {
                func ms(_ us: Double) -> String { DecimalText.fixed(us / 1000, digits: 2) + " ms" }
                func us(_ value: Double) -> String { DecimalText.fixed(value, digits: 0) + " µs" }
                func mb(_ kb: Int) -> String { DecimalText.fixed(Double(kb) / 1024, digits: 1) + " MB" }
                func ratio(_ a: Double, _ b: Double?) -> String {
                    b.map { DecimalText.fixed($0 / a, digits: 1) + "×" } ?? ""
                }
                let rows: [(String, String, String?, String)] = [
                    (
                        "exec → first /next, wall (median of \(starts))", ms(swift.startWallMedian),
                        python.map { ms($0.startWallMedian) }, ratio(swift.startWallMedian, python?.startWallMedian)
                    ),
                    (
                        "exec → first /next, CPU (median of \(starts))", ms(swift.startCPUMedian),
                        python.map { ms($0.startCPUMedian) }, ratio(swift.startCPUMedian, python?.startCPUMedian)
                    ),
                    (
                        "CPU per invocation, median (of \(invocations))", us(swift.invocationCPUMedian),
                        python.map { us($0.invocationCPUMedian) },
                        ratio(swift.invocationCPUMedian, python?.invocationCPUMedian)
                    ),
                    (
                        "CPU per invocation, p99", us(swift.invocationCPUP99), python.map { us($0.invocationCPUP99) },
                        ratio(swift.invocationCPUP99, python?.invocationCPUP99)
                    ),
                    (
                        "round trip, median", us(swift.roundTripMedian), python.map { us($0.roundTripMedian) },
                        ratio(swift.roundTripMedian, python?.roundTripMedian)
                    ),
                    (
                        "round trip, p99", us(swift.roundTripP99), python.map { us($0.roundTripP99) },
                        ratio(swift.roundTripP99, python?.roundTripP99)
                    ),
                    (
                        "peak RSS after \(invocations) invocations", mb(swift.peakRSSKB),
                        python.map { mb($0.peakRSSKB) },
                        ratio(Double(swift.peakRSSKB), python.map { Double($0.peakRSSKB) })
                    ),
                    (
                        "zip size",
                        zipBytes.map { DecimalText.fixed(Double($0) / 1_048_576, digits: 2) + " MiB" } ?? "n/a",
                        "n/a (runtime provides boto3)", ""
                    ),
                ]
                var lines = [
                    "| runtime benchmark | gavel (static Swift) | Python 3.11 + boto3 (awslambdaric) | Python ÷ gavel |",
                    "|---|---|---|---|",
                ]
                for row in rows { lines.append("| \(row.0) | \(row.1) | \(row.2 ?? "not measured") | \(row.3) |") }
                return lines.joined(separator: "\n")
            }
        }
    }
}
