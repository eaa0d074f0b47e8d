import AWS
import Testing

@Suite struct URIEncodingTests {
    @Test(arguments: [
        ("a b", "a%20b"), ("ሴ", "%E1%88%B4"), ("A-Z_a.z~0", "A-Z_a.z~0"), ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ("/x/y", "%2Fx%2Fy"),
    ])
    func encodesAllButUnreserved(text: String, expected: String) {
        #expect(URIEncoding.encode(text) == expected)
    }

    @Test func keepsSlashesInPaths() {
        #expect(URIEncoding.encode("/photos/2024 06/ä.jpg", keepingSlashes: true) == "/photos/2024%2006/%C3%A4.jpg")
    }

    @Test(arguments: [("a%20b", "a b"), ("%E1%88%B4", "ሴ"), ("100%", "100%"), ("a+b", "a+b")])
    func decodesEscapesAndKeepsMalformedOnes(text: String, expected: String) {
        #expect(URIEncoding.decode(text) == expected)
    }

    @Test(arguments: [
        ("/", "/"), ("//example//", "/example/"), ("/example/..", "/"), ("/./example", "/example"),
        ("/a/b/../c/./d", "/a/c/d"), ("/a/b/", "/a/b/"), ("", "/"),
    ])
    func normalisesPaths(path: String, expected: String) {
        #expect(URIEncoding.normalizePath(path) == expected)
    }
}
