// Fuzz target: a server QUIC `Endpoint` (routing, Version Negotiation, Retry, stateless reset,
// Initial acceptance) fed arbitrary datagrams from a few addresses, with its output polled and
// its timers walked forward.
//
// Input: a sequence of records `[control byte][length byte][datagram bytes]`; the control byte
// picks the source address (low 2 bits), whether the Retry policy is on (first record), and
// how far the clock moves. Datagrams under 1200 bytes are padded with zeros when bit 7 is set,
// so Initials and Version Negotiation triggers are reachable. Properties: nothing traps; every
// transmit fits the buffer; a Stateless Reset (short header to a fresh address) is smaller than
// its trigger (RFC 9000 §10.3.3); connections never exceed the cap; timers make progress.
import FuzzSupport
import KoriumCrypto
import KoriumQUIC
import KoriumTLS
import Synchronization

let serverKey: Ed25519.PrivateKey = {
    do { return try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x42, count: 32)) } catch { fatalError("seed") }
}()

/// A deterministic xorshift generator shared by the endpoint and its connections, reset per input.
final class FuzzRandom: Sendable {
    let state = Mutex<UInt64>(0x9e37_79b9_7f4a_7c15)
    func reset() { state.withLock { $0 = 0x9e37_79b9_7f4a_7c15 } }
    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        state.withLock { x in
            for i in 0..<buffer.count {
                x ^= x << 13
                x ^= x >> 7
                x ^= x << 17
                buffer[i] = UInt8(truncatingIfNeeded: x)
            }
        }
    }
}

let fuzzRandom = FuzzRandom()

func makeEndpoint(retry: Bool) -> Endpoint {
    fuzzRandom.reset()
    let random: @Sendable (UnsafeMutableRawBufferPointer) -> Void = { fuzzRandom.fill($0) }
    var tls = TLSConfiguration.peerToPeer(identity: serverKey, now: 1_800_000_000, alpnProtocols: [Array("fuzz".utf8)])
    tls.randomBytes = { [UInt8](repeating: 7, count: $0) }
    var server = ConnectionConfiguration(tls: tls)
    server.random = random
    server.unixTime = { 1_800_000_000 }
    var config = EndpointConfiguration(server: server)
    config.random = random
    config.statelessResetKey = SecureBytes([UInt8](repeating: 1, count: 32))
    config.tokenKey = SecureBytes([UInt8](repeating: 2, count: 32))
    config.maxConnections = 4
    config.maxPendingStatelessResponses = 8
    config.retryPolicy = retry ? .always : .never
    return Endpoint(configuration: config)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEndpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    var endpoint = makeEndpoint(retry: input.takeUInt8() & 1 == 1)
    var now = Instant(nanoseconds: 1_000_000_000)
    var buffer = [UInt8](repeating: 0, count: 1_500)
    let addresses = (0..<4).map { PathAddress(ipv4: 0x0a00_0001 + UInt32($0), port: 4_000 + UInt16($0)) }
    var records = 0
    while !input.isEmpty && records < 64 {
        records += 1
        let control = input.takeUInt8()
        var datagram = input.takeLengthPrefixed(max: 255)
        if control & 0x80 != 0 && datagram.count < 1_200 { datagram += [UInt8](repeating: 0, count: 1_200 - datagram.count) }
        let from = addresses[Int(control & 3)]
        now = now + .milliseconds(Int64((control >> 2) & 0x1f) * 20)
        let before = endpoint.connectionCount
        datagram.withUnsafeMutableBytes { endpoint.handle(datagram: $0, from: from, now: now) }
        fuzzCheck(endpoint.connectionCount <= 4, "connection cap exceeded")
        fuzzCheck(endpoint.connectionCount <= before + 1, "one datagram created several connections")
        let isShortWithoutConnections = endpoint.connectionCount == 0 && datagram.first.map { $0 & 0x80 == 0 } == true
        var polls = 0
        while let t = buffer.withUnsafeMutableBytes({ endpoint.pollTransmit(into: $0, now: now) }) {
            fuzzCheck(t.count <= buffer.count, "transmit larger than the buffer")
            // RFC 9000 §10.3.3: the only answer to a short header is a smaller Stateless Reset.
            if isShortWithoutConnections { fuzzCheck(t.count < datagram.count, "stateless reset not smaller than its trigger") }
            polls += 1
            fuzzCheck(polls < 10_000, "pollTransmit does not drain")
        }
        while endpoint.pollEvent() != nil {}
        if let deadline = endpoint.nextDeadline, deadline <= now + .seconds(1) {
            now = max(now, deadline)
            endpoint.handleTimeout(now: now)
        }
    }
    return 0
}
