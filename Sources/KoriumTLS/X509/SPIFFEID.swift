/// A SPIFFE ID `spiffe://trust-domain/path` (SPIFFE-ID spec §2).
public struct SPIFFEID: Sendable, Hashable, CustomStringConvertible {
    /// The trust domain (lowercase letters, digits, `.`, `-`, `_`).
    public let trustDomain: String
    /// The path, empty or starting with `/`.
    public let path: String

    /// The maximum URI length (SPIFFE-ID spec §2.3: 2048 bytes).
    public static let maxLength = 2048

    /// Parses and validates a SPIFFE ID URI.
    public init(_ uri: String) throws(X509Error) {
        let bytes = Array(uri.utf8)
        guard bytes.count <= SPIFFEID.maxLength else { throw .spiffe("ID longer than 2048 bytes") }
        let prefix = Array("spiffe://".utf8)
        guard bytes.count > prefix.count, Array(bytes[0..<prefix.count]) == prefix else {
            throw .spiffe("scheme is not spiffe")
        }
        let rest = bytes[prefix.count...]
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let domain = rest[rest.startIndex..<slash]
        guard !domain.isEmpty else { throw .spiffe("empty trust domain") }
        for c in domain {
            let ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x2d || c == 0x5f
            guard ok else { throw .spiffe("invalid trust domain character") }
        }
        let path = rest[slash...]
        if !path.isEmpty {
            // Segments: non-empty, not "." or "..", characters [a-zA-Z0-9.-_]; no trailing slash.
            for segment in path.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
                guard !segment.isEmpty else { throw .spiffe("empty path segment") }
                guard !(segment.count == 1 && segment.first == 0x2e),
                      !(segment.count == 2 && segment.allSatisfy { $0 == 0x2e }) else {
                    throw .spiffe("dot segment in path")
                }
                for c in segment {
                    let ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
                        || c == 0x2e || c == 0x2d || c == 0x5f
                    guard ok else { throw .spiffe("invalid path character") }
                }
            }
        }
        trustDomain = String(decoding: domain, as: UTF8.self)
        self.path = String(decoding: path, as: UTF8.self)
    }

    /// `spiffe://trust-domain/path`.
    public var description: String { "spiffe://\(trustDomain)\(path)" }
}
