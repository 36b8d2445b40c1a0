import KoriumCrypto
import KoriumWire

/// A packet the endpoint sends without a connection (or before one exists), kept as a
/// description until ``Endpoint/pollTransmit(into:now:)`` writes it into the caller's buffer.
enum StatelessResponse: Sendable {
    /// RFC 9000 §17.2.1: the client's connection IDs, echoed swapped (up to 255 bytes each,
    /// RFC 8999 §6), hence bytes rather than ``ConnectionID``.
    case versionNegotiation(to: PathAddress, clientDestination: [UInt8], clientSource: [UInt8])
    /// RFC 9000 §17.2.5.
    case retry(to: PathAddress, clientSource: ConnectionID, retrySource: ConnectionID,
               originalDestination: ConnectionID, token: [UInt8])
    /// RFC 9000 §10.3.
    case statelessReset(to: PathAddress, token: StatelessResetToken, size: Int)
    /// RFC 9000 §8.1.3: an Initial carrying CONNECTION_CLOSE(INVALID_TOKEN), protected with the
    /// Initial keys of the client's Destination Connection ID.
    case invalidToken(to: PathAddress, clientDestination: ConnectionID, clientSource: ConnectionID)
    /// RFC 9000 §6: a client's first packet in a version the server is expected not to speak,
    /// padded to 1200 bytes so the server answers with Version Negotiation.
    case versionProbe(to: PathAddress, version: UInt32, destination: ConnectionID, source: ConnectionID)
}

extension Endpoint {
    /// Bytes a Retry token is bound to: address and port (RFC 9000 §8.1.4; a Retry token is
    /// used at once, so a port change in between means another client).
    static func retryTokenAddress(_ remote: PathAddress) -> [UInt8] {
        remote.addressBytes + [UInt8(truncatingIfNeeded: remote.port >> 8), UInt8(truncatingIfNeeded: remote.port)]
    }

    /// Queues a stateless response unless ``EndpointConfiguration/maxPendingStatelessResponses``
    /// are already waiting.
    mutating func enqueue(_ response: StatelessResponse) {
        guard stateless.count < configuration.maxPendingStatelessResponses else {
            stats.statelessResponsesDropped += 1
            return
        }
        stateless.append(response)
    }

    func randomByte() -> UInt8 {
        var byte: UInt8 = 0
        withUnsafeMutableBytes(of: &byte) { configuration.random($0) }
        return byte
    }

    func randomConnectionID(length: Int) -> ConnectionID {
        var storage = (UInt64(0), UInt64(0), UInt32(0))
        return withUnsafeMutableBytes(of: &storage) { raw in
            let bytes = UnsafeMutableRawBufferPointer(rebasing: raw[0..<length])
            configuration.random(bytes)
            do { return try ConnectionID(UnsafeRawBufferPointer(bytes)) } catch { preconditionFailure("length ≤ 20") }
        }
    }

    /// Random draws before giving up on a fresh connection ID (a collision of 8 random bytes is
    /// already astronomically unlikely; repeated ones mean a broken random source).
    static let maxConnectionIDDraws = 8

    /// A fresh local connection ID that routes nowhere yet; nil if the random source keeps
    /// producing IDs in use (the caller then drops the packet rather than loop).
    func unusedConnectionID() -> ConnectionID? {
        for _ in 0..<Self.maxConnectionIDDraws {
            let cid = randomConnectionID(length: configuration.localConnectionIDLength)
            if routes[cid] == nil && initialRoutes[cid] == nil { return cid }
        }
        return nil
    }

    /// Writes `response` at the start of `buffer`; nil (the response is dropped) if it does not fit.
    mutating func write(_ response: StatelessResponse, into buffer: UnsafeMutableRawBufferPointer) -> Transmit? {
        var writer = ByteWriter(into: buffer)
        let destination: PathAddress
        do throws(WireError) {
            switch response {
            case .versionNegotiation(let to, let clientDestination, let clientSource):
                destination = to
                let unusedBits = randomByte() & 0x7f
                let result: Result<Void, WireError> = clientDestination.withUnsafeBytes { d in
                    clientSource.withUnsafeBytes { s in
                        do throws(WireError) {
                            try PacketHeaderWriter.writeVersionNegotiation(
                                clientDestination: d, clientSource: s, supportedVersions: QUICVersion.supported,
                                unusedBits: unusedBits, into: &writer)
                            return .success(())
                        } catch { return .failure(error) }
                    }
                }
                try result.get()
                stats.versionNegotiationsSent += 1

            case .retry(let to, let clientSource, let retrySource, let originalDestination, let token):
                destination = to
                let unusedBits = randomByte()
                let result: Result<Void, WireError> = token.withUnsafeBytes { t in
                    do throws(WireError) {
                        try PacketHeaderWriter.writeRetry(
                            destination: clientSource, source: retrySource, token: t,
                            originalDestinationConnectionID: originalDestination, unusedBits: unusedBits, into: &writer)
                        return .success(())
                    } catch { return .failure(error) }
                }
                try result.get()
                stats.retriesSent += 1

            case .statelessReset(let to, let token, let size):
                destination = to
                try StatelessReset.write(token: token, size: size, random: configuration.random, into: &writer)
                stats.statelessResetsSent += 1

            case .invalidToken(let to, let clientDestination, let clientSource):
                destination = to
                try writeInvalidTokenClose(clientDestination: clientDestination, clientSource: clientSource, into: &writer, buffer: buffer)
                stats.invalidTokenClosesSent += 1

            case .versionProbe(let to, let version, let probeDestination, let probeSource):
                destination = to
                try writer.writeUInt8(0xc0 | (randomByte() & 0x3f))
                try writer.writeUInt32(version)
                try probeDestination.writeLengthPrefixed(to: &writer)
                try probeSource.writeLengthPrefixed(to: &writer)
                // RFC 9000 §14.1: padded to 1200 bytes, as any client's first datagram.
                try writer.writeZeros(Endpoint.minimumInitialDatagramSize - writer.bytesWritten)
            }
        } catch {
            stats.statelessResponsesDropped += 1
            return nil
        }
        return Transmit(destination: destination, count: writer.bytesWritten)
    }

    /// RFC 9000 §8.1.3 / §10.2.3: CONNECTION_CLOSE with INVALID_TOKEN in an Initial packet under
    /// the Initial keys derived from the client's Destination Connection ID (RFC 9001 §5.2).
    func writeInvalidTokenClose(
        clientDestination: ConnectionID, clientSource: ConnectionID, into writer: inout ByteWriter,
        buffer: UnsafeMutableRawBufferPointer
    ) throws(WireError) {
        let keys: PacketKeys
        do { keys = try PacketKeys.initial(destinationConnectionID: clientDestination).server } catch {
            throw .valueOutOfRange
        }
        let layout = try PacketHeaderWriter.writeLongHeader(
            type: .initial, destination: clientSource, source: clientDestination, packetNumber: 0, packetNumberLength: 1,
            into: &writer)
        let payloadStart = writer.bytesWritten
        let close = ConnectionCloseFrame(
            isApplicationError: false, errorCode: TransportErrorCode.invalidToken.rawValue, frameType: 0,
            reason: UnsafeRawBufferPointer(start: nil, count: 0))
        try Frame.connectionClose(close).encode(to: &writer)
        // RFC 9001 §5.4.2: pad (PADDING frames are zero bytes) so the header-protection sample fits.
        let minimum = PacketProtection.minimumPayloadLength(packetNumberLength: layout.packetNumberLength)
        if writer.bytesWritten - payloadStart < minimum { try writer.writeZeros(minimum - (writer.bytesWritten - payloadStart)) }
        try PacketHeaderWriter.finishLongHeader(layout, tagByteCount: PacketCipher.tagByteCount, writer: &writer)
        try writer.writeZeros(PacketCipher.tagByteCount)
        do {
            try PacketProtection.seal(
                UnsafeMutableRawBufferPointer(rebasing: buffer[layout.packetStart..<writer.bytesWritten]), layout: layout,
                packetNumber: 0, keys: keys)
        } catch {
            throw .valueOutOfRange
        }
    }
}
