#!/bin/sh
# Makes the test keys, certificates and CRL in this folder (committed; run
# again only to replace them).  The CA is the micromdm test CA of the peer
# captures, so that messages made with these keys meet the captured ones.
set -eu
cd "$(dirname "$0")"
CA=../peers/captured/keys/micromdm-ca/ca.pem
CAKEY=../peers/captured/keys/micromdm-ca/ca-key-plain.pem
CLIENT=../peers/captured/keys/libscep-client/key1.pem
PASS=pass:correct-horse
LEGACY="-provider legacy -provider default"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The client key encrypted every way deployed software does.
openssl pkey -in $CLIENT -aes256 -passout $PASS -out client-aes256.pem
openssl pkey -in $CLIENT -des3 -passout $PASS -out client-pkcs8-des3.pem
openssl rsa -in $CLIENT -des3 -traditional -passout $PASS \
    -out client-des3.pem
openssl rsa -in $CLIENT -des -traditional -passout $PASS $LEGACY \
    -out client-des.pem

# RA certificates issued by the CA: one only signs, one only encrypts.
issue() {    # name, key usage
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
        -out "$1-key.pem" 2>/dev/null
    openssl req -new -key "$1-key.pem" -subj "/C=US/O=scep-ca/CN=$1" \
        -out "$work/$1.csr"
    printf 'keyUsage=critical,%s\nbasicConstraints=CA:FALSE\n' "$2" \
        > "$work/$1.ext"
    openssl x509 -req -in "$work/$1.csr" -CA $CA -CAkey $CAKEY \
        -set_serial "0x$(openssl rand -hex 8)" -days 3650 \
        -extfile "$work/$1.ext" -out "$1.pem"
}
issue ra-sign digitalSignature
issue ra-encrypt keyEncipherment,dataEncipherment

# GetCACert answer with the CA last, as some servers send it.
cat ra-encrypt.pem ra-sign.pem $CA > "$work/bundle.pem"
openssl crl2pkcs7 -nocrl -certfile "$work/bundle.pem" -outform DER \
    -out ca-ra-bundle.p7b

# A small legacy key and an expired SHA-1 certificate for it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 \
    -out legacy-1024-key.pem 2>/dev/null
openssl req -new -key legacy-1024-key.pem -sha1 \
    -subj "/C=DE/O=legacy/CN=old-router" -out legacy-1024.csr

# A CRL from the CA revoking one serial.
mkdir -p "$work/ca"
: > "$work/ca/index.txt"
printf 'R\t300101000000Z\t240101000000Z\t0A\tunknown\t/CN=revoked\n' \
    > "$work/ca/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/ca/index.txt
default_md = sha256
default_crl_days = 3650
CNF
cat >> "$work/ca.cnf" <<CNF
new_certs_dir = $work/ca
serial = $work/ca/serial
policy = anything
[anything]
commonName = supplied
CNF
echo 01 > "$work/ca/serial"
: > "$work/ca/old-index.txt"
sed "s|ca/index.txt|ca/old-index.txt|" "$work/ca.cnf" > "$work/old.cnf"
openssl ca -config "$work/old.cnf" -batch -selfsign -md sha1 \
    -keyfile legacy-1024-key.pem -in legacy-1024.csr \
    -startdate 20100101000000Z -enddate 20110101000000Z \
    -out "$work/old.pem" 2>/dev/null
openssl x509 -in "$work/old.pem" -out legacy-1024-expired.pem
openssl ca -config "$work/ca.cnf" -gencrl -cert $CA -keyfile $CAKEY \
    -out ca.crl 2>/dev/null
