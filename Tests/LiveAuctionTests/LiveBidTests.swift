import AWS
import GavelCore
import LiveAuction
import Testing

@Suite struct LiveBidTests {
    @Test func aGoodBidParsesAndItsItemDerivesFromItAlone() throws {
        let bid = try LiveBid.parse(
            #"{"auction_id":"auc-1","user_id":"u-7","amount":12550,"currency":"USD","timestamp":1800000000123}"#
        )
        #expect(
            bid
                == LiveBid(
                    auctionId: "auc-1",
                    userId: "u-7",
                    amount: 12_550,
                    currency: "USD",
                    timestamp: 1_800_000_000_123
                )
        )
        let item = bid.item(retentionSeconds: 86_400)
        #expect(item["timestamp#user_id"] == .s("1800000000123#u-7#12550"))
        #expect(item["ttl_expiry"] == .n("1800086400"))
        #expect(item == bid.item(retentionSeconds: 86_400))  // a replay writes the very same item
    }

    @Test(arguments: [
        (
            #"{"auction_id":"a","user_id":"u","amount":1,"currency":"USD","timestamp":1800000000000,"extra":1}"#,
            "extra: unknown field"
        ),
        (
            #"{"auction_id":"a","user_id":"u","amount":12.5,"currency":"USD","timestamp":1800000000000}"#,
            "amount: must be a whole number"
        ),
        (
            #"{"auction_id":"a","user_id":"u","amount":"5","currency":"USD","timestamp":1800000000000}"#,
            "amount: must be an integer"
        ),
        (#"{"auction_id":"a","user_id":"u","currency":"USD","timestamp":1800000000000}"#, "amount: is required"),
        (
            #"{"auction_id":"a","user_id":"u","amount":0,"currency":"USD","timestamp":1800000000000}"#,
            "amount: must be a positive count of minor units"
        ),
        (
            #"{"auction_id":"a","user_id":"u","amount":5,"currency":"usd","timestamp":1800000000000}"#,
            "currency: must be an ISO 4217 code (three capital letters)"
        ),
        (
            #"{"auction_id":"a","user_id":"u","amount":5,"currency":"USD","timestamp":1800000000}"#,
            "timestamp: must be milliseconds since the Unix epoch"
        ),
        (
            #"{"auction_id":"","user_id":"u","amount":5,"currency":"USD","timestamp":1800000000000}"#,
            "auction_id: must be 1 to 256 bytes"
        ),
        (
            #"{"auction_id":"a","user_id":"u#2","amount":5,"currency":"USD","timestamp":1800000000000}"#,
            "user_id: must not contain '#'"
        ),
        ("not json", "the body is not a JSON object"),
        ("[1,2]", "the body is not a JSON object"),
    ])
    func badBidsAreRefusedNamingTheField(body: String, expected: String) {
        let error = #expect(throws: ValidationError.self) { try LiveBid.parse(body) }
        #expect(error?.description == expected)
    }
}
