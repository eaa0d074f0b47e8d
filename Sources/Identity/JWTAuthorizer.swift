package import AWS
import CJWTSignature
import GavelCore
import JSON
import Synchronization

/// The HTTP API's JWT authorizer, as API Gateway runs it (for gavel-local's gateway), and the check that
/// bid-export, behind a Function URL with no authorizer, makes itself: the token from `Authorization` (with
/// or without `Bearer `), an RS256 signature by a key of the issuer's JWKS, `iss` equal to the configured issuer, `aud`
/// (ID tokens) or `client_id` (access tokens) among the audiences, `exp` in the future and `nbf` past.
/// Claims reach the function as strings, as API Gateway passes them.
package final class JWTAuthorizer: Sendable {
    /// Why a request was refused: API Gateway answers 401 for each, with no further detail to the caller.
    package struct Rejection: Error, Equatable, CustomStringConvertible {
        package var description: String
    }

    private struct Key: Decodable {
        var kid: String
        var n: String
        var e: String
    }
    private struct KeySet: Decodable { var keys: [Key] }
    private struct Header: Decodable {
        var alg: String
        var kid: String?
    }

    private let issuer: String
    private let audience: Set<String>
    private let keysURL: String
    private let transport: any HTTPTransport
    private let keys = Mutex<[String: (modulus: [UInt8], exponent: [UInt8])]>([:])
    /// When the key set was last fetched: an unknown `kid` fetches it again at most this often, so a stream
    /// of tokens with made-up key ids cannot turn every request into a fetch.
    private let lastFetch = Mutex<ContinuousClock.Instant?>(nil)
    static let refetchInterval: Duration = .seconds(60)
    private let fetches = Mutex(0)

    /// How many times the key set was fetched (for tests).
    package var keySetFetches: Int { self.fetches.withLock { $0 } }

    /// - Parameter keysURL: where the issuer's JWKS is served (locally, moto's user pool endpoint).
    package init(issuer: String, audience: [String], keysURL: String, transport: any HTTPTransport) {
        self.issuer = issuer
        self.audience = Set(audience)
        self.keysURL = keysURL
        self.transport = transport
    }

    /// The token's claims, or why it is refused.
    package func claims(authorization: String?, nowSeconds: Int64) async throws(Rejection) -> [String: String] {
        guard var token = authorization?.trimmingSpaces(), !token.isEmpty else {
            throw Rejection("no Authorization header")
        }
        if token.lowercased().hasPrefix("bearer ") { token = token.dropFirst(7).trimmingSpaces() }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(parts[0]), let payloadBytes = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2])
        else { throw Rejection("not a JWT") }
        guard let header = try? JSONCoder.decode(Header.self, from: headerBytes), header.alg == "RS256" else {
            throw Rejection("unsupported header (RS256 only)")
        }
        guard let key = await self.key(id: header.kid ?? "") else { throw Rejection("unknown signing key") }
        let signed = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let valid = gavel_rs256_verify(
            key.modulus,
            key.modulus.count,
            key.exponent,
            key.exponent.count,
            signed,
            signed.count,
            signature,
            signature.count
        )
        guard valid == 1 else { throw Rejection("bad signature") }
        guard let claims = try? JSONCoder.decode([String: ClaimValue].self, from: payloadBytes) else {
            throw Rejection("payload is not a JSON object")
        }
        guard claims["iss"]?.text == self.issuer else { throw Rejection("wrong issuer") }
        let audiences = claims["aud"]?.list ?? claims["client_id"]?.list ?? []
        guard !self.audience.isDisjoint(with: audiences) else { throw Rejection("wrong audience") }
        guard let expiry = claims["exp"]?.number else { throw Rejection("exp is not a time in seconds") }
        guard expiry > nowSeconds else { throw Rejection("expired") }
        if let notBefore = claims["nbf"]?.number, notBefore > nowSeconds { throw Rejection("not yet valid") }
        return claims.mapValues(\.text)
    }

    private func key(id: String) async -> (modulus: [UInt8], exponent: [UInt8])? {
        if let key = self.keys.withLock({ $0[id] }) { return key }
        // An unknown kid: fetch the key set again (the issuer may have rotated keys), unless it was just fetched.
        let now = ContinuousClock.now
        let due = self.lastFetch.withLock { last in
            guard last.map({ now - $0 >= Self.refetchInterval }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return nil }
        self.fetches.withLock { $0 += 1 }
        guard let response = try? await self.transport.send(TransportRequest(method: "GET", url: self.keysURL)),
            response.status == 200, let set = try? JSONCoder.decode(KeySet.self, from: response.body)
        else { return nil }
        var fetched: [String: (modulus: [UInt8], exponent: [UInt8])] = [:]
        for key in set.keys {
            if let modulus = Self.base64URL(Substring(key.n)), let exponent = Self.base64URL(Substring(key.e)) {
                fetched[key.kid] = (modulus, exponent)
            }
        }
        self.keys.withLock { $0 = fetched }
        return fetched[id]
    }

    /// Base64url without padding, as JWTs carry it.
    static func base64URL(_ text: Substring) -> [UInt8]? {
        var standard = text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }
        while standard.count % 4 != 0 { standard.append("=") }
        return Base64.decode(String(standard))
    }
}

extension JWTAuthorizer.Rejection {
    init(_ description: String) { self.description = description }
}

/// A claim's value: API Gateway hands every claim to the function as a string (arrays as `[a b]`).
private enum ClaimValue: Decodable {
    case string(String), number(Double), bool(Bool), array([String]), other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode([String].self) {
            self = .array(value)
        } else {
            self = .other
        }
    }

    var text: String {
        switch self {
        case .string(let value): value
        case .number(let value): Int64(exactly: value).map { String($0) } ?? String(value)
        case .bool(let value): String(value)
        case .array(let values): "[" + values.joined(separator: " ") + "]"
        case .other: ""
        }
    }

    var list: [String] {
        switch self {
        case .string(let value): [value]
        case .array(let values): values
        default: []
        }
    }

    /// The whole seconds of a numeric claim; nil for anything outside Int64 (1e300 must not trap).
    var number: Int64? {
        guard case .number(let value) = self, value.isFinite, value.magnitude < 9.0e18 else { return nil }
        return Int64(value.rounded(.down))
    }
}
