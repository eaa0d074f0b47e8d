import Synchronization

/// Derived SigV4 signing keys, per access key, date, region and service: deriving one costs four HMACs,
/// and a key is good for the whole UTC day.
package final class SigningKeyCache: Sendable {
    private struct Scope: Hashable {
        var accessKeyId: String
        var date: String
        var region: String
        var service: String
    }

    private struct Entries {
        var last: (scope: Scope, key: HMACKey)?
        var all: [Scope: HMACKey] = [:]
    }

    private let entries = Mutex(Entries())

    package init() {}

    /// The signing key for `credentials` on `date` (`yyyyMMdd`) in `region` for `service`, ready to sign with.
    package func key(credentials: Credentials, date: String, region: String, service: String) -> HMACKey {
        let scope = Scope(accessKeyId: credentials.accessKeyId, date: date, region: region, service: service)
        // A signer asks for the same key request after request: compare before hashing anything.
        if let key = self.entries.withLock({ entries in
            entries.last.flatMap { $0.scope == scope ? $0.key : nil } ?? entries.all[scope]
        }) {
            return key
        }
        let key = HMACKey(
            Self.derive(secret: credentials.secretAccessKey, date: date, region: region, service: service)
        )
        self.entries.withLock { entries in
            if entries.all.count >= 32 { entries.all.removeAll() }  // yesterday's keys and rotated credentials
            entries.all[scope] = key
            entries.last = (scope, key)
        }
        return key
    }

    /// The raw signing key: HMAC chain over date, region, service and `aws4_request`.
    package static func derive(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let dateKey = Digest.hmacSHA256(key: Array("AWS4\(secret)".utf8), date.utf8)
        let regionKey = Digest.hmacSHA256(key: dateKey, region.utf8)
        let serviceKey = Digest.hmacSHA256(key: regionKey, service.utf8)
        return Digest.hmacSHA256(key: serviceKey, "aws4_request".utf8)
    }
}
