import GavelCore
import SQSEvents
import Testing

@Suite struct FIFOBatchTests {
    private let records = [
        SQSEvent.Record(messageId: "a1", body: "", groupId: "A"),
        SQSEvent.Record(messageId: "b1", body: "", groupId: "B"),
        SQSEvent.Record(messageId: "a2", body: "", groupId: "A"),
        SQSEvent.Record(messageId: "b2", body: "", groupId: "B"),
        SQSEvent.Record(messageId: "a3", body: "", groupId: "A"),
    ]

    @Test func aFailureFailsEveryLaterMessageOfItsGroupOnly() {
        let response = FIFOBatch.response(for: self.records, failed: ["a2"])
        #expect(response.failedMessageIds == ["a2", "a3"])
    }

    @Test func earlierMessagesOfTheGroupStandAndNothingFailedIsAnEmptyList() {
        #expect(FIFOBatch.response(for: self.records, failed: ["b2"]).failedMessageIds == ["b2"])
        #expect(FIFOBatch.response(for: self.records, failed: []).batchItemFailures.isEmpty)
    }

    @Test func standardQueueMessagesAreEachTheirOwnGroup() {
        let standard = [
            SQSEvent.Record(messageId: "m1", body: "", groupId: nil),
            SQSEvent.Record(messageId: "m2", body: "", groupId: nil),
        ]
        #expect(FIFOBatch.response(for: standard, failed: ["m1"]).failedMessageIds == ["m1"])
    }
}
