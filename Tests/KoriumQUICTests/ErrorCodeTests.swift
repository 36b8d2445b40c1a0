import KoriumQUIC
import Testing

@Suite("Transport error codes (RFC 9000 §20.1)")
struct ErrorCodeTests {
    @Test("every RFC 9000 §20.1 code has its value and name")
    func table() {
        let expected: [(TransportErrorCode, UInt64, String)] = [
            (.noError, 0x00, "NO_ERROR"), (.internalError, 0x01, "INTERNAL_ERROR"),
            (.connectionRefused, 0x02, "CONNECTION_REFUSED"), (.flowControlError, 0x03, "FLOW_CONTROL_ERROR"),
            (.streamLimitError, 0x04, "STREAM_LIMIT_ERROR"), (.streamStateError, 0x05, "STREAM_STATE_ERROR"),
            (.finalSizeError, 0x06, "FINAL_SIZE_ERROR"), (.frameEncodingError, 0x07, "FRAME_ENCODING_ERROR"),
            (.transportParameterError, 0x08, "TRANSPORT_PARAMETER_ERROR"),
            (.connectionIDLimitError, 0x09, "CONNECTION_ID_LIMIT_ERROR"), (.protocolViolation, 0x0a, "PROTOCOL_VIOLATION"),
            (.invalidToken, 0x0b, "INVALID_TOKEN"), (.applicationError, 0x0c, "APPLICATION_ERROR"),
            (.cryptoBufferExceeded, 0x0d, "CRYPTO_BUFFER_EXCEEDED"), (.keyUpdateError, 0x0e, "KEY_UPDATE_ERROR"),
            (.aeadLimitReached, 0x0f, "AEAD_LIMIT_REACHED"), (.noViablePath, 0x10, "NO_VIABLE_PATH"),
        ]
        for (code, value, name) in expected {
            #expect(code.rawValue == value)
            #expect(code.description == name)
            #expect(code.tlsAlert == nil)
        }
    }

    @Test("a TLS alert maps to CRYPTO_ERROR 0x100 | alert (RFC 9001 §4.8)")
    func cryptoError() {
        let code = TransportErrorCode.crypto(alert: 42)  // bad_certificate
        #expect(code.rawValue == 0x12a)
        #expect(code.tlsAlert == 42)
        #expect(code.description == "CRYPTO_ERROR(0x12a)")
        #expect(TransportErrorCode(rawValue: 0x200).tlsAlert == nil)
        #expect(TransportError.crypto(alert: 40, "handshake failure").code.rawValue == 0x128)
    }

    @Test("transport errors name the frame type")
    func transportErrorDescription() {
        let error = TransportError.frameEncoding(0x02, "ACK range underflows")
        #expect(error.description == "FRAME_ENCODING_ERROR (frame 0x2): ACK range underflows")
        #expect(error == .frameEncoding(0x02, "ACK range underflows"))
        #expect(error != .frameEncoding(0x03, "ACK range underflows"))
    }
}
