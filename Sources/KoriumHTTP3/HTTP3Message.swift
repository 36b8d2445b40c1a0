/// A request's control data and header fields (RFC 9114 §4.3.1), as sent by a client or
/// received by a server. CONNECT requests are not supported.
public struct HTTP3Request: Hashable, Sendable {
    /// `:method`, e.g. `GET`.
    public var method: [UInt8]
    /// `:scheme`, e.g. `https`.
    public var scheme: [UInt8]
    /// `:authority` (empty when the request carried none).
    public var authority: [UInt8]
    /// `:path`, e.g. `/index.html`.
    public var path: [UInt8]
    /// The regular header fields, in order.
    public var fields: [HTTPField]

    /// A request from text.
    public init(method: String = "GET", scheme: String = "https", authority: String, path: String, fields: [HTTPField] = []) {
        self.method = Array(method.utf8)
        self.scheme = Array(scheme.utf8)
        self.authority = Array(authority.utf8)
        self.path = Array(path.utf8)
        self.fields = fields
    }

    /// `:path` as text.
    public var pathString: String { String(decoding: path, as: UTF8.self) }
    /// `:method` as text.
    public var methodString: String { String(decoding: method, as: UTF8.self) }

    /// The field section to encode: pseudo-header fields first (§4.3), then the rest.
    public var headerFields: [HTTPField] {
        var all = [
            HTTPField(name: Array(":method".utf8), value: method), HTTPField(name: Array(":scheme".utf8), value: scheme),
        ]
        if !authority.isEmpty { all.append(HTTPField(name: Array(":authority".utf8), value: authority)) }
        all.append(HTTPField(name: Array(":path".utf8), value: path))
        return all + fields
    }

    /// Parses a decoded request header section; a malformed one (§4.1.2) is H3_MESSAGE_ERROR.
    public static func parse(_ section: [HTTPField]) throws(HTTP3Error) -> HTTP3Request {
        try HTTP3FieldRules.check(section, allowsPseudo: true)
        var method: [UInt8]?, scheme: [UInt8]?, authority: [UInt8]?, path: [UInt8]?
        var fields: [HTTPField] = []
        for field in section {
            guard field.isPseudo else {
                fields.append(field)
                continue
            }
            // §4.3.1: each pseudo-header at most once; no others in a request.
            switch String(decoding: field.name, as: UTF8.self) {
            case ":method" where method == nil: method = field.value
            case ":scheme" where scheme == nil: scheme = field.value
            case ":authority" where authority == nil: authority = field.value
            case ":path" where path == nil: path = field.value
            default: throw HTTP3Error(.messageError, "invalid or repeated request pseudo-header")
            }
        }
        guard let method else { throw HTTP3Error(.messageError, "request without :method") }
        if method == Array("CONNECT".utf8) { throw HTTP3Error(.requestRejected, "CONNECT is not supported") }
        // §4.3.1: all non-CONNECT requests MUST include exactly one :method, :scheme and a
        // non-empty :path; http(s) requests need :authority or Host.
        guard let scheme, let path, !path.isEmpty else {
            throw HTTP3Error(.messageError, "request without :scheme or :path")
        }
        let hasHost = fields.contains { $0.name == Array("host".utf8) }
        if authority == nil && !hasHost && (scheme == Array("https".utf8) || scheme == Array("http".utf8)) {
            throw HTTP3Error(.messageError, "request without :authority or host")
        }
        var request = HTTP3Request(authority: "", path: "")
        request.method = method
        request.scheme = scheme
        request.authority = authority ?? []
        request.path = path
        request.fields = fields
        return request
    }
}

/// A response's status and header fields (RFC 9114 §4.3.2).
public struct HTTP3Response: Hashable, Sendable {
    /// `:status`, 100...599.
    public var status: Int
    /// The regular header fields, in order.
    public var fields: [HTTPField]

    /// A response with `status` (100...599) and fields.
    public init(status: Int, fields: [HTTPField] = []) {
        precondition((100...599).contains(status), "HTTP status code out of range")
        self.status = status
        self.fields = fields
    }

    /// The field section to encode: `:status` first, then the rest.
    public var headerFields: [HTTPField] {
        [HTTPField(name: Array(":status".utf8), value: Array(String(status).utf8))] + fields
    }

    /// Parses a decoded response header section; a malformed one is H3_MESSAGE_ERROR.
    public static func parse(_ section: [HTTPField]) throws(HTTP3Error) -> HTTP3Response {
        try HTTP3FieldRules.check(section, allowsPseudo: true)
        var status: Int?
        var fields: [HTTPField] = []
        for field in section {
            guard field.isPseudo else {
                fields.append(field)
                continue
            }
            // §4.3.2: exactly one :status, three digits; no other pseudo-header.
            guard field.name == Array(":status".utf8), status == nil, field.value.count == 3,
                  field.value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let value = Int(String(decoding: field.value, as: UTF8.self)), (100...599).contains(value)
            else { throw HTTP3Error(.messageError, "invalid :status") }
            status = value
        }
        guard let status else { throw HTTP3Error(.messageError, "response without :status") }
        return HTTP3Response(status: status, fields: fields)
    }
}

/// The field rules of RFC 9114 §4.2 and §4.3 shared by requests, responses and trailers.
enum HTTP3FieldRules {
    /// Connection-specific fields that MUST NOT appear in HTTP/3 (§4.2).
    static let connectionSpecific: [[UInt8]] = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]
        .map { Array($0.utf8) }

    static func check(_ section: [HTTPField], allowsPseudo: Bool) throws(HTTP3Error) {
        var seenRegular = false
        for field in section {
            guard !field.name.isEmpty else { throw HTTP3Error(.messageError, "empty field name") }
            if field.isPseudo {
                // §4.3: pseudo-headers only where defined, and before every regular field.
                guard allowsPseudo, !seenRegular else { throw HTTP3Error(.messageError, "misplaced pseudo-header") }
            } else {
                seenRegular = true
            }
            for byte in field.name.dropFirst(field.isPseudo ? 1 : 0) {
                // §4.2: names are lower case tokens (RFC 9110 §5.1).
                guard isTokenCharacter(byte), !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) else {
                    throw HTTP3Error(.messageError, "invalid field name")
                }
            }
            // §4.1.2 / RFC 9110 §5.5: NUL, CR and LF are never valid in a value.
            for byte in field.value where byte == 0 || byte == 0x0a || byte == 0x0d {
                throw HTTP3Error(.messageError, "invalid field value")
            }
            if connectionSpecific.contains(field.name) { throw HTTP3Error(.messageError, "connection-specific field") }
            if field.name == Array("te".utf8) && field.value != Array("trailers".utf8) {
                throw HTTP3Error(.messageError, "TE other than trailers")
            }
        }
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// The value of a `content-length` field (§4.1.2: content must match it), or nil.
    static func contentLength(_ fields: [HTTPField]) throws(HTTP3Error) -> UInt64? {
        var length: UInt64?
        for field in fields where field.name == Array("content-length".utf8) {
            guard !field.value.isEmpty, field.value.count <= 18,
                  field.value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let value = UInt64(String(decoding: field.value, as: UTF8.self)), length == nil || length == value
            else { throw HTTP3Error(.messageError, "invalid content-length") }
            length = value
        }
        return length
    }
}
