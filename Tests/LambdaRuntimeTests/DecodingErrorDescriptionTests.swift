import FoundationEssentials
import LambdaRuntime
import Testing

@Suite struct DecodingErrorDescriptionTests {
    struct Order: Decodable {
        struct Line: Decodable {
            var productId: String
            var quantity: Int
        }
        var userId: String
        var items: [Line]
    }

    private func describe(_ json: String) -> String {
        do {
            _ = try JSONDecoder().decode(Order.self, from: Data(json.utf8))
            return "decoded"
        } catch {
            return DecodingErrorDescription.describe(error)
        }
    }

    @Test func aWrongTypeNamesTheNestedPath() {
        let message = self.describe(
            #"{"userId":"u","items":[{"productId":"a","quantity":1},{"productId":"b","quantity":"two"}]}"#
        )
        #expect(message.hasPrefix("items[1].quantity: expected an integer"))
    }

    @Test func aMissingFieldNamesItsPath() {
        #expect(
            self.describe(#"{"userId":"u","items":[{"productId":"a"}]}"#)
                == "items[0].quantity: required field is missing"
        )
    }

    @Test func aNullNamesItsPath() {
        #expect(self.describe(#"{"userId":null,"items":[]}"#) == "userId: expected a string, found null")
    }

    @Test func invalidJSONIsReportedAtTheRoot() {
        #expect(self.describe("{not json").hasPrefix("(root): "))
    }
}
