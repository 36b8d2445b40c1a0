// Fuzz target: QUIC packet headers (RFC 9000 §17, RFC 8999) and packet unprotection
// (RFC 9001 §5.3-§5.4) in KoriumQUIC.
//
// The first input byte picks the short-header connection-ID length (0...20) and whether the
// fixed bit may be greased; the rest is one datagram. Coalesced packets are walked with
// PacketHeader.parse; every field range must stay inside the datagram and each packet must
// start where the previous one ended. Protected packets are then unprotected in place with
// fixed Initial keys: the result must be a typed error or a payload inside the packet.
import FuzzSupport
import KoriumQUIC

/// Keys derived once from a fixed connection ID (RFC 9001 A.1's 8394c8f03e515708).
let fuzzKeys: PacketKeys = {
    do {
        return try PacketKeys.initial(destinationConnectionID: ConnectionID([0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08])).client
    } catch { preconditionFailure("Initial keys") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPacketHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let control = input.takeUInt8()
    let cidLength = Int(control & 0x1f) % 21
    let grease = control & 0x80 != 0
    var datagram = input.takeRest()
    let count = datagram.count
    datagram.withUnsafeMutableBytes { raw in
        var offset = 0
        var packets = 0
        while offset < count {
            let header: PacketHeader
            do throws(PacketHeaderError) {
                header = try PacketHeader.parse(
                    UnsafeRawBufferPointer(raw), at: offset, shortHeaderConnectionIDLength: cidLength, allowsZeroFixedBit: grease)
            } catch {
                break
            }
            fuzzCheck(header.packetStart == offset, "packet does not start at the offset")
            fuzzCheck(header.packetEnd <= count && header.packetEnd >= header.packetNumberOffset, "packet end out of range")
            fuzzCheck(header.packetNumberOffset > offset, "packet number before the first byte")
            for range in [header.tokenRange, header.destinationConnectionIDRange, header.sourceConnectionIDRange] {
                fuzzCheck(range.lowerBound >= offset && range.upperBound <= count, "field range outside the datagram")
            }
            if header.type.isProtected {
                let packet = UnsafeMutableRawBufferPointer(rebasing: raw[header.packetRange])
                do throws(PacketOpenError) {
                    let opened = try PacketProtection.open(
                        packet, packetNumberOffset: header.packetNumberOffset - offset, largestReceived: nil, keys: fuzzKeys)
                    fuzzCheck(opened.payload.upperBound <= packet.count, "payload outside the packet")
                } catch {
                    // Typed rejection: too short, authentication failure, reserved bits.
                }
            }
            packets += 1
            fuzzCheck(header.packetEnd > offset, "no progress through the datagram")
            offset = header.packetEnd
        }
        fuzzCheck(packets <= count, "more packets than bytes")
    }
    return 0
}
