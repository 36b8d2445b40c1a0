import KoriumCrypto
import KoriumWire

/// Every way a FROST operation can fail. Cases naming a `culprit` identify the participant
/// whose contribution was wrong (RFC 9591 §5.4 "Identifiable Abort"; Komlo–Goldberg 2020 Fig. 1
/// for key generation), so the caller can exclude it and restart.
public enum FROSTError: Error, Equatable, Sendable {
    /// Threshold parameters outside 2 ≤ minSigners ≤ maxSigners ≤ ``FROSTLimits/maxParticipants``.
    case invalidParameters(minSigners: Int, maxSigners: Int)
    /// An identifier is zero, or an integer identifier is outside 1...maxParticipants.
    case invalidIdentifier
    /// The same identifier appears twice in a list that must hold distinct participants.
    case duplicateIdentifier(FROSTIdentifier)
    /// A participant that is not part of the group or of this signing session.
    case unknownIdentifier(FROSTIdentifier)
    /// A message longer than ``FROSTLimits/maxMessageLength``.
    case messageTooLong(maximum: Int, actual: Int)
    /// Fewer (or more) participants than the threshold configuration allows.
    case wrongParticipantCount(minimum: Int, maximum: Int, actual: Int)
    /// The signer's own commitment is missing from the signing package or differs from the
    /// one its nonces produced (RFC 9591 §5.2: each participant MUST ensure this).
    case ownCommitmentMismatch
    /// The signature shares do not come from exactly the participants in the signing package.
    case sharesDoNotMatchCommitments
    /// The group commitment or a computed key came out as the identity element, which
    /// RFC 9591 SerializeElement refuses; abort and retry with fresh nonces.
    case identityElement
    /// A signature share failed RFC 9591 §5.4 `verify_signature_share`.
    case invalidSignatureShare(culprit: FROSTIdentifier)
    /// The aggregate signature does not verify under the group public key.
    case invalidSignature
    /// A dealt share does not match the dealer's VSS commitment (RFC 9591 Appendix C.2
    /// `vss_verify`); the dealer is at fault.
    case invalidDealerShare
    /// A key-generation participant's proof of knowledge of its secret does not verify.
    case invalidProofOfKnowledge(culprit: FROSTIdentifier)
    /// A key-generation or refresh share from `culprit` is inconsistent with its commitment.
    case invalidSecretShare(culprit: FROSTIdentifier)
    /// A commitment from `culprit` has the wrong number of coefficients for the threshold.
    case invalidCommitmentLength(culprit: FROSTIdentifier)
    /// A package expected from `from` is missing.
    case missingPackage(from: FROSTIdentifier)
    /// A package addressed to someone else was passed in.
    case misaddressedPackage(from: FROSTIdentifier)
    /// The key packages passed together belong to different groups.
    case inconsistentKeyPackages
}

/// Named caps for every FROST list and buffer.
public enum FROSTLimits {
    /// Most participants in a group (and entries in any list decoded from the wire).
    public static let maxParticipants = 1024
    /// Longest message accepted in a decoded ``SigningPackage`` (64 KiB; certificates to be
    /// signed are far smaller).
    public static let maxMessageLength = 65_536
}
