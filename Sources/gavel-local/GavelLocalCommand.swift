import ArgumentParser

/// `gavel-local`: the developer's local Lambda, API gateway and event wiring for Gavel.
@main
struct GavelLocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gavel-local",
        abstract: "Run Gavel's Lambda functions locally, as Lambda runs them.",
        subcommands: [Dev.self, AWS.self, Token.self, Invoke.self, Logs.self, Bench.self]
    )
}
