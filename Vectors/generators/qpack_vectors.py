"""QPACK field-section vectors (RFC 9204) from an independent implementation: ls-qpack (C),
through its Python binding pylsqpack (the QPACK library of aioquic).

Writes Vectors/http3/huffman-rfc7541.json (algorithm "HPACK-Huffman", fields `msg` and
`coded`): the Huffman-coded string literals of RFC 7541 Appendix C.4 and C.6, transcribed (the
section is in each case's comment) and asserted equal to ls-qpack's Huffman coding of the text.

Writes Vectors/http3/qpack-lsqpack.json, algorithm "QPACK-Field-Section":

- valid cases: header lists encoded by pylsqpack's Encoder with the dynamic table disabled
  (the peer settings SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0, BLOCKED_STREAMS = 0 that
  KoriumHTTP3 advertises), so each section uses only the static table and literals. Fields:
  `encoded` (ls-qpack's bytes) and `fields` (list of [name hex, value hex]). Each encoding is
  fed back to a pylsqpack Decoder(0, 0) here, which must return the same list. Our check decodes
  `encoded` and must get `fields`; it also encodes `fields` with our encoder and requires that
  to decode to `fields` again.
- `ours` (valid cases): the exact bytes KoriumHTTP3's encoder must produce, computed here from
  the choices our encoder documents (static exact match → indexed line, static name match →
  name reference, else literal name; Huffman when strictly shorter, with ls-qpack's own Huffman
  output). The generator asserts that a pylsqpack Decoder(0, 0) accepts `ours` and returns
  `fields`, so the check "our encoder output == ours" proves ls-qpack accepts what we send.
  (With these rules ls-qpack's `encoded` and `ours` agree for every case; the notes say so.)
- invalid cases: hand-made sections that a pylsqpack Decoder(0, 0) rejects (non-zero Required
  Insert Count, negative Base, dynamic and post-base references, static index 99, truncated
  strings and integers, bad Huffman padding, EOS); ours must reject them too.

Deterministic (fixed seed): re-running reproduces the file byte for byte.
Run: .venv/bin/python Vectors/generators/qpack_vectors.py  (reads rfc7541-hpack.txt and
rfc9204-qpack.md from $KORIUM_SPECS, default /work/shared/specs)
"""
import os
import random
import re
import sys

import pylsqpack

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vectorfile import write_project_file  # noqa: E402

# The RFC texts (for the static table and the Huffman code lengths used to compute `ours`).
SPECS = os.environ.get("KORIUM_SPECS", "/work/shared/specs")


def huffman_lengths():
    """Code lengths per symbol from RFC 7541 Appendix B (the RFC text)."""
    text = open(os.path.join(SPECS, "rfc7541-hpack.txt")).read()
    start = text.index("Appendix B.  Huffman Code", text.index("Appendix B.  Huffman Code") + 10)
    body = text[start:text.index("Appendix C.  Examples", start)]
    rows = re.findall(r"\(\s*(\d+)\)\s+\|([01|]+)\s+([0-9a-f]+)\s+\[\s*(\d+)\]", body)
    assert len(rows) == 257
    return [int(r[3]) for r in rows]


def static_table():
    """RFC 9204 Appendix A from the RFC source."""
    text = open(os.path.join(SPECS, "rfc9204-qpack.md")).read()
    block = text[text.index("| Index | Name"):text.index('{: title="Static Table"}')]
    table = []
    for line in block.splitlines()[2:]:
        _, name, value = [p.strip() for p in line.strip().strip("|").split("|")]
        table.append((name.encode(), value.replace("\\*", "*").replace("\\'", "'").encode()))
    assert len(table) == 99
    return table


LENGTHS = huffman_lengths()
STATIC = static_table()


def prefix_int(value, bits, flags):
    mask = (1 << bits) - 1
    if value < mask:
        return bytes([flags | value])
    out = [flags | mask]
    value -= mask
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def huffman_size(data):
    return (sum(LENGTHS[b] for b in data) + 7) // 8


def string_literal(data, bits, flags, huffman_encode):
    if huffman_size(data) < len(data):
        coded = huffman_encode(data)
        return prefix_int(len(coded), bits, flags | (1 << bits)) + coded
    return prefix_int(len(data), bits, flags) + data


def our_encoding(fields, huffman_encode):
    """KoriumHTTP3's documented encoder choices (see the module docstring)."""
    out = b"\x00\x00"
    for name, value in fields:
        exact = [i for i, e in enumerate(STATIC) if e == (name, value)]
        named = [i for i, e in enumerate(STATIC) if e[0] == name]
        if exact:
            out += prefix_int(exact[0], 6, 0xC0)
        elif named:
            out += prefix_int(named[0], 4, 0x50) + string_literal(value, 7, 0, huffman_encode)
        else:
            out += string_literal(name, 3, 0x20, huffman_encode) + string_literal(value, 7, 0, huffman_encode)
    return out


def lsqpack_encode(fields, stream_id):
    encoder = pylsqpack.Encoder()
    encoder.apply_settings(max_table_capacity=0, blocked_streams=0)
    encoder_stream, section = encoder.encode(stream_id, fields)
    assert encoder_stream == b"", "ls-qpack used its encoder stream with capacity 0"
    return section


def lsqpack_decode(section, stream_id=0):
    decoder = pylsqpack.Decoder(0, 0)
    _, fields = decoder.feed_header(stream_id, section)
    return [(bytes(n), bytes(v)) for n, v in fields]


def huffman_from_lsqpack(data):
    """The Huffman coding of `data` as ls-qpack writes it: a literal-name field line whose
    name is `data`, taken from ls-qpack's own output (ls-qpack Huffman-codes when shorter)."""
    section = lsqpack_encode([(b"x-probe", data)], 0)
    # 00 00, literal name "x-probe" (001 N H len3), then the value string (H + 7-bit length).
    body = section[2:]
    first = body[0]
    assert first & 0xE0 == 0x20
    name_len = first & 0x07
    index = 1
    if name_len == 7:
        shift, name_len = 0, 7
        while True:
            b = body[index]
            index += 1
            name_len += (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
    index += name_len
    value_first = body[index]
    assert value_first & 0x80, "ls-qpack did not Huffman-code a value that is shorter coded"
    length = value_first & 0x7F
    index += 1
    if length == 0x7F:
        shift = 0
        while True:
            b = body[index]
            index += 1
            length += (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
    return body[index:index + length]


def token(rng, n):
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(n)).encode()


def value(rng, n, binary=False):
    if binary:
        return bytes(rng.choice([b for b in range(256) if b not in (0, 10, 13)]) for _ in range(n))
    return "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(n)).encode()


def header_lists(rng):
    lists = [
        [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", b"localhost"), (b":path", b"/")],
        [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", b"www.example.com"), (b":path", b"/index.html"),
         (b"user-agent", b"korium/1"), (b"accept", b"*/*")],
        [(b":status", b"200"), (b"content-length", b"10485760"), (b"content-type", b"application/octet-stream")],
        [(b":status", b"404"), (b"server", b"ngtcp2")],
        [(b":method", b"POST"), (b":scheme", b"https"), (b":authority", b"h"), (b":path", b"/upload"),
         (b"content-type", b"application/json"), (b"content-length", b"42")],

        [(b"x-empty", b"")],
        [(b":path", b"/" + b"a" * 200)],
        [(b"x-long-" + b"n" * 300, b"v" * 20000)],
    ]
    lists += [[entry] for entry in STATIC]  # every static entry alone
    lists += [[(name, value(rng, rng.randrange(0, 40)))] for name, _ in STATIC[::3]]  # name references
    for _ in range(150):
        fields = []
        for _ in range(rng.randrange(1, 12)):
            kind = rng.random()
            if kind < 0.3:
                fields.append(rng.choice(STATIC))
            elif kind < 0.6:
                fields.append((rng.choice(STATIC)[0], value(rng, rng.randrange(0, 60), rng.random() < 0.3)))
            else:
                fields.append((token(rng, rng.randrange(1, 30)), value(rng, rng.randrange(0, 200), rng.random() < 0.3)))
        lists.append(fields)
    return lists


INVALID = [
    ("Required Insert Count 1 (dynamic table capacity 0)", "0100d1"),
    # Not listed: Sign bit 1 with Required Insert Count 0 ("0080d1"). RFC 9204 §4.5.1.2 makes it
    # invalid and we reject it (unit test), but ls-qpack 1.0.0 accepts it.
    ("indexed field line into the dynamic table", "000080"),
    ("indexed field line with post-base index", "000010"),
    ("literal with dynamic name reference", "00004001 61".replace(" ", "")),
    ("literal with post-base name reference", "0000000161"),
    ("static index 99", "0000ff24"),
    ("truncated value string", "0000510b2f696e646578"),
    ("truncated literal name", "00002561"),
    ("truncated prefix integer", "0000ff"),
    ("Huffman value with 8 bits of padding", "00005181ff"),
    ("Huffman value with zero padding", "0000518100"),
    ("Huffman value containing EOS", "00005184ffffffff"),
    ("empty input", ""),
]


# RFC 7541 Appendix C.4 (requests) and C.6 (responses): Huffman-coded string literals.
RFC7541_HUFFMAN = [
    ("C.4.1", "www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"),
    ("C.4.2", "no-cache", "a8eb 1064 9cbf"),
    ("C.4.3", "custom-key", "25a8 49e9 5ba9 7d7f"),
    ("C.4.3", "custom-value", "25a8 49e9 5bb8 e8b4 bf"),
    ("C.6.1", "302", "6402"),
    ("C.6.1", "private", "aec3 771a 4b"),
    ("C.6.1", "Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"),
    ("C.6.1", "https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"),
    ("C.6.2", "307", "640e ff"),
    ("C.6.3", "Mon, 21 Oct 2013 20:13:22 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff"),
    ("C.6.3", "gzip", "9bd9 ab"),
    ("C.6.3", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
     "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"),
]


def write_huffman():
    tests = []
    for section, text, coded in RFC7541_HUFFMAN:
        coded_bytes = bytes.fromhex(coded.replace(" ", ""))
        # ls-qpack Huffman-codes only when strictly shorter ("307" codes to 3 bytes too).
        if len(coded_bytes) < len(text):
            assert huffman_from_lsqpack(text.encode()) == coded_bytes, (section, text)
        tests.append({"comment": f"RFC 7541 {section}: {text}", "msg": text.encode().hex(), "coded": coded_bytes.hex()})
    write_project_file(
        "http3/huffman-rfc7541.json",
        "HPACK-Huffman",
        "RFC 7541 Appendix C.4 and C.6 (Huffman-coded string literals of the example header blocks), "
        "each shorter than its text checked against ls-qpack's Huffman coding",
        tests,
        generator="Vectors/generators/qpack_vectors.py",
    )


def main():
    write_huffman()
    rng = random.Random(9204)
    tests = []
    for stream, fields in enumerate(header_lists(rng)):
        encoded = lsqpack_encode(fields, stream * 4)
        assert lsqpack_decode(encoded) == fields
        ours = our_encoding(fields, huffman_from_lsqpack)
        # ls-qpack must accept what our encoder will send.
        assert lsqpack_decode(ours) == fields, fields
        tests.append({
            "comment": f"{len(fields)} field(s)" + (" (same bytes as ls-qpack)" if ours == encoded else ""),
            "fields": [[n.hex(), v.hex()] for n, v in fields],
            "encoded": encoded.hex(),
            "ours": ours.hex(),
            "result": "valid",
        })
    for comment, text in INVALID:
        section = bytes.fromhex(text)
        try:
            lsqpack_decode(section)
        except (pylsqpack.DecompressionFailed, pylsqpack.StreamBlocked):
            pass
        else:
            raise AssertionError(f"ls-qpack accepted an invalid case: {comment}")
        tests.append({"comment": comment, "fields": [], "encoded": text, "result": "invalid"})
    same = sum(1 for t in tests if t.get("ours") == t["encoded"])
    write_project_file(
        "http3/qpack-lsqpack.json",
        "QPACK-Field-Section",
        "ls-qpack via pylsqpack 1.0.0 (aioquic's QPACK), Encoder with max_table_capacity=0 / blocked_streams=0; "
        "invalid cases rejected by pylsqpack Decoder(0, 0)",
        tests,
        generator="Vectors/generators/qpack_vectors.py",
        notes=f"{same} of {len(tests) - len(INVALID)} valid cases: ls-qpack's bytes equal our encoder's choices. "
        "`ours` was accepted by pylsqpack's decoder for every valid case.",
    )
    print(f"wrote {len(tests)} cases ({same} identical encodings)")


if __name__ == "__main__":
    main()
