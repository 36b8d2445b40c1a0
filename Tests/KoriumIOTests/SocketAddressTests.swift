import Testing
@testable import KoriumIO

@Suite("SocketAddress")
struct SocketAddressTests {
    @Test("parses IPv4 and IPv6 endpoints", arguments: [
        ("127.0.0.1:4433", "127.0.0.1:4433", 4433),
        ("0.0.0.0:0", "0.0.0.0:0", 0),
        ("255.255.255.255:65535", "255.255.255.255:65535", 65535),
        ("[::1]:4433", "[::1]:4433", 4433),
        ("[2001:db8::1]:443", "[2001:db8::1]:443", 443),
        ("[2001:0db8:0000:0000:0000:0000:0000:0001]:1", "[2001:db8::1]:1", 1),
        ("[::ffff:192.0.2.1]:80", "[::ffff:192.0.2.1]:80", 80),
        ("[fe80::1%7]:9", "[fe80::1%7]:9", 9),
        ("[fe80::1%lo]:9", "[fe80::1%1]:9", 9),
    ] as [(String, String, Int)])
    func parses(text: String, canonical: String, port: Int) throws {
        let address = try SocketAddress(parsing: text)
        #expect(address.description == canonical)
        #expect(Int(address.port) == port)
        #expect(try SocketAddress(parsing: address.description) == address)
    }

    @Test("rejects malformed text with a typed error", arguments: [
        ("", SocketAddressError.empty),
        ("127.0.0.1", .missingPort("127.0.0.1")),
        ("127.0.0.1:", .missingPort("127.0.0.1:")),
        ("127.0.0.1:65536", .invalidPort("65536")),
        ("127.0.0.1:123456", .invalidPort("123456")),
        ("127.0.0.1:-1", .invalidPort("-1")),
        ("127.0.0.1:44a", .invalidPort("44a")),
        ("256.0.0.1:1", .invalidHost("256.0.0.1")),
        ("1.2.3:1", .invalidHost("1.2.3")),
        ("01.2.3.4:1", .invalidHost("01.2.3.4")),
        ("localhost:80", .invalidHost("localhost")),
        (":80", .invalidHost("")),
        ("::1:4433", .unbracketedIPv6("::1:4433")),
        ("[::1:4433", .malformedBrackets("[::1:4433")),
        ("[::1]4433", .malformedBrackets("[::1]4433")),
        ("[::1]", .missingPort("[::1]")),
        ("[127.0.0.1]:1", .invalidHost("127.0.0.1")),
        ("[::g]:1", .invalidHost("::g")),
        ("[fe80::1%nosuchif0]:1", .unknownZone("nosuchif0")),
        ("1.2.3.4\u{0}x:5", .invalidHost("1.2.3.4\u{0}x:5")),
        (String(repeating: "1", count: 200), .tooLong(length: 200)),
    ] as [(String, SocketAddressError)])
    func rejects(text: String, error: SocketAddressError) {
        #expect(throws: error) { try SocketAddress(parsing: text) }
        #expect(!error.description.isEmpty)
    }

    @Test("hashable and IPv4-mapped addresses unmap to IPv4")
    func hashingAndMapping() throws {
        let a = try SocketAddress(parsing: "192.0.2.1:80")
        let mapped = try SocketAddress(parsing: "[::ffff:192.0.2.1]:80")
        #expect(a != mapped)
        #expect(mapped.unmapped == a)
        #expect(Set([a, mapped.unmapped, a]).count == 1)
        #expect(IPv6Address(mapping: IPv4Address(192, 0, 2, 1)).mappedIPv4 == IPv4Address(192, 0, 2, 1))
        #expect(IPv6Address.loopback.mappedIPv4 == nil)
    }

    @Test("sockaddr round trip for both families")
    func sockaddrRoundTrip() throws {
        for text in ["10.1.2.3:9", "[2001:db8::7]:65000", "[fe80::2%3]:1"] {
            let address = try SocketAddress(parsing: text)
            var storage = [UInt8](repeating: 0, count: 128)
            let back = storage.withUnsafeMutableBytes { raw -> SocketAddress? in
                let len = address.write(to: raw.baseAddress!, family: address.family)
                return SocketAddress(sockaddr: raw.baseAddress!, length: len)
            }
            #expect(back == address)
        }
        // An IPv4 address written for an IPv6 socket is IPv4-mapped.
        let v4 = SocketAddress.loopbackV4(port: 7)
        var storage = [UInt8](repeating: 0, count: 128)
        let back = storage.withUnsafeMutableBytes { raw -> SocketAddress? in
            let len = v4.write(to: raw.baseAddress!, family: AF_INET6)
            return SocketAddress(sockaddr: raw.baseAddress!, length: len)
        }
        #expect(back?.description == "[::ffff:127.0.0.1]:7")
        #expect(back?.unmapped == v4)
    }
}

import Glibc
