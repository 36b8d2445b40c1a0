import KoriumCrypto
import Testing
@testable import KoriumDHT
import KoriumWire

/// Vectors from Vectors/generators/dht_identity.py (Python hashlib BLAKE2b + OpenSSL Ed25519),
/// copied from Vectors/dht/identity.json.
struct IdentityVector {
    let seed: String, publicKey: String, nodeID: String, powNonce: UInt64, powHash: String, powHashNonce0: String
}

let identityVectors = [
    IdentityVector(seed: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                   publicKey: "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
                   nodeID: "9d24e2eeaf27c2a088a564a32fc03a882dcd9804dbc0d03a119491e54ba0c933", powNonce: 285,
                   powHash: "007fddaa770a2f5e987c5e0cb95114c1d65130dded32842ed7c33255683a004d",
                   powHashNonce0: "0e038812efe14ec5eba1dc99c6e5a441c9db79ac4245fe890d346dc27c688bfb"),
    IdentityVector(seed: "4242424242424242424242424242424242424242424242424242424242424242",
                   publicKey: "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12",
                   nodeID: "26e88ab5574ac2e825b8747d05aeca98c53e4457da600e43e77164fd768d84c1", powNonce: 4,
                   powHash: "00a69cfb4deb8d08cc027c1d5ec9ddf87ed0f7466da5c77ccf13f4bd322aa8a9",
                   powHashNonce0: "101b177c12cfcedebc17c236cf36a5cde4641b887eb594870987a8602d3eb54d"),
    IdentityVector(seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                   publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                   nodeID: "7849ac3049680be1ef762efe0d36e01733c3464eb0c7c558138acf24bb263bd3", powNonce: 350,
                   powHash: "00f7068e64e4bfead432a76a4058056eb75fdd60470ff0bf7c31263f40d9bd61",
                   powHashNonce0: "e06847b55ce1820e858257758f80e07172bfcdc27f0d74e7500346727455a482"),
]

@Suite struct IdentityTests {
    @Test(arguments: identityVectors.indices)
    func nodeIDAndProofOfWorkMatchIndependentImplementation(_ i: Int) throws {
        let v = identityVectors[i]
        let key = try Ed25519.PrivateKey(seed: hexBytes(v.seed))
        let pk = IdentityKey(key.publicKey)
        #expect(pk.raw.bytes == hexBytes(v.publicKey))
        #expect(NodeID(publicKey: pk).raw.bytes == hexBytes(v.nodeID))
        #expect(ProofOfWork.hash(publicKey: pk, nonce: 0).bytes == hexBytes(v.powHashNonce0))
        #expect(ProofOfWork.hash(publicKey: pk, nonce: v.powNonce).bytes == hexBytes(v.powHash))
        // The smallest solving nonce is the one the independent search found.
        #expect(ProofOfWork.solve(publicKey: pk, difficulty: 8) == v.powNonce)
        #expect(ProofOfWork.isValid(publicKey: pk, nonce: v.powNonce, difficulty: 8))
        #expect(!ProofOfWork.isValid(publicKey: pk, nonce: v.powNonce, difficulty: 16) ||
                ProofOfWork.hash(publicKey: pk, nonce: v.powNonce).leadingZeroBitCount >= 16)
    }

    @Test func generatedIdentitiesCarryValidWorkAndOthersDoNot() {
        let id = makeIdentity(1)
        let c = id.contact(address: address(1))
        #expect(c.hasValidProofOfWork(difficulty: testDifficulty))
        var forged = c
        forged.powNonce &+= 1
        // A neighbouring nonce solves the puzzle with probability 2^-8; this seed's does not.
        #expect(!forged.hasValidProofOfWork(difficulty: testDifficulty) ||
                ProofOfWork.hash(publicKey: c.publicKey, nonce: forged.powNonce).leadingZeroBitCount >= 8)
        #expect(id.nodeID == NodeID(publicKey: id.publicKey))
    }

    @Test func solveGivesUpAtTheNonceCap() {
        let pk = makeIdentity(2).publicKey
        #expect(ProofOfWork.solve(publicKey: pk, difficulty: 40, maxNonce: 50) == nil)
        var rng = TestRNG(5)
        #expect(throws: DHTIdentity.GenerationError.noSolution) {
            try DHTIdentity.generate(difficulty: 60, maxNonce: 4, using: &rng)
        }
    }
}

@Suite struct NodeIDTests {
    @Test func xorDistanceAndBuckets() {
        let a = NodeID(raw: Bytes32(0, 0, 0, 0))
        let b = NodeID(raw: Bytes32(0, 0, 0, 1))
        let c = NodeID(raw: Bytes32(1 << 63, 0, 0, 0))
        #expect(a.bucketIndex(of: b) == 0)
        #expect(a.bucketIndex(of: c) == 255)
        #expect(a.bucketIndex(of: a) == nil)
        #expect(b.distance(to: c) == Bytes32(1 << 63, 0, 0, 1))
        #expect(a.distance(to: b) == b.distance(to: a))
    }

    @Test func randomIDLandsInTheRequestedBucket() {
        var rng = TestRNG(3)
        let me = NodeID.random(using: &rng)
        for i in [0, 1, 63, 64, 65, 127, 128, 200, 255] {
            for _ in 0..<20 { #expect(me.bucketIndex(of: me.randomID(inBucket: i, using: &rng)) == i) }
        }
    }

    @Test func bytes32RoundTripsAndOrdersBigEndian() throws {
        var rng = TestRNG(4)
        for _ in 0..<50 {
            let x = Bytes32.random(using: &rng)
            #expect(Bytes32(x.bytes) == x)
            #expect(try Bytes32(wireBytes: x.wireBytes()) == x)
            let y = Bytes32.random(using: &rng)
            #expect((x < y) == x.bytes.lexicographicallyPrecedes(y.bytes))
        }
        #expect(Bytes32([1, 2, 3]) == nil)
    }
}
