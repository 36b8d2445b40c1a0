#!/bin/sh
# Generates Vectors/pem/: Ed25519 keys and certificates written by the openssl CLI (an
# independent implementation of PEM, PKCS#8 (RFC 8410 §7), SubjectPublicKeyInfo and X.509), used
# by KoriumTLSTests/PEMTests and the quic-server/quic-client CLI tests.
#   sh Vectors/generators/pem_vectors.sh            (from the repository root; needs openssl 3)
# Files: key.pem (PKCS#8 private key), pub.pem (its SubjectPublicKeyInfo), key.expected (JSON: the raw
# 32-byte seed and public key as openssl prints them), selfsigned.pem (self-signed certificate
# for key.pem, SAN DNS:localhost), ca.key.pem + ca.pem (a CA), leaf.key.pem + leaf.pem (a leaf
# issued by the CA, SAN DNS:localhost), chain.pem (leaf then CA), client.key.pem + client.pem
# (a second leaf for mutual TLS). Validity: 100 years from generation.
set -eu
out=Vectors/pem
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
days=36500

openssl genpkey -algorithm ed25519 -out "$out/key.pem"
openssl pkey -in "$out/key.pem" -pubout -out "$out/pub.pem"
# `openssl pkey -text` prints "priv:" and "pub:" followed by colon-separated hex lines.
openssl pkey -in "$out/key.pem" -noout -text > "$tmp/text"
seed=$(awk '/^priv:/{f=1;next} /^pub:/{f=0} f' "$tmp/text" | tr -d ' :\n')
pub=$(awk '/^pub:/{f=1;next} f' "$tmp/text" | tr -d ' :\n')
printf '{\n  "generator": "openssl %s",\n  "seed": "%s",\n  "publicKey": "%s"\n}\n' \
  "$(openssl version | cut -d' ' -f2)" "$seed" "$pub" > "$out/key.expected"

openssl req -x509 -new -key "$out/key.pem" -subj /CN=localhost -days $days \
  -addext subjectAltName=DNS:localhost -out "$out/selfsigned.pem"

openssl genpkey -algorithm ed25519 -out "$out/ca.key.pem"
openssl req -x509 -new -key "$out/ca.key.pem" -subj "/CN=korium test CA" -days $days \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$out/ca.pem"

cat > "$tmp/leaf.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost
EXT
for name in leaf client; do
  openssl genpkey -algorithm ed25519 -out "$out/$name.key.pem"
  openssl req -new -key "$out/$name.key.pem" -subj "/CN=$name" -out "$tmp/$name.csr"
  openssl x509 -req -in "$tmp/$name.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key.pem" -CAcreateserial \
    -CAserial "$tmp/serial" -days $days -extfile "$tmp/leaf.ext" -out "$out/$name.pem"
done
cat "$out/leaf.pem" "$out/ca.pem" > "$out/chain.pem"
