// KoriumQUIC: sans-IO QUIC v1 (RFC 9000, RFC 9001, RFC 9002, RFC 8999, RFC 9221).
//
// Layers, bottom up: error codes (Errors/), packet headers, packet numbers and packet
// protection (Packet/), frames and transport parameters (Frames/), loss recovery and
// congestion control (Recovery/). Nothing here touches a socket or a clock: bytes and `now`
// come in as parameters, bytes go out into caller buffers.
