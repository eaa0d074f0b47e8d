import Catalog
import GavelCore
import LiveAuction
import Sniper

/// The JSON bodies the api accepts. Each refuses unknown fields (StrictJSON) and names the field at fault.
enum APIRequests {
    /// `{"amount": 125000, "currency": "GBP"}`: whole minor units, an ISO 4217 code.
    struct MoneyInput: Decodable {
        var money: Money

        init(money: Money) { self.money = money }

        init(from decoder: any Decoder) throws {
            try StrictJSON.refuseUnknownFields(decoder, allowed: ["amount", "currency"])
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

    /// Letters, digits, `_` and `-`, 1 to `maxLength` bytes: the form of every id that becomes a key.
    static func isToken(_ text: String, maxLength: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength
            && text.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// A category: lower-case letters, digits and `-`, 1 to 40 (`cameras`, `home-audio`).
    static func category(_ text: String, field: String = "category") throws(APIError) -> String {
        let allowed = text.utf8.allSatisfy { (48...57).contains($0) || (97...122).contains($0) || $0 == 45 }
        guard !text.isEmpty, text.utf8.count <= 40, allowed else {
            throw .invalid(field, "must be 1 to 40 lower-case letters, digits or hyphens, such as home-audio")
        }
        return text
    }

    /// The `Idempotency-Key` header: 1 to 64 printable ASCII characters (a UUID is the usual choice).
    static func idempotencyKey(_ headers: [String: String], required: Bool) throws(APIError) -> String? {
        guard let key = headers["idempotency-key"] else {
            if required { throw .invalid("Idempotency-Key", "the Idempotency-Key header is required (a UUID)") }
            return nil
        }
        guard (1...64).contains(key.utf8.count), key.utf8.allSatisfy({ (33...126).contains($0) }) else {
            throw .invalid("Idempotency-Key", "must be 1 to 64 printable ASCII characters")
        }
        return key
    }

    static func text(_ value: String?, field: String, max: Int) throws(APIError) -> String? {
        guard let value else { return nil }
        guard !value.isEmpty, value.count <= max else {
            throw .invalid(field, "must be 1 to \(max) characters")
        }
        return value
    }

    static func stock(_ value: Int64?) throws(APIError) -> Int64? {
        guard let value else { return nil }
        guard (0...1_000_000).contains(value) else { throw .invalid("stock", "must be from 0 to 1000000") }
        return value
    }

    static func productStatus(_ value: String?) throws(APIError) -> String? {
        guard let value else { return nil }
        guard value == "ACTIVE" || value == "INACTIVE" else { throw .invalid("status", "must be ACTIVE or INACTIVE") }
        return value
    }

    /// `POST /products`.
    struct CreateProduct: Decodable {
        var name: String
        var category: String?
        var description: String?
        var price: MoneyInput
        var stock: Int64
        var status: String?
        static let fields: Set<String> = ["name", "category", "description", "price", "stock", "status"]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.category = try container.decodeIfPresent(String.self, forKey: .category)
            self.description = try container.decodeIfPresent(String.self, forKey: .description)
            self.price = try container.decode(MoneyInput.self, forKey: .price)
            self.stock = try container.integer(.stock)
            self.status = try container.decodeIfPresent(String.self, forKey: .status)
        }

        enum CodingKeys: String, CodingKey { case name, category, description, price, stock, status }

        func product(id: String, vendorId: String) throws(APIError) -> Product {
            let price = try self.price.validated(field: "price")
            var product = Product(
                productId: id,
                vendorId: vendorId,
                name: try APIRequests.text(self.name, field: "name", max: 200) ?? "",
                category: try self.category.map { text throws(APIError) in try APIRequests.category(text) },
                description: try APIRequests.text(self.description, field: "description", max: 2000),
                price: price.amount,
                currency: price.currency,
                stock: try APIRequests.stock(self.stock) ?? 0
            )
            product.status = try APIRequests.productStatus(self.status) ?? Product.active
            return product
        }
    }

    /// `PATCH /products/{productId}`: any of the fields; the price as a whole (amount and currency).
    struct ChangeProduct: Decodable {
        var name: String?
        var category: String?
        var description: String?
        var price: MoneyInput?
        var stock: Int64?
        var status: String?
        static let fields = CreateProduct.fields

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CreateProduct.CodingKeys.self)
            self.name = try container.decodeIfPresent(String.self, forKey: .name)
            self.category = try container.decodeIfPresent(String.self, forKey: .category)
            self.description = try container.decodeIfPresent(String.self, forKey: .description)
            self.price = try container.decodeIfPresent(MoneyInput.self, forKey: .price)
            self.stock = try container.contains(.stock) ? container.integer(.stock) : nil
            self.status = try container.decodeIfPresent(String.self, forKey: .status)
        }

        func changes() throws(APIError) -> ProductStore.Changes {
            let changes = ProductStore.Changes(
                name: try APIRequests.text(self.name, field: "name", max: 200),
                category: try self.category.map { text throws(APIError) in try APIRequests.category(text) },
                description: try APIRequests.text(self.description, field: "description", max: 2000),
                price: try self.price.map { input throws(APIError) in try input.validated(field: "price") },
                stock: try APIRequests.stock(self.stock),
                status: try APIRequests.productStatus(self.status)
            )
            guard changes != ProductStore.Changes() else {
                throw .invalid(nil, "nothing to change: send one of \(Self.fields.sorted().joined(separator: ", "))")
            }
            return changes
        }
    }

    /// `POST /products/{productId}/images`.
    struct ImageUpload: Decodable {
        var contentType: String
        static let fields: Set<String> = ["contentType"]
    }

    /// `POST /auctions`: a title, the money in one currency, and how long it runs from now.
    struct CreateAuction: Decodable {
        var title: String
        var currency: String
        var startingPrice: Int64
        var reserve: Int64?
        var minIncrement: Int64
        var durationSeconds: Int64
        static let fields: Set<String> = [
            "title", "currency", "startingPrice", "reserve", "minIncrement", "durationSeconds",
        ]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.title = try container.decode(String.self, forKey: .title)
            self.currency = try container.decode(String.self, forKey: .currency)
            self.startingPrice = try container.integer(.startingPrice)
            self.reserve = try container.contains(.reserve) ? container.integer(.reserve) : nil
            self.minIncrement = try container.integer(.minIncrement)
            self.durationSeconds = try container.integer(.durationSeconds)
        }

        enum CodingKeys: String, CodingKey {
            case title, currency, startingPrice, reserve, minIncrement, durationSeconds
        }

        func auction(id: String, sellerId: String, nowMs: Int64) throws(APIError) -> Auction {
            let title = try APIRequests.text(self.title, field: "title", max: 200) ?? ""
            let price = try MoneyInput(money: Money(amount: self.startingPrice, currency: self.currency))
                .validated(field: "startingPrice")
            let maximum: Int64 = 100_000_000_00
            guard (1...maximum).contains(self.minIncrement) else {
                throw .invalid("minIncrement", "must be a whole number of minor units from 1 to 10000000000")
            }
            let reserve = self.reserve ?? 0
            guard (0...maximum).contains(reserve) else {
                throw .invalid("reserve", "must be a whole number of minor units from 0 to 10000000000")
            }
            guard (60...7 * 86_400).contains(self.durationSeconds) else {
                throw .invalid("durationSeconds", "must be from 60 (a minute) to 604800 (a week)")
            }
            return Auction(
                auctionId: id,
                sellerId: sellerId,
                title: title,
                currency: price.currency,
                startingPrice: price.amount,
                reserve: reserve,
                minIncrement: self.minIncrement,
                startTime: nowMs,
                endTime: nowMs + self.durationSeconds * 1000,
                createdAt: nowMs
            )
        }
    }

    /// `PUT /cart/items/{productId}`.
    struct CartItem: Decodable {
        var quantity: Int64
        static let fields: Set<String> = ["quantity"]

        init(from decoder: any Decoder) throws {
            self.quantity = try decoder.container(keyedBy: CodingKeys.self).integer(.quantity)
        }

        enum CodingKeys: String, CodingKey { case quantity }
    }
}
