// Fuzz target: QUIC transport parameters (RFC 9000 §18) in KoriumQUIC.
//
// The first byte picks the sender's role; the rest is a quic_transport_parameters body.
// Decoding must either throw TRANSPORT_PARAMETER_ERROR or give parameters that satisfy every
// §18.2 limit, and those must encode and decode back to the same value.
import FuzzSupport
import KoriumQUIC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransportParameters(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let role: Role = input.takeUInt8() & 1 == 0 ? .client : .server
    let body = input.takeRest()
    let result: Result<TransportParameters, TransportError> = body.withUnsafeBytes { raw in
        do throws(TransportError) { return .success(try TransportParameters.decode(raw, sentBy: role)) } catch {
            return .failure(error)
        }
    }
    let decoded: TransportParameters
    switch result {
    case .success(let parameters): decoded = parameters
    case .failure(let error):
        fuzzCheck(error.code == .transportParameterError, "wrong error code \(error.code)")
        return 0
    }
    fuzzCheck(decoded.maxUDPPayloadSize >= 1200 && decoded.ackDelayExponent <= 20 && decoded.maxAckDelay < 1 << 14,
              "accepted an out-of-range value")
    fuzzCheck(decoded.activeConnectionIDLimit >= 2, "accepted active_connection_id_limit < 2")
    fuzzCheck(decoded.initialMaxStreamsBidi <= 1 << 60 && decoded.initialMaxStreamsUni <= 1 << 60, "stream limit above 2^60")
    if role == .client {
        fuzzCheck(decoded.originalDestinationConnectionID == nil && decoded.statelessResetToken == nil
                  && decoded.preferredAddress == nil && decoded.retrySourceConnectionID == nil,
                  "client sent a server-only parameter")
    }
    var writer = ByteWriter(capacity: 128)
    do throws(WireError) { try decoded.encode(to: &writer) } catch { fuzzCheck(false, "encode failed: \(error)") }
    let again = writer.bytes.withUnsafeBytes { raw in try? TransportParameters.decode(raw, sentBy: role) }
    fuzzCheck(again == decoded, "round trip differs")
    return 0
}
