import AWS
import FoundationEssentials
import GavelLocal

/// `gavel-local dev --watch`: watches `Sources/`, `Templates/` and `template.yaml`; on a change, rebuilds
/// only the functions whose modules changed, as debug builds linked dynamically (quick to build; the static
/// release bootstraps are for deployment), and swaps each into its pool: invocations in flight finish on the
/// old binary, the next ones start on the new. A build error is printed once and the old binary keeps serving.
///
/// At start it builds every function once in debug (the first time a few minutes), so that a change costs
/// an incremental build of the modules it touches, not a first build. A change to `Templates/<function>/`
/// restarts that function's instances (they read their templates at init); a change to `template.yaml` is
/// handed to `templateChanged`, which applies it to the running stack.
struct FunctionRebuilder: Sendable {
    var layout: ProjectLayout
    var functions: Set<String>
    /// SwiftPM's environment (`HOME`, and `PATH`, which finds `swift`).
    var environment: [String: String]
    /// Puts an executable in a function's pool.
    var swap: @Sendable (_ function: String, _ executable: String) async -> Void
    /// Applies a changed template.yaml to the running backend.
    var templateChanged: @Sendable () async -> Void
    var log: @Sendable (String) -> Void
    /// How often the tree is polled.
    var interval: Duration = .milliseconds(400)

    func run() async {
        // Where the builds' and the package description's output go.
        try? FileManager.default.createDirectory(
            atPath: self.layout.root + "/.build/dev",
            withIntermediateDirectories: true
        )
        let map: ModuleMap
        do {
            map = try await self.moduleMap()
        } catch {
            self.log("watch: cannot read the package's modules (\(error)); not watching")
            return
        }
        let watcher = SourceWatcher(paths: ["Sources", "Templates", "template.yaml"], root: self.layout.root)
        var seen = watcher.snapshot()
        var serving = Dictionary(uniqueKeysWithValues: self.functions.map { ($0, self.layout.bootstrap(for: $0)) })
        let started = ContinuousClock.now
        self.log("watch: building every function in debug once, so later changes rebuild only what they touch")
        for function in self.functions.sorted() {
            if case .failure(let errors) = await self.build(function) {
                self.log("watch: \(function) does not build yet; its bootstrap keeps serving:\n\(errors)")
            }
        }
        self.log("watch: ready in \(Self.seconds(since: started)); watching Sources/, Templates/ and template.yaml")
        while !Task.isCancelled {
            try? await Task.sleep(for: self.interval)
            var now = watcher.snapshot()
            var changed = SourceWatcher.changes(from: seen, to: now)
            guard !changed.isEmpty else { continue }
            // One save can touch several files (an editor's backup, a checkout): take them together.
            while true {
                try? await Task.sleep(for: self.interval)
                let later = watcher.snapshot()
                let more = SourceWatcher.changes(from: now, to: later)
                now = later
                if more.isEmpty { break }
                changed.formUnion(more)
            }
            seen = now
            await self.apply(changed, map: map, serving: &serving)
        }
    }

    private func apply(_ changed: Set<String>, map: ModuleMap, serving: inout [String: String]) async {
        if changed.contains("template.yaml") { await self.templateChanged() }
        var rebuild = Set<String>()
        var restart = Set<String>()
        for path in changed where path.hasPrefix("Sources/") {
            rebuild.formUnion(map.functions(using: path, among: self.functions))
        }
        for path in changed where path.hasPrefix("Templates/") {
            let function = String(path.dropFirst("Templates/".count).prefix { $0 != "/" })
            if self.functions.contains(function) { restart.insert(function) }
        }
        for function in rebuild.sorted() {
            let started = ContinuousClock.now
            switch await self.build(function) {
            case .success(let executable):
                serving[function] = executable
                await self.swap(function, executable)
                self.log("watch: \(function) rebuilt in \(Self.seconds(since: started)); new invocations run it")
            case .failure(let errors):
                self.log("watch: \(function) did not build; the previous binary keeps serving:\n\(errors)")
            }
        }
        for function in restart.subtracting(rebuild).sorted() {
            if let executable = serving[function] { await self.swap(function, executable) }
            self.log("watch: \(function)'s templates changed; its instances restart")
        }
    }

    /// A debug build of one function. - Returns: its executable, or the build's error lines.
    private func build(_ function: String) async -> Result<String, BuildFailure> {
        let logPath = self.layout.root + "/.build/dev/watch-\(function).log"
        try? FileManager.default.removeItem(atPath: logPath)
        do {
            let build = try ChildProcess(
                executable: self.swift,
                arguments: ["build", "--package-path", self.layout.root, "--product", function],
                environment: self.environment,
                output: .file(logPath)
            )
            let status = await build.waitForExit()
            guard status == "exit status 0" else {
                let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                return .failure(BuildFailure(text: Self.errors(in: output) ?? "swift build: \(status)"))
            }
            return .success(self.layout.root + "/.build/debug/\(function)")
        } catch {
            return .failure(BuildFailure(text: "\(error)"))
        }
    }

    private func moduleMap() async throws -> ModuleMap {
        let path = self.layout.root + "/.build/dev/describe.json"
        let describe = try ChildProcess(
            executable: self.swift,
            arguments: ["package", "--package-path", self.layout.root, "describe", "--type", "json"],
            environment: self.environment,
            output: .separate(output: path, error: path + ".err")
        )
        let status = await describe.waitForExit()
        guard status == "exit status 0", let data = FileManager.default.contents(atPath: path) else {
            throw LocalError.dev("swift package describe: \(status)")
        }
        return try ModuleMap(describeJSON: data)
    }

    /// `swift` on the caller's `PATH`, else the toolchain's usual place.
    /// A failed build's diagnostics, each once: the `path:line:column: error:` lines (SwiftPM repeats
    /// them under the source excerpt, and once per module it emits), at most 20.
    static func errors(in output: String) -> String? {
        var seen = Set<Substring>()
        let lines = output.split(separator: "\n").filter { line in
            (line.hasPrefix("/") || line.hasPrefix("error:")) && line.contains("error:") && seen.insert(line).inserted
        }
        return lines.isEmpty ? nil : lines.prefix(20).joined(separator: "\n")
    }

    private var swift: String {
        let directories =
            (self.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/opt/swift/usr/bin"]
        return directories.map { $0 + "/swift" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/opt/swift/usr/bin/swift"
    }

    private static func seconds(since start: ContinuousClock.Instant) -> String {
        DecimalText.fixed(Double((ContinuousClock.now - start).milliseconds) / 1000, digits: 1) + " s"
    }

    /// What a failed build printed: its error lines.
    struct BuildFailure: Error, CustomStringConvertible {
        var text: String
        var description: String { self.text }
    }
}
