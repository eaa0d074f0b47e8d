import FoundationEssentials
import GavelLocal
import GavelTesting
import Testing

@Suite struct SAMTemplateTests {
    private let yaml = """
        Globals:
          Function:
            Timeout: 10
            MemorySize: 256
            LoggingConfig:
              LogFormat: JSON
            Environment:
              Variables:
                STAGE: dev
        Resources:
          BidExecutorFunction:
            Type: AWS::Serverless::Function
            Properties:
              Timeout: 120
              Environment:
                Variables:
                  BIDS_TABLE: !Ref BidsTable
                  QUEUE_URL: !GetAtt Queue.QueueUrl
                  EBAY_ENDPOINT: https://api.ebay.com
          BidsTable:
            Type: AWS::DynamoDB::Table
        """

    @Test func aFunctionsOwnPropertiesOverrideTheGlobals() throws {
        let settings = try SAMTemplate(yaml: self.yaml).settings(for: "bid-executor")
        #expect(settings.timeoutSeconds == 120)
        #expect(settings.memoryMB == 256)
        #expect(settings.logFormat == "JSON")
    }

    @Test func onlyPlainStringVariablesAreTaken() throws {
        let settings = try SAMTemplate(yaml: self.yaml).settings(for: "bid-executor")
        #expect(settings.environment == ["STAGE": "dev", "EBAY_ENDPOINT": "https://api.ebay.com"])
    }

    @Test func anUnknownFunctionNamesTheKnownOnes() {
        #expect {
            try SAMTemplate(yaml: self.yaml).settings(for: "api")
        } throws: { error in
            "\(error)" == "unknown function 'api'; the functions are: bid-executor"
        }
    }

    @Test func textWithoutResourcesIsRefused() {
        #expect(throws: LocalError.self) { try SAMTemplate(yaml: "Globals: {}") }
    }

    /// The template is the list of functions; every other place that names them must say the same.
    @Test func everyListOfFunctionsMatchesTheTemplate() throws {
        let root = TestPaths.root
        let template = try SAMTemplate(path: root + "/template.yaml")
        func read(_ path: String) throws -> String { try String(contentsOfFile: root + "/" + path, encoding: .utf8) }
        func matches(_ pattern: String, in text: String) throws -> [String] {
            text.matches(of: try Regex<(Substring, Substring)>(pattern)).map { String($0.output.1) }.sorted()
        }
        let listed = try read("scripts/functions").split(separator: "\n").map(String.init).sorted()
        #expect(template.functionNames == listed, "scripts/functions")
        #expect(
            try matches(#"function\("([a-z-]+)""#, in: read("Package.swift")) == template.functionNames,
            "Package.swift"
        )
        let makeTargets = try matches(#"build-([A-Za-z]+Function):"#, in: read("Makefile")).compactMap(
            FunctionSettings.name(forLogicalId:)
        )
        #expect(makeTargets.sorted() == template.functionNames, "Makefile")
        let folders = try FileManager.default.contentsOfDirectory(atPath: root + "/Sources/Functions").sorted()
        #expect(folders == template.functionNames, "Sources/Functions")
        #expect(try template.settings(for: "runtime-probe").timeoutSeconds == 3)
    }

    @Test(arguments: [
        ("api", "ApiFunction"), ("bid-executor", "BidExecutorFunction"), ("runtime-probe", "RuntimeProbeFunction"),
    ])
    func logicalIdsAndNamesConvertBothWays(name: String, logicalId: String) {
        #expect(FunctionSettings.logicalId(for: name) == logicalId)
        #expect(FunctionSettings.name(forLogicalId: logicalId) == name)
    }
}
