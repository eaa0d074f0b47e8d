import Synchronization

/// Derived SigV4 signing keys, per access key, date, region and service: deriving one costs four HMACs,
/// and a key is good for the whole UTC day.
package final class SigningKeyCache: Sendable {
    private let keys = Mutex<[String: [UInt8]]>([:])

    package init() {}

    /// The signing key for `credentials` on `date` (`yyyyMMdd`) in `region` for `service`.
    package func key(credentials: Credentials, date: String, region: String, service: String) -> [UInt8] {
        let name = "\(credentials.accessKeyId)/\(date)/\(region)/\(service)"
        if let key = self.keys.withLock({ $0[name] }) { return key }
        let dateKey = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), Array(date.utf8))
        let regionKey = Digest.hmacSHA256(key: dateKey, Array(region.utf8))
        let serviceKey = Digest.hmacSHA256(key: regionKey, Array(service.utf8))
        let signingKey = Digest.hmacSHA256(key: serviceKey, Array("aws4_request".utf8))
        self.keys.withLock { keys in
            if keys.count >= 32 { keys.removeAll() }  // yesterday's keys and rotated credentials: start over
            keys[name] = signingKey
        }
        return signingKey
    }
}
