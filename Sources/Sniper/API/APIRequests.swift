import GavelCore

/// The JSON bodies the api accepts. Each refuses unknown fields (StrictJSON) and names the field at fault.
enum APIRequests {
    /// `{"amount": 125000, "currency": "GBP"}`: whole minor units, an ISO 4217 code.
    struct MoneyInput: Decodable {
        var money: Money

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let amount = try container.integer(.amount)
            let currency = try container.decode(String.self, forKey: .currency)
            self.money = Money(amount: amount, currency: currency)
        }

        enum CodingKeys: String, CodingKey { case amount, currency }

        func validated(field: String) throws(APIError) -> Money {
            guard self.money.amount > 0, self.money.amount <= 100_000_000_00 else {
                throw .invalid("\(field).amount", "must be a whole number of minor units from 1 to 10000000000")
            }
            let currency = self.money.currency
            guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (65...90).contains($0) }) else {
                throw .invalid("\(field).currency", "must be a three-letter ISO 4217 code such as USD")
            }
            return self.money
        }
    }

    static func leadSeconds(_ value: Int64?) throws(APIError) -> Int {
        guard let value else { return 5 }
        guard (2...30).contains(value) else { throw .invalid("leadSeconds", "must be from 2 to 30") }
        return Int(value)
    }

    struct CreateBid: Decodable {
        var itemId: String
        var maxBid: MoneyInput
        var leadSeconds: Int64?
        static let fields: Set<String> = ["itemId", "maxBid", "leadSeconds"]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.itemId = try container.decode(String.self, forKey: .itemId)
            self.maxBid = try container.decode(MoneyInput.self, forKey: .maxBid)
            self.leadSeconds = try container.contains(.leadSeconds) ? container.integer(.leadSeconds) : nil
        }

        enum CodingKeys: String, CodingKey { case itemId, maxBid, leadSeconds }
    }

    struct ChangeBid: Decodable {
        var maxBid: MoneyInput?
        var leadSeconds: Int64?
        static let fields: Set<String> = ["maxBid", "leadSeconds"]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.maxBid = try container.decodeIfPresent(MoneyInput.self, forKey: .maxBid)
            self.leadSeconds = try container.contains(.leadSeconds) ? container.integer(.leadSeconds) : nil
        }

        enum CodingKeys: String, CodingKey { case maxBid, leadSeconds }
    }

    struct PutProfile: Decodable {
        var name: String?
        var timeZone: String?
        var notifications: [String: Bool]?
        static let fields: Set<String> = ["name", "timeZone", "notifications"]
    }

    struct LinkEbay: Decodable {
        var code: String
        static let fields: Set<String> = ["code"]
    }

    /// eBay's RESTful item ids (`v1|110551991234|0`) and legacy numeric ids: letters, digits, `|`, `_`, `-`.
    static func itemId(_ text: String) throws(APIError) -> String {
        let allowed = text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || "|_-".utf8.contains(byte)
        }
        guard !text.isEmpty, text.utf8.count <= 100, allowed else {
            throw .invalid("itemId", "must be an eBay item id such as v1|110551991234|0")
        }
        return text
    }

    /// `UTC` or an IANA name such as `Europe/London` (checked for form; the tz database is not shipped).
    static func timeZone(_ text: String) throws(APIError) -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let wellFormed =
            (1...3).contains(parts.count)
            && parts.allSatisfy { part in
                !part.isEmpty
                    && part.utf8.allSatisfy { byte in
                        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                            || "_+-".utf8.contains(byte)
                    }
            }
        guard wellFormed, text.utf8.count <= 64 else {
            throw .invalid("timeZone", "must be an IANA time zone such as Europe/London")
        }
        return text
    }
}
