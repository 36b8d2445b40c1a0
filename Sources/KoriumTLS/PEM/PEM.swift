/// One PEM block (RFC 7468): the label of its `-----BEGIN LABEL-----` line and the DER bytes
/// its base64 body decodes to.
public struct PEMBlock: Sendable, Hashable {
    /// The label, e.g. `CERTIFICATE`, `PRIVATE KEY`, `PUBLIC KEY`.
    public let label: String
    /// The decoded body.
    public let der: [UInt8]

    /// A block with `label` and body `der`.
    public init(label: String, der: [UInt8]) {
        self.label = label
        self.der = der
    }
}

/// PEM text encoding (RFC 7468) as written by openssl: decoding into blocks, encoding blocks
/// with 64-character lines, and loading Ed25519 certificates and keys.
///
/// Decoding is total and bounded: at most ``maxInputSize`` bytes and ``maxBlocks`` blocks; text
/// outside blocks is ignored (RFC 7468 §2 allows explanatory text); anything malformed inside a
/// block is a typed ``PEMError``.
public enum PEM {
    /// Largest PEM text accepted (a certificate chain or key file is a few KiB).
    public static let maxInputSize = 1 << 20
    /// Most blocks in one text.
    public static let maxBlocks = 64
    /// Longest label accepted (RFC 7468 labels are short words such as `CERTIFICATE`).
    public static let maxLabelLength = 64

    /// RFC 7468 §4: the certificate label.
    public static let certificateLabel = "CERTIFICATE"
    /// RFC 7468 §10: the PKCS#8 private key label.
    public static let privateKeyLabel = "PRIVATE KEY"
    /// RFC 7468 §13: the SubjectPublicKeyInfo label.
    public static let publicKeyLabel = "PUBLIC KEY"

    static let dashes: [UInt8] = Array("-----".utf8)
    static let beginPrefix: [UInt8] = Array("-----BEGIN ".utf8)
    static let endPrefix: [UInt8] = Array("-----END ".utf8)

    /// Decodes every block in `text`, in order.
    public static func decode(_ text: String) throws(PEMError) -> [PEMBlock] {
        try decode(Array(text.utf8))
    }

    /// Decodes every block in `text` (UTF-8/ASCII bytes), in order.
    public static func decode(_ text: [UInt8]) throws(PEMError) -> [PEMBlock] {
        guard text.count <= maxInputSize else { throw .inputTooLarge(text.count) }
        var blocks: [PEMBlock] = []
        var open: (label: [UInt8], bodyStart: Int)? = nil
        var lineStart = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 0x0a { lineEnd += 1 }
            let next = lineEnd + 1
            // Trailing whitespace (including the CR of CRLF) is not part of a boundary.
            var trimmedEnd = lineEnd
            while trimmedEnd > lineStart && Base64.isWhitespace(text[trimmedEnd - 1]) { trimmedEnd -= 1 }
            let line = text[lineStart..<trimmedEnd]
            if let current = open {
                if line.starts(with: endPrefix) {
                    guard let label = boundaryLabel(line, prefix: endPrefix), label == current.label else {
                        throw .malformedBoundary
                    }
                    let der = try Base64.decode(text[current.bodyStart..<lineStart])
                    guard blocks.count < maxBlocks else { throw .tooManyBlocks }
                    blocks.append(PEMBlock(label: String(decoding: label, as: UTF8.self), der: der))
                    open = nil
                } else if line.starts(with: dashes) {
                    throw .malformedBoundary
                } else if line.contains(UInt8(ascii: ":")) {
                    // RFC 7468 §2: parsers may reject RFC 1421 headers; they only appear in
                    // legacy encrypted keys, which we cannot use anyway.
                    throw .encapsulatedHeaders
                }
            } else if line.starts(with: beginPrefix) {
                guard let label = boundaryLabel(line, prefix: beginPrefix) else { throw .malformedBoundary }
                open = (label, min(next, text.count))
            } else if line.starts(with: endPrefix) {
                throw .malformedBoundary
            }
            lineStart = next
        }
        if let current = open { throw .unterminatedBlock(label: String(decoding: current.label, as: UTF8.self)) }
        return blocks
    }

    /// The label of a `prefix LABEL-----` line, or nil when the line or label is malformed
    /// (RFC 7468 §3: labelchar = %x21-2C / %x2E-7E, single spaces or hyphens between them).
    static func boundaryLabel(_ line: ArraySlice<UInt8>, prefix: [UInt8]) -> [UInt8]? {
        guard line.count >= prefix.count + dashes.count, line.suffix(dashes.count).elementsEqual(dashes) else { return nil }
        let label = Array(line[(line.startIndex + prefix.count)..<(line.endIndex - dashes.count)])
        guard label.count <= maxLabelLength else { return nil }
        var previousWasSeparator = true
        for c in label {
            let isSeparator = c == 0x20 || c == 0x2d
            if isSeparator {
                if previousWasSeparator { return nil }
            } else if c < 0x21 || c > 0x7e {
                return nil
            }
            previousWasSeparator = isSeparator
        }
        // An empty label is allowed by the grammar; a trailing separator is not.
        if !label.isEmpty && previousWasSeparator { return nil }
        return label
    }

    /// Encodes one block: BEGIN line, base64 in 64-character lines, END line, each ending in LF.
    public static func encode(_ block: PEMBlock) -> String {
        let body = Base64.encode(block.der)
        var out = "-----BEGIN \(block.label)-----\n"
        var i = 0
        while i < body.count {
            let end = min(i + 64, body.count)
            out += String(decoding: body[i..<end], as: UTF8.self)
            out += "\n"
            i = end
        }
        out += "-----END \(block.label)-----\n"
        return out
    }

    /// Encodes `der` under `label`.
    public static func encode(label: String, der: [UInt8]) -> String { encode(PEMBlock(label: label, der: der)) }
}
