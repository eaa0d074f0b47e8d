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

    @Test func theRepositoryTemplateDeclaresEveryBuiltFunction() throws {
        let template = try SAMTemplate(path: TestPaths.root + "/template.yaml")
        let listed = try String(contentsOfFile: TestPaths.root + "/scripts/functions", encoding: .utf8)
            .split(separator: "\n").map(String.init).sorted()
        #expect(template.functionNames == listed)
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
