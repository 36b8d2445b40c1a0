/// KoriumWire: the bounded byte reader/writer, QUIC variable-length integers and the project's
/// one binary codec (`WireEncodable`/`WireDecodable`). Every read is total: malformed input is a
/// typed `WireError`, never a trap, and a failed read leaves the reader where it was.
