import KoriumCrypto
import Testing

@testable import KoriumTLS

/// RFC 8448 §3 ("Simple 1-RTT Handshake", TLS_AES_128_GCM_SHA256): every secret of the key
/// schedule, recomputed from the trace's X25519 keys and handshake messages.
@Suite struct KeyScheduleRFC8448Tests {
    let hash = TLSHashAlgorithm.sha256

    // RFC 8448 §3 {client} ephemeral x25519 private key, {server} ephemeral public key.
    let clientPrivate = hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005")
    let serverPublic = hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f")

    @Test func earlySecret() {
        let ks = KeySchedule(hash: hash)
        #expect(hexString(ks.currentSecret) == "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
    }

    @Test func sharedSecretFromTraceKeys() throws {
        let priv = try X25519.PrivateKey(rawRepresentation: clientPrivate)
        let shared = try priv.sharedSecret(with: X25519.PublicKey(rawRepresentation: serverPublic))
        // RFC 8448 §3 {server} extract secret "handshake": IKM.
        #expect(hexString(shared) == "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d")
    }

    @Test func handshakeAndApplicationSecrets() throws {
        let priv = try X25519.PrivateKey(rawRepresentation: clientPrivate)
        let shared = Array(try priv.sharedSecret(with: X25519.PublicKey(rawRepresentation: serverPublic)))
        var ks = KeySchedule(hash: hash)
        ks.advanceToHandshake(sharedSecret: shared)
        #expect(hexString(ks.currentSecret) == "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")

        let helloHash = hash.hash(RFC8448.clientHello + RFC8448.serverHello)
        #expect(hexString(helloHash) == "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8")
        let hs = ks.handshakeTrafficSecrets(transcriptHash: helloHash)
        #expect(hexString(hs.client) == "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
        #expect(hexString(hs.server) == "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")

        // Traffic keys (RFC 8446 §7.3) for the server's handshake writes.
        #expect(hexString(hash.expandLabel(secret: hs.server, label: "key", context: [], length: 16)) == "3fce516009c21727d0f2e4e86ee403bc")
        #expect(hexString(hash.expandLabel(secret: hs.server, label: "iv", context: [], length: 12)) == "5d313eb2671276ee13000b30")

        // Server Finished over ClientHello..CertificateVerify (flight minus its 36-byte Finished).
        let flightWithoutFinished = Array(RFC8448.serverFlight.dropLast(36))
        #expect(hexString(KeySchedule.finishedKey(hash: hash, baseKey: hs.server))
                == "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8")
        let serverVerify = KeySchedule.finishedVerifyData(
            hash: hash, baseKey: hs.server,
            transcriptHash: hash.hash(RFC8448.clientHello + RFC8448.serverHello + flightWithoutFinished))
        #expect(hexString(serverVerify) == "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718")
        #expect(Array(RFC8448.serverFlight.suffix(32)) == serverVerify)

        ks.advanceToMaster()
        #expect(hexString(ks.currentSecret) == "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")
        let fullHash = hash.hash(RFC8448.clientHello + RFC8448.serverHello + RFC8448.serverFlight)
        #expect(hexString(fullHash) == "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13")
        let app = ks.applicationTrafficSecrets(transcriptHash: fullHash)
        #expect(hexString(app.client) == "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
        #expect(hexString(app.server) == "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")
        #expect(hexString(ks.exporterMasterSecret(transcriptHash: fullHash))
                == "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")
        #expect(hexString(hash.expandLabel(secret: app.server, label: "key", context: [], length: 16)) == "9f02283b6c9c07efc26bb9f2ac92e356")
        #expect(hexString(hash.expandLabel(secret: app.server, label: "iv", context: [], length: 12)) == "cf782b88dd83549aadf1e984")

        // Client Finished over ClientHello..server Finished.
        #expect(hexString(KeySchedule.finishedKey(hash: hash, baseKey: hs.client))
                == "b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4")
        #expect(hexString(KeySchedule.finishedVerifyData(hash: hash, baseKey: hs.client, transcriptHash: fullHash))
                == "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61")
    }

    @Test func traceMessagesParse() throws {
        // The trace's ClientHello has many extensions we do not use; it must still decode.
        let ch = try ClientHello(body: Array(RFC8448.clientHello.dropFirst(4)))
        #expect(ch.cipherSuites == [0x1301, 0x1303, 0x1302])
        #expect(ch.encoded() == RFC8448.clientHello)
        let sh = try ServerHello(body: Array(RFC8448.serverHello.dropFirst(4)))
        #expect(sh.cipherSuite == 0x1301)
        #expect(!sh.isHelloRetryRequest)
        #expect(sh.encoded() == RFC8448.serverHello)
        let ee = try EncryptedExtensions(body: Array(RFC8448.serverFlight[4..<40]))
        #expect(ee.extensions.map(\.type.rawValue) == [10, 28, 0])
    }
}

/// RFC 9001 Appendix A: Initial secrets (A.1) and the ChaCha20-Poly1305 key/iv/hp/ku (A.5).
@Suite struct QUICKeyDerivationTests {
    @Test func initialSecrets() {
        // RFC 9001 A.1: Destination Connection ID 0x8394c8f03e515708.
        let (client, server) = QUICKeyDerivation.initialSecrets(destinationConnectionID: hex("8394c8f03e515708"))
        #expect(hexString(client) == "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea")
        #expect(hexString(server) == "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b")
        let c = QUICPacketKeyMaterial(secret: client, cipherSuite: .aes128GCMSHA256)
        #expect(hexString(c.key) == "1f369613dd76d5467730efcbe3b1a22d")
        #expect(hexString(c.iv) == "fa044b2f42a3fd3b46fb255c")
        #expect(hexString(c.headerProtectionKey) == "9f50449e04a0e810283a1e9933adedd2")
        let s = QUICPacketKeyMaterial(secret: server, cipherSuite: .aes128GCMSHA256)
        #expect(hexString(s.key) == "cf3a5331653c364c88f0f379b6067e37")
        #expect(hexString(s.iv) == "0ac1493ca1905853b0bba03e")
        #expect(hexString(s.headerProtectionKey) == "c206b8d9b9f0f37644430b490eeaa314")
    }

    @Test func chacha20ShortHeaderKeys() {
        // RFC 9001 A.5.
        let secret = SecureBytes(hex("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b"))
        let m = QUICPacketKeyMaterial(secret: secret, cipherSuite: .chacha20Poly1305SHA256)
        #expect(hexString(m.key) == "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8")
        #expect(hexString(m.iv) == "e0459b3474bdd0e44a41c144")
        #expect(hexString(m.headerProtectionKey) == "25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4")
        let ku = QUICKeyDerivation.nextGenerationSecret(secret, cipherSuite: .chacha20Poly1305SHA256)
        #expect(hexString(ku) == "1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9")
    }

    @Test func keyLogLineFormat() {
        let line = KeyLog.line(.clientHandshakeTrafficSecret, clientRandom: [0xab, 0x01], secret: [0x00, 0xff])
        #expect(line == "CLIENT_HANDSHAKE_TRAFFIC_SECRET ab01 00ff")
    }
}

/// RFC 9001 Appendix A.2: the ClientHello carried in the sample client Initial's CRYPTO frame.
@Suite struct RFC9001ClientHelloTests {
    static let clientHello = hex("""
        010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c00000413011302010000
        c000000010000e00000b6578616d706c652e636f6dff01000100000a00080006001d0017001800100007000504616c70
        6e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171fa71f50f1ce15d43e994
        ec74d748002b0003020304000d0010000e0403050306030203080408050806002d00020101001c000240010039003204
        08ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ff
        ff
        """)

    @Test func parsesAndIsRefusedWithoutEd25519() throws {
        let ch = try ClientHello(body: Array(Self.clientHello.dropFirst(4)))
        #expect(ch.encoded() == Self.clientHello)
        #expect(ch.cipherSuites == [0x1301, 0x1302])
        #expect(try Extensions.decodeServerName(try #require(ch.extensions.data(.serverName))) == Array("example.com".utf8))
        #expect(try Extensions.decodeALPN(try #require(ch.extensions.data(.alpn))) == [Array("alpn".utf8)])
        #expect(ch.extensions.data(.quicTransportParameters)?.count == 50)
        // It offers no ed25519 signature scheme: our server refuses with handshake_failure.
        var server = TLSSession(server: TestConfigs.p2p(), transportParameters: [], now: TestConfigs.now)
        #expect(throws: TLSError.self) { try server.readHandshake(level: .initial, bytes: Self.clientHello) }
        #expect(server.failure?.alert == .handshakeFailure)
    }
}
