/// The application's verdict on a message (v1.1 §Extended Validators).
public enum GossipValidationResult: Sendable, Equatable {
    /// Deliver and forward.
    case accept
    /// Invalid: drop and apply P4 to the peers that forwarded it.
    case reject
    /// Drop without penalty.
    case ignore
}

/// Pluggable message validation. Return `nil` to validate asynchronously: the router emits
/// ``GossipEvent/validate(_:)`` and waits for ``GossipRouter/reportValidation(_:result:now:rng:)``.
public protocol GossipValidator {
    /// The verdict on `message` received from `peer`, or nil to decide later.
    mutating func validate(_ message: GossipMessage, from peer: GossipPeerID) -> GossipValidationResult?
}

/// Accepts every (correctly signed) message.
public struct AcceptAllValidator: GossipValidator {
    /// The validator.
    public init() {}
    /// Always `.accept`.
    public func validate(_ message: GossipMessage, from peer: GossipPeerID) -> GossipValidationResult? { .accept }
}

/// Checks message signatures. The router calls it once per distinct message (duplicates are
/// caught by the seen cache first).
public protocol GossipSignatureVerifier {
    /// Whether `message.signature` is a valid Ed25519 signature of it by `message.source`.
    func isValid(_ message: GossipMessage) -> Bool
}

/// Strict Ed25519 verification (libsodium via KoriumCrypto).
public struct Ed25519SignatureVerifier: GossipSignatureVerifier {
    /// The verifier.
    public init() {}
    /// `message.hasValidSignature`.
    public func isValid(_ message: GossipMessage) -> Bool { message.hasValidSignature }
}

/// What the router reports to the application.
public enum GossipEvent: Sendable, Equatable {
    /// A validated message in a subscribed topic, first received from `from`.
    case message(GossipMessage, from: GossipPeerID)
    /// A message awaiting the application's asynchronous verdict.
    case validate(GossipMessage)
    /// Peer exchange suggests connecting to this (verified) peer.
    case connect(GossipPeerRecord)
}
