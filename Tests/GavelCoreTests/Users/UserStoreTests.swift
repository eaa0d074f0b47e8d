import AWS
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import Testing

/// Reading Users rows against moto.
@Suite struct UserStoreTests {
    @Test func aRowReadsAsAProfileAndNoRowAsNil() async throws {
        let moto = try await Moto.shared()
        let table = moto.unique("Users")
        try await moto.createTable("UsersTable", named: table)
        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        try await dynamo.putItem(
            table: table,
            item: [
                "userId": .s("u-ada"), "email": .s("ada@example.com"), "name": .s("Ada"),
                "notifications": .m(["bid_outbid": .bool(false)]), "ebayRefreshToken": .b([9]),
            ]
        )
        let users = UserStore(dynamo: dynamo, table: table)
        let profile = try #require(try await users.profile("u-ada"))
        #expect(profile.email == "ada@example.com")
        #expect(profile.name == "Ada")
        #expect(profile.ebayRefreshToken == [9])
        #expect(!profile.wants(.bidOutbid))
        #expect(profile.wants(.bidPlaced))
        #expect(try await users.profile("u-nobody") == nil)
    }
}
