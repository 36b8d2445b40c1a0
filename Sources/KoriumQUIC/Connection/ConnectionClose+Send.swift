import KoriumWire

extension Connection {
    /// RFC 9000 §10.2.1, §10.2.3: while closing, CONNECTION_CLOSE in the highest level the peer
    /// can read: 1-RTT once the handshake is complete, else Initial and Handshake (an
    /// application close becomes APPLICATION_ERROR there, without its reason).
    mutating func pollCloseTransmit(into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Transmit? {
        guard var close, close.sendPending else { return nil }
        close.sendPending = false
        self.close = close
        var limit = Swift.min(buffer.count, pmtu.current)
        if role == .server && !isAddressValidated { limit = Swift.min(limit, Swift.max(0, 3 * amplificationReceived - amplificationSent)) }
        guard limit >= 64 else { return nil }
        let datagram = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<limit])
        let useOneRTT = isHandshakeComplete && oneRTT != nil
        var levels: [Int] = []
        if useOneRTT {
            levels = [2]
        } else {
            if !spaces[0].isDiscarded && spaces[0].localKeys != nil { levels.append(0) }
            if !spaces[1].isDiscarded && spaces[1].localKeys != nil { levels.append(1) }
        }
        var count = 0
        for (i, s) in levels.enumerated() {
            let isLast = i == levels.count - 1
            let padTo = isLast && levels.contains(0) && role == .client && limit >= Self.minimumInitialDatagramSize
                ? Self.minimumInitialDatagramSize : nil
            let size = writeClosePacket(space: s, close: close, datagram: datagram, offset: count, padTo: padTo)
            if size > 0 { qlogPacketSent(space: s, packetNumber: spaces[s].nextPacketNumber - 1, length: size, isProbe: false, now: now) }
            count += size
        }
        guard count > 0 else { return nil }
        statsStorage.bytesSent += UInt64(count)
        if role == .server && !isAddressValidated { amplificationSent += count }
        return Transmit(destination: remoteAddress, count: count)
    }

    /// Writes one packet carrying CONNECTION_CLOSE; returns its size (0 if it did not fit).
    mutating func writeClosePacket(space s: Int, close: CloseState, datagram: UnsafeMutableRawBufferPointer, offset: Int, padTo: Int?) -> Int {
        let tag = PacketCipher.tagByteCount
        guard datagram.count - offset >= 64 else { return 0 }
        var writer = ByteWriter(into: UnsafeMutableRawBufferPointer(rebasing: datagram[offset..<(datagram.count - tag)]))
        let packetNumber = spaces[s].nextPacketNumber
        let pnLength = 4
        let isApplication = close.isApplication && s == 2
        let code = close.isApplication && s != 2 ? TransportErrorCode.applicationError.rawValue : close.code
        let reason = close.isApplication && s != 2 ? [] : Array(close.reason.prefix(Swift.max(0, writer.remainingCapacity - 96)))
        do {
            let layout = try writePacketHeader(space: s, packetNumber: packetNumber, packetNumberLength: pnLength, into: &writer)
            let payloadStart = writer.bytesWritten
            let closeWritten: Result<Void, WireError> = reason.withUnsafeBytes { raw in
                do throws(WireError) {
                    return .success(try Frame.connectionClose(ConnectionCloseFrame(
                        isApplicationError: isApplication, errorCode: code, frameType: isApplication ? 0 : close.frameType,
                        reason: raw)).encode(to: &writer))
                } catch { return .failure(error) }
            }
            try closeWritten.get()
            var padding = Swift.max(0, PacketProtection.minimumPayloadLength(packetNumberLength: pnLength) - (writer.bytesWritten - payloadStart))
            if let padTo { padding = Swift.max(padding, padTo - (offset + writer.bytesWritten + tag)) }
            try writer.writeZeros(Swift.min(padding, writer.remainingCapacity))
            guard let size = seal(&writer, layout: layout, space: s, packetNumber: packetNumber, datagram: datagram, offset: offset) else {
                return 0
            }
            spaces[s].nextPacketNumber += 1
            statsStorage.packetsSent += 1
            return size
        } catch {
            return 0
        }
    }
}
