import AWS
import FoundationEssentials
import Testing

/// The AttributeValue encoder and decoder: shapes round trip, the wire form is DynamoDB's, errors name paths.
@Suite struct DynamoDBCodableTests {
    struct Money: Codable, Equatable {
        var amount: Int64
        var currency: String
    }

    struct Everything: Codable, Equatable {
        enum Status: String, Codable { case scheduled = "SCHEDULED", placed = "PLACED" }
        var id: String
        var status: Status
        var maxBid: Money
        var history: [Money]
        var attempts: Int
        var ratio: Double
        var big: UInt64
        var negative: Int8
        var active: Bool
        var note: String?
        var tags: Set<String>
        var lots: Set<Int>
        var blobs: Set<[UInt8]>
        var image: [UInt8]
        var ttl: Int64
        var matrix: [[Int]]
        var byName: [String: Money]
        var maybeList: [String?]
    }

    static let sample = Everything(
        id: "b-1",
        status: .placed,
        maxBid: Money(amount: 12_550, currency: "USD"),
        history: [Money(amount: 1, currency: "USD"), Money(amount: 2, currency: "EUR")],
        attempts: 3,
        ratio: 0.125,
        big: UInt64.max,
        negative: -128,
        active: true,
        note: nil,
        tags: ["a", "b"],
        lots: [3, 1, 2],
        blobs: [[0, 1], [255]],
        image: [0xFF, 0xD8, 0xFF],
        ttl: 1_800_000_000,
        matrix: [[1, 2], [], [3]],
        byName: ["first": Money(amount: 5, currency: "GBP")],
        maybeList: ["x", nil]
    )

    @Test func everyShapeRoundTrips() throws {
        let item = try DynamoDBEncoder().encode(Self.sample)
        #expect(try DynamoDBDecoder().decode(Everything.self, from: item) == Self.sample)
    }

    @Test func theAttributesHaveDynamoDBsTypes() throws {
        let item = try DynamoDBEncoder().encode(Self.sample)
        #expect(item["status"] == .s("PLACED"))
        #expect(item["maxBid"] == .m(["amount": .n("12550"), "currency": .s("USD")]))
        #expect(item["big"] == .n("18446744073709551615"))
        #expect(item["ratio"] == .n("0.125"))
        #expect(item["note"] == nil)  // a nil optional is left out
        #expect(item["tags"] == .ss(["a", "b"]))
        #expect(item["lots"] == .ns(["1", "2", "3"]))
        #expect(item["image"] == .b([0xFF, 0xD8, 0xFF]))  // a byte array is B, not a list of numbers
        #expect(item["ttl"] == .n("1800000000"))  // epoch seconds, an integer: what TTL reads
        #expect(
            item["blobs"].map { if case .bs(let values) = $0 { Set(values) } else { [] } }
                == Set<[UInt8]>([[0, 1], [255]])
        )
        #expect(item["maybeList"] == .l([.s("x"), .null]))
        #expect(item["matrix"] == .l([.l([.n("1"), .n("2")]), .l([]), .l([.n("3")])]))
    }

    @Test func theWireFormIsDynamoDBsJSON() throws {
        let value: [String: AttributeValue] = [
            "s": .s("x"), "n": .n("1.5"), "b": .b(Array("hi".utf8)), "t": .bool(true), "z": .null,
            "m": .m(["k": .l([.ss(["a"]), .ns(["1"]), .bs([[1]])])]),
        ]
        let json = try JSONEncoder().encode(value)
        let text = String(decoding: json, as: UTF8.self)
        for fragment in [#""S":"x""#, #""N":"1.5""#, #""B":"aGk=""#, #""BOOL":true"#, #""NULL":true"#, #""SS":["a"]"#] {
            #expect(text.contains(fragment))
        }
        #expect(try JSONDecoder().decode([String: AttributeValue].self, from: json) == value)
    }

    @Test(arguments: [
        (#"{"maxBid":{"M":{"amount":{"S":"12"},"currency":{"S":"USD"}}}}"#, "maxBid.amount: expected N, found S"),
        (#"{"maxBid":{"M":{"currency":{"S":"USD"}}}}"#, "maxBid.amount: the item has no such attribute"),
        (#"{"maxBid":{"M":{"amount":{"N":"1.5"},"currency":{"S":"USD"}}}}"#, "maxBid.amount: 1.5 does not fit Int64"),
        (#"{"maxBid":{"S":"12"}}"#, "maxBid: expected M, found S"),
    ])
    func decodingErrorsNameTheAttributePath(json: String, message: String) throws {
        struct Bid: Decodable { var maxBid: Money }
        let item = try JSONDecoder().decode([String: AttributeValue].self, from: Data(json.utf8))
        let error = #expect(throws: DecodingError.self) { try DynamoDBDecoder().decode(Bid.self, from: item) }
        #expect(String(describing: error).contains(message))
    }

    @Test func anEmptySetCannotBeStoredAndSaysWhere() {
        struct Tagged: Encodable { var inner: [String: Set<String>] }
        let error = #expect(throws: EncodingError.self) {
            try DynamoDBEncoder().encode(Tagged(inner: ["tags": []]))
        }
        #expect(String(describing: error).contains("inner.tags: DynamoDB cannot store an empty set"))
    }

    @Test func aMissingOrNullAttributeDecodesAsNil() throws {
        struct Maybe: Decodable, Equatable {
            var a: String?
            var b: Int?
        }
        let decoded = try DynamoDBDecoder().decode(Maybe.self, from: ["b": .null])
        #expect(decoded == Maybe(a: nil, b: nil))
    }

    /// Hand-written encoding: nested containers filled after later keys, a key written twice (the last wins),
    /// a nested list inside a list.
    struct Late: Encodable {
        enum Key: String, CodingKey { case first, second, list, twice }

        func encode(to encoder: any Encoder) throws {
            var root = encoder.container(keyedBy: Key.self)
            var first = root.nestedContainer(keyedBy: Key.self, forKey: .first)
            var list = root.nestedUnkeyedContainer(forKey: .list)
            try root.encode("old", forKey: .twice)
            try root.encode("s", forKey: .second)
            try first.encode(1, forKey: .second)  // after `second` was written at the root
            var inner = list.nestedUnkeyedContainer()
            try list.encode("after")
            try inner.encode(true)
            try root.encode("new", forKey: .twice)
        }
    }

    @Test func nestedContainersFilledLaterAreInTheItem() throws {
        #expect(
            try DynamoDBEncoder().encode(Late()) == [
                "first": .m(["second": .n("1")]), "second": .s("s"), "twice": .s("new"),
                "list": .l([.l([.bool(true)]), .s("after")]),
            ]
        )
    }

    @Test func errorsInListsNameTheIndex() throws {
        struct Grid: Encodable { var values: [[Double]] }
        let encoding = #expect(throws: EncodingError.self) {
            try DynamoDBEncoder().encode(Grid(values: [[1], [2, .nan]]))
        }
        #expect(String(describing: encoding).contains("values[1][1]: DynamoDB numbers must be finite"))

        struct Bids: Decodable { var history: [Money] }
        let item: [String: AttributeValue] = [
            "history": .l([
                .m(["amount": .n("1"), "currency": .s("USD")]), .m(["amount": .s("2"), "currency": .s("USD")]),
            ])
        ]
        let decoding = #expect(throws: DecodingError.self) { try DynamoDBDecoder().decode(Bids.self, from: item) }
        #expect(String(describing: decoding).contains("history[1].amount: expected N, found S"))
    }

    /// Every standard number type and set element type, and the lists and sets of strings and integers the
    /// encoder and decoder take straight (not through `Array`'s and `Set`'s own `Codable`).
    struct Numbers: Codable, Equatable {
        var i8: Int8, i16: Int16, i32: Int32, i64: Int64, int: Int
        var u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64, uint: UInt
        var float: Float, whole: Double
        var smallSet: Set<UInt8>, wideSet: Set<Int16>, bigSet: Set<UInt64>
        var names: [String], counts: [Int], none: [String]
        var maybeCounts: [Int?], maybeTags: Set<String>?
    }

    @Test func numbersAndSetsOfEveryWidthHaveDynamoDBsTypes() throws {
        let value = Numbers(
            i8: -8,
            i16: -16,
            i32: -32,
            i64: -64,
            int: -1,
            u8: 8,
            u16: 16,
            u32: 32,
            u64: 64,
            uint: 1,
            float: 0.5,
            whole: 3,
            smallSet: [2, 1],
            wideSet: [-5, 7],
            bigSet: [UInt64.max],
            names: ["x", "y"],
            counts: [3, -1],
            none: [],
            maybeCounts: [1, nil],
            maybeTags: ["t"]
        )
        let item = try DynamoDBEncoder().encode(value)
        for (key, number) in [
            ("i8", "-8"), ("i16", "-16"), ("i32", "-32"), ("i64", "-64"), ("int", "-1"), ("u8", "8"), ("u16", "16"),
            ("u32", "32"), ("u64", "64"), ("uint", "1"), ("float", "0.5"), ("whole", "3"),
        ] {
            #expect(item[key] == .n(number), "\(key)")
        }
        #expect(item["smallSet"] == .ns(["1", "2"]))
        #expect(item["wideSet"] == .ns(["-5", "7"]))
        #expect(item["bigSet"] == .ns(["18446744073709551615"]))
        #expect(item["names"] == .l([.s("x"), .s("y")]))
        #expect(item["counts"] == .l([.n("3"), .n("-1")]))
        #expect(item["none"] == .l([]))
        #expect(item["maybeCounts"] == .l([.n("1"), .null]))
        #expect(item["maybeTags"] == .ss(["t"]))
        #expect(try DynamoDBDecoder().decode(Numbers.self, from: item) == value)
    }

    /// Lists and sets of strings and integers read from other shapes, or holding the wrong type, go the
    /// general way: what it accepts still decodes, and its errors still name the element.
    @Test func listsOfTheWrongShapeStillDecodeOrNameTheElement() throws {
        struct Lists: Decodable, Equatable {
            var names: [String]
            var counts: [Int]
            var tags: Set<String>
        }
        let fromOtherShapes = try DynamoDBDecoder().decode(
            Lists.self,
            from: ["names": .ss(["a"]), "counts": .ns(["2"]), "tags": .l([.s("t"), .s("t")])]
        )
        #expect(fromOtherShapes == Lists(names: ["a"], counts: [2], tags: ["t"]))
        for (item, message) in [
            (
                ["names": .l([.s("a"), .n("1")]), "counts": .l([]), "tags": .ss(["t"])] as [String: AttributeValue],
                "names[1]: expected S, found N"
            ),
            (
                ["names": .l([]), "counts": .l([.n("1"), .n("1.5")]), "tags": .ss(["t"])],
                "counts[1]: 1.5 does not fit Int"
            ),
            (
                ["names": .l([]), "counts": .l([]), "tags": .l([.s("t"), .bool(true)])],
                "tags[1]: expected S, found BOOL"
            ),
        ] {
            let error = #expect(throws: DecodingError.self) { try DynamoDBDecoder().decode(Lists.self, from: item) }
            #expect(String(describing: error).contains(message), "\(message)")
        }
    }
}
