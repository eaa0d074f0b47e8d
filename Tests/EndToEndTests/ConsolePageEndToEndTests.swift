import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// The console as a page, in headless Chromium (Debian's `chromium-headless-shell`, driven over the
/// DevTools protocol by `scripts/headless-page`): it loads with the token from the address's fragment,
/// shows an email the test caused (rendered in a sandboxed frame) and the invocation that sent it, lists a
/// dead-lettered bid, and a click on its redrive button moves it back to the bid queue, where
/// bid-persistence takes it again.
@Suite struct ConsolePageEndToEndTests {
    typealias Local = LocalBackendEndToEndTests

    @Test(.timeLimit(.minutes(5)))
    func thePageShowsMailAndInvocationsAndItsRedriveButtonMovesAMessageBack() async throws {
        guard Self.hasChromium else {
            #expect(!TestPaths.isCI, "no headless Chromium: scripts/test installs chromium-headless-shell")
            print("ConsolePageEndToEndTests: skipped: no chromium-headless-shell (apt-get install it)")
            return
        }
        try await Local.withStack("console-page") { local in
            try await Local.withBackend(local) { backend, urls in
                let sqs = SQS(client: try AWSClients(environment: local.caller).client(.sqs))
                let api = try #require(local.stack.functions["api"]?.environment)
                let notice = Notification(
                    notificationId: "page-\(UInt32.random(in: 0...UInt32.max))",
                    kind: .liveOutbid,
                    email: "page-reader@gavel.example",
                    data: ["auctionTitle": "Brass telescope", "amount": "12.00", "currency": "GBP"]
                )
                _ = try await sqs.send(notice.outgoingMessage, to: try #require(api["NOTIFICATION_QUEUE_URL"]))
                let notABid = SQS.OutgoingMessage(body: "not a bid", groupId: "page", deduplicationId: "page-bad")
                _ = try await sqs.send(notABid, to: try #require(api["BID_PERSISTENCE_QUEUE_URL"]))
                #expect(try await Local.eventually(30) { !backend.mailbox.emails.isEmpty }, "the email was sent")
                let persisted = { backend.history.recent.filter { $0.function == "bid-persistence" }.count }
                #expect(try await Local.eventually(30) { persisted() >= 1 })
                let invocationsBefore = persisted()

                let page = urls.console + "/#token=" + urls.consoleToken
                let loaded = "document.body.dataset.loaded === 'yes'"
                let deadLettered = "document.querySelector('#dead-letters button.redrive') !== null"
                let output = try await Self.headless(
                    page,
                    "wait:\(loaded) && document.querySelectorAll('#mail details.email').length > 0",
                    "eval:document.querySelector('#mail summary').textContent",
                    "eval:document.querySelector('#mail iframe').getAttribute('sandbox')",
                    "eval:document.querySelector('#mail iframe').srcdoc.length > 0",
                    "eval:document.querySelector('#invocations').textContent.includes('notifications')",
                    "wait:\(deadLettered)",
                    "eval:document.querySelector('#dead-letters').textContent",
                    "click:#dead-letters button.redrive",
                    "wait:document.getElementById('status').textContent.startsWith('moved')",
                    "eval:document.getElementById('status').textContent",
                    // For a person to look at when this fails: the page as the test left it.
                    "shot:" + (try TestPaths.temporaryDirectory("console-page") + "/console.png")
                )
                let lines = output.split(separator: "\n").map(String.init)
                #expect(lines.count == 6, "\(output)")
                guard lines.count == 6 else { return }
                #expect(lines[0].contains("page-reader@gavel.example"), "the email's summary: \(lines[0])")
                #expect(lines[1] == #""""#, "the email renders in a frame with every sandbox restriction")
                #expect(lines[2] == "true" && lines[3] == "true", "its body, and the invocation that sent it")
                #expect(lines[4].contains("bid-persistence-dlq") && lines[4].contains("1"), "\(lines[4])")
                #expect(lines[5] == #""moved 1 message(s) back""#)
                // Back on its queue, bid-persistence takes it again (and, still not a bid, dead-letters it).
                #expect(try await Local.eventually(30) { persisted() > invocationsBefore }, "taken again")
            }
        }
    }

    static var hasChromium: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/lib/chromium"]).contains { directory in
            ["chromium-headless-shell", "chromium", "headless_shell"].contains {
                FileManager.default.isExecutableFile(atPath: directory + "/" + $0)
            }
        }
    }

    /// Runs `scripts/headless-page` on `url` with `steps`. - Returns: what its `eval` steps printed.
    static func headless(_ url: String, _ steps: String...) async throws -> String {
        let directory = try TestPaths.temporaryDirectory("headless")
        let process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", TestPaths.root + "/scripts/headless-page", url] + steps,
            environment: ["PATH": "/usr/bin:/bin:/usr/lib/chromium", "HOME": directory],
            output: .separate(output: directory + "/out", error: directory + "/err")
        )
        let status = await process.waitForExit()
        let output = (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? ""
        guard status == "exit status 0" else { throw MissingPrerequisite("headless-page: \(status): \(errors)") }
        return output
    }
}
