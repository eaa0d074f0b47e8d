import APIGatewayEvents
import AWS
import GavelCore
import JSON
import LambdaRuntime
import Logging
import Sniper

/// `GET /me`, `PUT /me`, `POST /me/ebay`, `DELETE /me/ebay`.
extension APIHandler {
    /// The profile as `GET /me` shows it: every notification kind with its switch, and the link state.
    struct ProfileView: Encodable {
        struct EbayLink: Encodable {
            var linked: Bool
            var linkedAt: String?
            var expiresAt: String?
        }
        var userId: String
        var email: String?
        var name: String?
        var timeZone: String
        var notifications: [String: Bool]
        var ebay: EbayLink
        /// Why notifications no longer reach the address, when SES reported it.
        var emailSuppression: Suppression?
        struct Suppression: Encodable {
            var address: String
            var reason: String
            var since: String
        }
    }

    private func view(_ row: UserProfile?, call: Call) -> ProfileView {
        var notifications: [String: Bool] = [:]
        for kind in Notification.Kind.allCases {
            notifications[kind.rawValue] = row?.notifications?[kind.rawValue] ?? true
        }
        return ProfileView(
            userId: call.userId,
            email: call.verifiedEmail ?? row?.email,
            name: row?.name ?? call.claims["name"],
            timeZone: row?.timeZone ?? "UTC",
            notifications: notifications,
            ebay: .init(
                linked: row?.ebayRefreshToken != nil,
                linkedAt: row?.ebayLinkedAt.map { ISO8601.string(ms: $0) },
                expiresAt: row?.ebayTokenExpiresAt.map { ISO8601.string(ms: $0) }
            ),
            // Shown only while it names the stored address (a new verified address lifts it).
            emailSuppression: row.flatMap { $0.deliverableEmail == nil ? $0.emailSuppression : nil }.map {
                .init(address: $0.address, reason: $0.reason.rawValue, since: ISO8601.string(ms: $0.at))
            }
        )
    }

    func getProfile(_ call: Call) async throws -> APIGatewayResponse {
        .json(200, self.view(try await self.users.profile(call.userId), call: call))
    }

    /// Replaces the editable fields (name, time zone, preferences); a field left out goes back to its default.
    /// The email always comes from the token's claims, and only when `email_verified` is true, so the
    /// address the notifications go to is one Cognito verified.
    func putProfile(_ call: Call) async throws -> APIGatewayResponse {
        let input = try call.decode(APIRequests.PutProfile.self, fields: APIRequests.PutProfile.fields)
        if let name = input.name, name.isEmpty || name.count > 100 {
            throw APIError.invalid("name", "must be 1 to 100 characters")
        }
        var timeZone: String?
        if let text = input.timeZone { timeZone = try APIRequests.timeZone(text) }
        let kinds = Set(Notification.Kind.allCases.map(\.rawValue))
        if let unknown = input.notifications?.keys.sorted().first(where: { !kinds.contains($0) }) {
            throw APIError.invalid("notifications.\(unknown)", "is not a notification kind")
        }
        let row = try await self.users.updateProfile(
            call.userId,
            name: input.name,
            timeZone: timeZone,
            notifications: input.notifications,
            email: call.verifiedEmail
        )
        return .json(200, self.view(row, call: call))
    }

    /// Exchanges eBay's authorization code for the user's refresh token and stores it encrypted with the
    /// stack's KMS key, bound to the user by the encryption context.
    func linkEbay(_ call: Call) async throws -> APIGatewayResponse {
        let input = try call.decode(APIRequests.LinkEbay.self, fields: APIRequests.LinkEbay.fields)
        // eBay's codes are printable ASCII (`v^1.1#i^1#...`); anything else is not one, and is not sent on.
        guard (1...2048).contains(input.code.utf8.count), input.code.utf8.allSatisfy({ (33...126).contains($0) })
        else {
            throw APIError.invalid("code", "must be the authorization code eBay returned")
        }
        let grant: Ebay.UserGrant
        do throws(EbayError) {
            grant = try await self.ebay.exchange(code: input.code)
        } catch {
            if case .invalidGrant = error {
                throw APIError.invalid("code", "eBay refused this authorization code (expired or already used)")
            }
            throw error
        }
        let row = try await self.users.linkEbay(
            call.userId,
            sealedRefreshToken: try await self.vault.seal(grant.refreshToken, for: call.userId),
            linkedAt: WallClock.nowMs(),
            expiresAt: grant.refreshTokenExpiresAt,
            email: call.verifiedEmail
        )
        call.logger.info("eBay account linked")
        return .json(200, self.view(row, call: call))
    }

    /// Forgets the eBay link. Scheduled bids stay; the executor records them FAILED unless the user links again.
    func unlinkEbay(_ call: Call) async throws -> APIGatewayResponse {
        try await self.users.unlinkEbay(call.userId)
        return APIGatewayResponse(statusCode: 204, body: "")
    }
}
