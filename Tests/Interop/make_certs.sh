#!/usr/bin/env bash
# Ed25519 test PKI for the QUIC interop peers (openssl CLI; generated at setup time, never committed).
#   make_certs.sh [OUTDIR]     (default .build/interop-certs; idempotent: kept if already complete)
# Writes ca.pem/ca.key, server.pem/server.key, client.pem/client.key (PKCS#8 keys; leaves issued
# by the CA), server-self.pem / client-self.pem (self-signed certificates for the same keys, what
# pinned mode presents) and server.pub.hex / client.pub.hex (raw 32-byte Ed25519 public keys).
# Leaves carry DNS SAN "localhost" (webpki in quinn's CA mode needs a DNS name) and IP SAN 127.0.0.1.
set -euo pipefail
out=${1:-"$(dirname "$0")/../../.build/interop-certs"}
mkdir -p "$out"
cd "$out"
if [[ -s ca.pem && -s server.pem && -s client.pem && -s server-self.pem && -s client-self.pem \
      && -s server.pub.hex && -s client.pub.hex ]]; then
  exit 0
fi
days=3650
cat > ca.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = korium interop test CA
[ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
cat > leaf.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server-self]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[client-self]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl genpkey -algorithm ed25519 -out ca.key
openssl req -new -x509 -key ca.key -out ca.pem -days "$days" -config ca.cnf -extensions ext
for role in server client; do
  openssl genpkey -algorithm ed25519 -out "$role.key"
  openssl req -new -key "$role.key" -out "$role.csr" -config leaf.cnf
  openssl x509 -req -in "$role.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$role.pem" \
    -days "$days" -extfile leaf.cnf -extensions "$role" 2>/dev/null
  openssl req -new -x509 -key "$role.key" -out "$role-self.pem" -days "$days" -config leaf.cnf \
    -extensions "$role-self"
  # The raw key is the last 32 bytes of the 44-byte SubjectPublicKeyInfo DER.
  openssl pkey -in "$role.key" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n' > "$role.pub.hex"
  rm -f "$role.csr"
done
rm -f ca.srl ca.cnf leaf.cnf
echo "make_certs: wrote $(pwd)"
