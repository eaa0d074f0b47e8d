import AWS
import Testing

@Suite struct AmzDateTests {
    @Test(arguments: [
        (Int64(1_440_938_160), "20150830", "20150830T123600Z"), (Int64(0), "19700101", "19700101T000000Z"),
        (Int64(951_827_599), "20000229", "20000229T123319Z"), (Int64(4_102_444_799), "20991231", "20991231T235959Z"),
    ])
    func formatsTheScopeDateAndTheTimestamp(unixTime: Int64, date: String, dateTime: String) {
        let formatted = AmzDate(unixTime: unixTime)
        #expect(formatted.date == date)
        #expect(formatted.dateTime == dateTime)
    }
}
