import KoriumHTTP3

extension VectorChecks {
    /// RFC 9204 field sections: `encoded` must decode to `fields` (list of [name hex, value hex]);
    /// our encoder's output for `fields` must equal `ours` when given (bytes an independent
    /// decoder accepted) and must decode back to `fields`. An invalid case must not decode.
    static let qpackFieldSection: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let encoded = try test.hex("encoded")
        guard let pairs = test.fields["fields"] as? [[String]] else { throw .malformed("missing list field 'fields'") }
        var fields: [HTTPField] = []
        for pair in pairs {
            guard pair.count == 2, let name = Hex.decode(pair[0]), let value = Hex.decode(pair[1]) else {
                throw .malformed("a field is not [name hex, value hex]")
            }
            fields.append(HTTPField(name: name, value: value))
        }
        let decoded: [HTTPField]
        do { decoded = try QPACKDecoder.decodeFieldSection(encoded, maxSize: Int.max) } catch {
            return .rejected("decoding failed: \(error)")
        }
        guard decoded == fields else { return .rejected("decoded to other fields") }
        let ours = QPACKEncoder.encodeFieldSection(fields)
        if let expected = try test.optionalHex("ours"), ours != expected {
            return .rejected("our encoding is \(Hex.encode(ours))")
        }
        guard (try? QPACKDecoder.decodeFieldSection(ours, maxSize: Int.max)) == fields else {
            return .rejected("our encoding does not decode back")
        }
        return .accepted
    }

    /// RFC 7541 §5.2 Huffman code: `msg` encodes to exactly `coded`, and `coded` decodes to `msg`.
    static let hpackHuffman: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let msg = try test.hex("msg"), coded = try test.hex("coded")
        let decoded: [UInt8]
        do { decoded = try Huffman.decode(coded) } catch { return .rejected("decoding failed: \(error)") }
        guard decoded == msg else { return .rejected("decoded to \(Hex.encode(decoded))") }
        let ours = Huffman.encode(msg)
        return ours == coded ? .accepted : .rejected("encoded to \(Hex.encode(ours))")
    }
}
