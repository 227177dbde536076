#!/bin/bash
# The openssl command checks every message kind the library builds (the
# signature with the right certificate, the envelope with the right key,
# the payload), and the library reads what openssl builds.
#   tests/interop/openssl.sh path/to/scep path/to/make_messages
set -u
SCEP=$1
MAKE_MESSAGES=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need openssl
cd "$WORK"

# A CA, an RA signing and an RA encryption certificate, a client key with
# a CSR and a certificate (serial 2), and a CRL that revokes serial 7.
make_pki() {
    mkdir in
    openssl req -x509 -newkey rsa:2048 -nodes -keyout in/ca.key \
        -out in/ca.pem -subj "/C=DE/O=libscep interop/CN=Interop CA" \
        -days 30 2>/dev/null
    issue ra-sign "/C=DE/O=libscep interop/CN=Interop RA signing" 3 \
        "keyUsage=critical,digitalSignature"
    issue ra-enc "/C=DE/O=libscep interop/CN=Interop RA encryption" 4 \
        "keyUsage=critical,keyEncipherment"
    printf '[req]\ndistinguished_name=dn\nattributes=a\nprompt=no\n%s\n%s\n' \
        '[dn]
C=DE
O=libscep interop
CN=interop-client' '[a]
challengePassword=openssl-secret' >in/client.cnf
    openssl req -new -newkey rsa:2048 -nodes -keyout in/client.key \
        -out in/client.csr -config in/client.cnf 2>/dev/null
    openssl x509 -req -in in/client.csr -CA in/ca.pem -CAkey in/ca.key \
        -set_serial 2 -days 30 -out in/client.pem 2>/dev/null
    # Any order: the library must pick the roles by key usage.
    cat in/ra-enc.pem in/ca.pem in/ra-sign.pem >in/chain.pem
    make_crl
}

# issue NAME SUBJECT SERIAL EXTENSION
issue() {
    openssl req -new -newkey rsa:2048 -nodes -keyout "in/$1.key" \
        -subj "$2" 2>/dev/null |
        openssl x509 -req -CA in/ca.pem -CAkey in/ca.key -set_serial "$3" \
            -days 30 -extfile <(echo "$4") -out "in/$1.pem" 2>/dev/null
}

make_crl() {
    mkdir -p ca/new
    : >ca/index.txt
    printf 'R\t301231000000Z\t240101000000Z\t07\tunknown\t/CN=gone\n' \
        >ca/index.txt
    cat >ca/ca.cnf <<CNF
[ca]
default_ca = interop
[interop]
database = $WORK/ca/index.txt
new_certs_dir = $WORK/ca/new
default_md = sha256
default_crl_days = 30
CNF
    openssl ca -gencrl -config ca/ca.cnf -keyfile in/ca.key \
        -cert in/ca.pem -out in/crl.pem 2>/dev/null
}

# verify_request NAME: signed by the certificate it includes.
verify_request() {
    expect_exit "$set: openssl cms verifies $1" 0 openssl cms -verify \
        -binary -noverify -inform DER -in "$out/$1.der" \
        -out "$out/$1.content" -signer "$out/$1.signer"
}

# verify_reply NAME: signed by the CA, and the chain checks out.
verify_reply() {
    expect_exit "$set: openssl cms verifies $1 against the CA" 0 \
        openssl cms -verify -binary -CAfile in/ca.pem -purpose any \
        -inform DER -in "$out/$1.der" -out "$out/$1.content"
}

# decrypt NAME CERT KEY: the envelope opens for the right recipient.
decrypt() {
    expect_exit "$set: openssl cms decrypts $1" 0 openssl cms -decrypt \
        $providers -binary -inform DER -in "$out/$1.content" \
        -recip "$2" -inkey "$3" -out "$out/$1.payload"
}

fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256; }

check_requests() {
    verify_request pkcsreq
    decrypt pkcsreq in/ca.pem in/ca.key
    openssl req -inform DER -in "$out/pkcsreq.payload" -noout -text \
        >"$WORK/out" 2>&1
    expect_text "$set: PKCSReq carries the CSR" "CN = interop-client"
    expect_text "$set: PKCSReq keeps the challenge" "openssl-secret"
    expect_same "$set: the self-signed signer has the CSR's subject" \
        "$(openssl x509 -in "$out/pkcsreq.signer" -noout -subject)" \
        "$(openssl req -in in/client.csr -noout -subject)"

    verify_request renewalreq
    decrypt renewalreq in/ca.pem in/ca.key
    expect_same "$set: RenewalReq is signed by the existing certificate" \
        "$(fingerprint "$out/renewalreq.signer")" \
        "$(fingerprint in/client.pem)"

    verify_request getcertinitial
    decrypt getcertinitial in/ca.pem in/ca.key
    openssl asn1parse -inform DER -in "$out/getcertinitial.payload" \
        >"$WORK/out"
    expect_text "$set: GetCertInitial names the issuer" ":Interop CA"
    expect_text "$set: GetCertInitial names the subject" ":interop-client"

    for kind in getcert getcrl; do
        verify_request $kind
        decrypt $kind in/ca.pem in/ca.key
        openssl asn1parse -inform DER -in "$out/$kind.payload" >"$WORK/out"
        expect_text "$set: $kind names the issuer" ":Interop CA"
        expect_text "$set: $kind names serial 2" "INTEGER           :02"
    done
}

check_replies() {
    for kind in certrep-pending certrep-failure; do
        verify_reply $kind
        "$SCEP" decode "$out/$kind.der" >"$WORK/out" 2>&1
        expect_line "$set: $kind status" \
            "pkiStatus: $([ $kind = certrep-pending ] && echo PENDING ||
                          echo FAILURE)"
    done

    verify_reply certrep-success
    decrypt certrep-success "$out/pkcsreq.signer" in/client.key
    openssl pkcs7 -inform DER -in "$out/certrep-success.payload" \
        -print_certs -noout >"$WORK/out"
    expect_text "$set: SUCCESS carries the certificate" "CN = interop-client"

    verify_reply certrep-crl
    decrypt certrep-crl in/client.pem in/client.key
    openssl pkcs7 -inform DER -in "$out/certrep-crl.payload" -print \
        >"$WORK/out"
    expect_text "$set: the CRL reply carries the CRL" "serialNumber: 7"

    expect_same "$set: certs-only holds the 3 certificates" 3 \
        "$(openssl pkcs7 -inform DER -in "$out/certsonly.der" \
               -print_certs -noout | grep -c "^subject=")"

    verify_reply nextca
    openssl pkcs7 -inform DER -in "$out/nextca.content" -print_certs \
        -noout >"$WORK/out" 2>&1
    expect_text "$set: GetNextCACert carries the new chain" "RA encryption"
}

check_set() {
    set=$1
    out="$WORK/$set"
    providers=""
    [ "$set" = md5-des ] && providers="-provider legacy -provider default"
    mkdir "$out"
    shift
    expect_exit "$set: the library builds every message" 0 \
        "$MAKE_MESSAGES" in "$out" "$@"
    check_requests
    check_replies
}

# What openssl builds, read by the library through scep decode.
check_openssl_made() {
    openssl crl2pkcs7 -nocrl -certfile in/chain.pem -outform DER \
        -out chain.p7b
    expect_exit "decode reads an openssl certs-only bundle" 0 \
        "$SCEP" decode chain.p7b
    expect_line "bundle: type" "messageType: CertsOnly"
    expect_line "bundle: CA by basicConstraints" \
        "ca: /C=DE/O=libscep interop/CN=Interop CA"
    expect_line "bundle: RA signing by key usage" \
        "signing: /C=DE/O=libscep interop/CN=Interop RA signing"
    expect_line "bundle: RA encryption by key usage" \
        "encryption: /C=DE/O=libscep interop/CN=Interop RA encryption"

    openssl crl2pkcs7 -nocrl -certfile in/chain.pem -out chain.p7b.pem
    expect_exit "decode reads the PEM form" 0 "$SCEP" decode chain.p7b.pem
    expect_line "PEM bundle: RA encryption" \
        "encryption: /C=DE/O=libscep interop/CN=Interop RA encryption"

    openssl x509 -in in/ca.pem -outform DER -out ca.der
    expect_exit "decode reads a bare DER certificate" 0 "$SCEP" decode ca.der
    expect_line "bare certificate: the CA" \
        "ca: /C=DE/O=libscep interop/CN=Interop CA"
}

make_pki
check_set default
check_set sha512-aes256 sha512 aes256
check_set sha1-des3 sha1 des3
check_set md5-des md5 des
check_openssl_made
finish
