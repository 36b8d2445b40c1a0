import KoriumQUIC
import KoriumWire

/// State of one request stream.
struct RequestStream: Sendable {
    enum Phase: Sendable { case awaitingHeaders, body, trailersReceived }
    var parser: HTTP3FrameParser
    var phase: Phase = .awaitingHeaders
    /// From `content-length`, checked against the DATA received (RFC 9114 §4.1.2).
    var contentLength: UInt64?
    var received: UInt64 = 0
    var localFinished = false
    var remoteFinished = false

    init(maxFramePayload: Int) { parser = HTTP3FrameParser(maxFramePayload: maxFramePayload) }
}

/// State of one peer-initiated unidirectional stream.
enum PeerUniStream: Sendable {
    /// The stream type varint is still incomplete.
    case awaitingType([UInt8])
    case control(HTTP3FrameParser, settingsReceived: Bool)
    case qpack(QPACKStreamReceiver)
    /// Unknown or reserved type: data is discarded.
    case ignored
}

extension HTTP3Session {
    // MARK: Unidirectional streams

    mutating func handlePeerUniStream(_ id: StreamID, _ bytes: UnsafeRawBufferPointer, fin: Bool) {
        var reader = ByteReader(bytes)
        var state: PeerUniStream
        if let existing = peerUniStreams.removeValue(forKey: id) {
            state = existing
        } else {
            state = .awaitingType([])
        }
        if case .awaitingType(var typeBytes) = state {
            while typeBytes.count < 8, let byte = try? reader.readUInt8() {
                typeBytes.append(byte)
                if typeBytes.count == VarInt.encodedLength(firstByte: typeBytes[0]) { break }
            }
            guard !typeBytes.isEmpty, typeBytes.count == VarInt.encodedLength(firstByte: typeBytes[0]) else {
                // §6.2: a stream may end or be reset before its header; nothing to do then.
                if !fin { peerUniStreams[id] = .awaitingType(typeBytes) }
                return
            }
            let type = typeBytes.withReader { (try? $0.readVarInt().value) ?? 0 }
            switch type {
            case HTTP3StreamType.control:
                // §6.2.1: only one control stream per peer.
                guard peerControlStream == nil else { return fail(HTTP3Error(.streamCreationError, "second control stream")) }
                peerControlStream = id
                state = .control(HTTP3FrameParser(maxFramePayload: configuration.maxFieldSectionSize), settingsReceived: false)
            case HTTP3StreamType.push:
                // §6.2.2: only servers push; a client never sent MAX_PUSH_ID, so any push ID is
                // above the limit (§4.6).
                if role == .server { return fail(HTTP3Error(.streamCreationError, "client-initiated push stream")) }
                return fail(HTTP3Error(.idError, "push stream without MAX_PUSH_ID"))
            case HTTP3StreamType.qpackEncoder:
                // RFC 9204 §4.2: a second encoder stream is H3_STREAM_CREATION_ERROR.
                guard peerEncoderStream == nil else { return fail(HTTP3Error(.streamCreationError, "second QPACK encoder stream")) }
                peerEncoderStream = id
                state = .qpack(QPACKStreamReceiver(kind: .encoder))
            case HTTP3StreamType.qpackDecoder:
                guard peerDecoderStream == nil else { return fail(HTTP3Error(.streamCreationError, "second QPACK decoder stream")) }
                peerDecoderStream = id
                state = .qpack(QPACKStreamReceiver(kind: .decoder))
            default:
                // §6.2: unknown (and reserved) types MUST be discarded, never a connection error.
                guard ignoredStreamCount < configuration.maxIgnoredStreams else {
                    return fail(HTTP3Error(.excessiveLoad, "too many unknown unidirectional streams"))
                }
                ignoredStreamCount += 1
                state = .ignored
                if !fin { actions.append(.stopSending(id, .streamCreationError)) }
            }
        }
        switch state {
        case .awaitingType:
            return
        case .ignored:
            if fin { ignoredStreamCount -= 1 } else { peerUniStreams[id] = state }
        case .qpack(var receiver):
            do throws(QPACKError) { try receiver.receive(reader.remainingBytes) } catch {
                return fail(HTTP3Error(error.code, "invalid QPACK stream instruction"))
            }
            if fin { return fail(HTTP3Error(.closedCriticalStream, "peer closed a QPACK stream")) }
            peerUniStreams[id] = .qpack(receiver)
        case .control(var parser, var settingsReceived):
            while closeError == nil {
                let output: HTTP3FrameParser.Output?
                do throws(HTTP3Error) { output = try parser.next(&reader) } catch { return fail(error) }
                guard let output else { break }
                handleControl(output, settingsReceived: &settingsReceived)
            }
            guard closeError == nil else { return }
            // §6.2.1: closing the control stream is H3_CLOSED_CRITICAL_STREAM.
            if fin { return fail(HTTP3Error(.closedCriticalStream, "peer closed its control stream")) }
            peerUniStreams[id] = .control(parser, settingsReceived: settingsReceived)
        }
    }

    mutating func handleControl(_ output: HTTP3FrameParser.Output, settingsReceived: inout Bool) {
        if !settingsReceived {
            // §6.2.1: the first frame MUST be SETTINGS.
            guard case .frame(.settings(let settings)) = output else {
                return fail(HTTP3Error(.missingSettings, "first control frame is not SETTINGS"))
            }
            settingsReceived = true
            peerSettings = settings
            events.append(.settingsReceived(settings))
            return
        }
        switch output {
        case .skippedFrame, .data:
            return
        case .dataFrameStart:
            fail(HTTP3Error(.frameUnexpected, "DATA on the control stream"))
        case .frame(let frame):
            switch frame {
            case .settings:
                // §7.2.4: a second SETTINGS is H3_FRAME_UNEXPECTED.
                fail(HTTP3Error(.frameUnexpected, "second SETTINGS frame"))
            case .data, .headers, .pushPromise:
                fail(HTTP3Error(.frameUnexpected, "request frame on the control stream"))
            case .goAway(let id):
                // §7.2.6: from a server, a client-initiated bidirectional stream ID.
                if role == .client && id & 3 != 0 { return fail(HTTP3Error(.idError, "GOAWAY with a non-request stream ID")) }
                // §5.2: an endpoint MUST NOT increase the GOAWAY identifier.
                if let previous = receivedGoAway, id > previous { return fail(HTTP3Error(.idError, "GOAWAY identifier increased")) }
                receivedGoAway = id
                events.append(.goAway(id))
            case .maxPushID(let id):
                // §7.2.7: a client MUST treat MAX_PUSH_ID as H3_FRAME_UNEXPECTED; it cannot shrink.
                if role == .client { return fail(HTTP3Error(.frameUnexpected, "MAX_PUSH_ID from a server")) }
                if let maxPushID, id < maxPushID { return fail(HTTP3Error(.idError, "MAX_PUSH_ID decreased")) }
                maxPushID = id
            case .cancelPush:
                // §7.2.3: a server never promised any push ID; a client never allowed one.
                fail(HTTP3Error(.idError, "CANCEL_PUSH for a push ID never allowed or promised"))
            }
        }
    }

    // MARK: Request streams

    mutating func handleRequestStream(_ id: StreamID, _ bytes: UnsafeRawBufferPointer, fin: Bool) {
        var stream: RequestStream
        if let existing = requests.removeValue(forKey: id) {
            stream = existing
        } else if role == .client {
            return  // a stream we cancelled or already completed: late data is discarded
        } else {
            guard let new = acceptRequestStream(id) else { return }
            stream = new
        }
        var reader = ByteReader(bytes)
        while true {
            let output: HTTP3FrameParser.Output?
            do throws(HTTP3Error) { output = try stream.parser.next(&reader) } catch { return fail(error) }
            guard let output else { break }
            guard handleRequestOutput(output, id, &stream) else { return }
        }
        if fin {
            do throws(HTTP3Error) { try stream.parser.finish() } catch { return fail(error) }
            stream.remoteFinished = true
            if stream.phase == .awaitingHeaders {
                // §4.1: a request or response stream must carry a header section.
                return failStream(id, .requestIncomplete, stream: stream)
            }
            if let length = stream.contentLength, length != stream.received {
                return failStream(id, .messageError, stream: stream)
            }
            events.append(.finished(id))
        }
        store(stream, id)
    }

    /// Server: admits a new client request stream, or rejects it after GOAWAY; nil when the
    /// stream is retired or rejected.
    mutating func acceptRequestStream(_ id: StreamID) -> RequestStream? {
        let index = id.index
        if index >= nextRequestIndex {
            // Streams below a newly seen one are open at the transport even if silent so far.
            guard index - nextRequestIndex <= UInt64(configuration.maxRequestStreams),
                  implicitlyOpened.count + Int(index - nextRequestIndex) <= configuration.maxRequestStreams
            else {
                fail(HTTP3Error(.excessiveLoad, "too many request streams"))
                return nil
            }
            for skipped in nextRequestIndex..<index { implicitlyOpened.insert(skipped) }
            nextRequestIndex = index + 1
        } else if implicitlyOpened.remove(index) == nil {
            return nil  // retired: completed or rejected earlier
        }
        // §5.2: requests at or above our GOAWAY ID are rejected, unprocessed.
        if let sentGoAway, id.rawValue >= sentGoAway {
            actions.append(.stopSending(id, .requestRejected))
            actions.append(.resetStream(id, .requestRejected))
            return nil
        }
        guard requests.count < configuration.maxRequestStreams else {
            fail(HTTP3Error(.excessiveLoad, "too many request streams"))
            return nil
        }
        return RequestStream(maxFramePayload: configuration.maxFieldSectionSize)
    }

    /// Handles one parser output on a request stream; false when the stream (or connection)
    /// failed and must not be stored again.
    mutating func handleRequestOutput(_ output: HTTP3FrameParser.Output, _ id: StreamID, _ stream: inout RequestStream) -> Bool {
        switch output {
        case .skippedFrame:
            return true
        case .dataFrameStart:
            // §4.1: DATA before the header section or after trailers is H3_FRAME_UNEXPECTED.
            guard stream.phase == .body else {
                fail(HTTP3Error(.frameUnexpected, "DATA outside a message body"))
                return false
            }
            return true
        case .data(let bytes):
            stream.received += UInt64(bytes.count)
            if let length = stream.contentLength, stream.received > length {
                failStream(id, .messageError, stream: stream)
                return false
            }
            if !bytes.isEmpty { events.append(.data(id, [UInt8](bytes))) }
            return true
        case .frame(.headers(let section)):
            let fields: [HTTPField]
            do throws(QPACKError) {
                fields = try QPACKDecoder.decodeFieldSection(section, maxSize: configuration.maxFieldSectionSize)
            } catch {
                fail(HTTP3Error(error.code, "field section did not decode"))
                return false
            }
            return handleHeaderSection(fields, id, &stream)
        case .frame(.pushPromise):
            // §7.2.5: a server MUST treat PUSH_PROMISE as H3_FRAME_UNEXPECTED; a client never
            // sent MAX_PUSH_ID, so any push ID is above its limit (H3_ID_ERROR).
            fail(role == .server ? HTTP3Error(.frameUnexpected, "PUSH_PROMISE from a client")
                : HTTP3Error(.idError, "PUSH_PROMISE without MAX_PUSH_ID"))
            return false
        case .frame:
            // §7.2: CANCEL_PUSH, SETTINGS, GOAWAY and MAX_PUSH_ID belong on the control stream.
            fail(HTTP3Error(.frameUnexpected, "control frame on a request stream"))
            return false
        }
    }

    mutating func handleHeaderSection(_ fields: [HTTPField], _ id: StreamID, _ stream: inout RequestStream) -> Bool {
        do throws(HTTP3Error) {
            switch stream.phase {
            case .awaitingHeaders:
                if role == .server {
                    let request = try HTTP3Request.parse(fields)
                    stream.contentLength = try HTTP3FieldRules.contentLength(request.fields)
                    events.append(.request(id, request))
                } else {
                    let response = try HTTP3Response.parse(fields)
                    // §4.1: interim (1xx) responses precede the final one.
                    if response.status < 200 { return true }
                    stream.contentLength = try HTTP3FieldRules.contentLength(response.fields)
                    events.append(.response(id, response))
                }
                stream.phase = .body
            case .body:
                // §4.3: trailers carry no pseudo-header fields.
                try HTTP3FieldRules.check(fields, allowsPseudo: false)
                stream.phase = .trailersReceived
                events.append(.trailers(id, fields))
            case .trailersReceived:
                // §4.1: nothing may follow the trailers.
                fail(HTTP3Error(.frameUnexpected, "HEADERS after trailers"))
                return false
            }
            return true
        } catch {
            // §4.1.2: a malformed message is a stream error of type H3_MESSAGE_ERROR.
            failStream(id, error.code, stream: stream)
            return false
        }
    }
}
