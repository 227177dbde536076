#!/bin/sh
# Makes the keys, certificates and CRL the Crypt::LibSCEP tests use beside
# the shared vectors: the client key of the vectors encrypted in every way
# old deployments stored keys, a small SHA-1 RSA key pair with an expired
# self-signed certificate, and a CRL of the vectors' CA.  The outputs are
# committed; run this only to make them again (they will differ byte for
# byte, which the tests do not mind).
set -eu
cd "$(dirname "$0")"
keys=../../../../tests/vectors/peers/captured/keys
client=$keys/libscep-client/key1.pem
ca_cert=$keys/micromdm-ca/ca.pem
ca_key=$keys/micromdm-ca/ca-key-plain.pem
password=libscep-test
legacy="-provider legacy -provider default"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Traditional ("Proc-Type: 4,ENCRYPTED") PEM with DES, 3DES and AES, and
# an encrypted PKCS#8 key.
openssl rsa $legacy -in "$client" -traditional -des \
    -passout pass:$password -out key1-des.pem
openssl rsa -in "$client" -traditional -des3 \
    -passout pass:$password -out key1-des3.pem
openssl rsa -in "$client" -traditional -aes256 \
    -passout pass:$password -out key1-aes256.pem
openssl pkcs8 -topk8 -in "$client" -v2 aes-128-cbc \
    -passout pass:$password -out key1-pkcs8-aes128.pem

# The CA key as a 2015-era server kept it.
openssl rsa -in "$ca_key" -traditional -des3 -passout pass:ca-secret \
    -out ca-key-des3.pem

# A 512-bit RSA key, a self-signed SHA-1 certificate that expired in 2016
# and a SHA-1 CSR with a challengePassword, as 2015-era deployments had.
openssl genrsa -out legacy-key.pem 512
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = legacy
[legacy]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
crlnumber = $work/crlnumber
default_md = sha1
policy = anything
unique_subject = no
[anything]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
attributes = attributes
[dn]
C = DE
O = legacy-test
CN = legacy-client
[attributes]
challengePassword = legacy-challenge
CNF
: > "$work/index.txt"
echo 01 > "$work/serial"
echo 01 > "$work/crlnumber"
openssl req -new -sha1 -config "$work/ca.cnf" -key legacy-key.pem \
    -out legacy-csr.pem
openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile legacy-key.pem \
    -in legacy-csr.pem -startdate 20150101000000Z -enddate 20160101000000Z \
    -notext -out legacy-cert.pem

# A CRL of the vectors' CA revoking nothing.
cat > "$work/crl.cnf" <<CNF
[ca]
default_ca = vectors
[vectors]
database = $work/crl-index.txt
crlnumber = $work/crlnumber
default_md = sha256
default_crl_days = 3650
CNF
: > "$work/crl-index.txt"
openssl ca -batch -config "$work/crl.cnf" -gencrl -cert "$ca_cert" \
    -keyfile "$ca_key" -out ca-crl.pem
