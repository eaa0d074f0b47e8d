import AWS
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import Sniper
import Testing

/// The api's writes to Users (`UserStore+Profile`) against moto: what each verb leaves in the row.
@Suite struct UserStoreProfileTests {
    static func store() async throws -> (UserStore, Moto.Account) {
        let moto = try await Moto.shared()
        let table = moto.unique("Users")
        try await moto.createTable("UsersTable", named: table)
        return (UserStore(dynamo: DynamoDB(client: try moto.client(.dynamoDB)), table: table), moto)
    }

    @Test func anUpdateSetsWhatHasAValueAndRemovesWhatWasLeftOut() async throws {
        let (users, _) = try await Self.store()
        _ = try await users.updateProfile(
            "u-ada",
            name: "Ada",
            timeZone: "Europe/London",
            notifications: ["bid_outbid": false],
            email: "ada@example.com"
        )
        let row = try await users.updateProfile("u-ada", name: nil, timeZone: "UTC", notifications: nil, email: nil)
        #expect(row?.name == nil)
        #expect(row?.timeZone == "UTC")
        #expect(row?.notifications == nil)
        #expect(row?.email == "ada@example.com")  // not given: kept
        #expect(try await users.profile("u-ada") == row)
        #expect(row?.wants(.bidOutbid) == true)
    }

    @Test func linkingStoresTheSealedTokenAndUnlinkingForgetsIt() async throws {
        let (users, _) = try await Self.store()
        let linked = try await users.linkEbay(
            "u-bob",
            sealedRefreshToken: Array([1, 2, 3]),
            linkedAt: 1_000,
            expiresAt: 2_000,
            email: "bob@example.com"
        )
        #expect(linked?.ebayRefreshToken == [1, 2, 3])
        #expect(linked?.ebayLinkedAt == 1_000)
        #expect(linked?.ebayTokenExpiresAt == 2_000)
        try await users.unlinkEbay("u-bob")
        try await users.unlinkEbay("u-bob")  // again: harmless
        let row = try await users.profile("u-bob")
        #expect(row?.ebayRefreshToken == nil)
        #expect(row?.ebayLinkedAt == nil)
        #expect(row?.email == "bob@example.com")
    }

    @Test func unlinkingAUserWithoutARowCreatesNone() async throws {
        let (users, _) = try await Self.store()
        try await users.unlinkEbay("u-nobody")
        #expect(try await users.profile("u-nobody") == nil)
    }
}
