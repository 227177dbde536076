#!/bin/bash
# scep against micromdm's SCEP server (Debian package "scep"), both inside
# a loopback-only network namespace: run it as
#   tests/interop/netns.sh tests/interop/micromdm.sh path/to/scep
set -u
SCEP=$1
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need scepserver openssl curl

PORT=18080
URL="http://127.0.0.1:$PORT/scep"
CHALLENGE="interop-$$-secret"
cd "$WORK"

stop_server() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null
}
cleanup_hooks="stop_server"

start_server() {
    scepserver ca -init -depot depot -keySize 2048 \
        -organization "libscep interop" >ca-init.log 2>&1 ||
        { cat ca-init.log; echo "FATAL: scepserver ca -init failed"; exit 1; }
    scepserver -depot depot -port "$PORT" -challenge "$CHALLENGE" \
        >server.log 2>&1 &
    server_pid=$!
    for _ in $(seq 50); do
        curl -sf "$URL?operation=GetCACaps" >/dev/null && return 0
        sleep 0.1
    done
    cat server.log
    echo "FATAL: scepserver did not start"
    exit 1
}

# new_csr NAME CHALLENGE: NAME.key and NAME.csr, CN=NAME.
new_csr() {
    cat >"$1.cnf" <<CNF
[req]
distinguished_name = dn
attributes = attrs
prompt = no
[dn]
C = DE
O = libscep interop
CN = $1
[attrs]
challengePassword = $2
CNF
    openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" \
        -out "$1.csr" -config "$1.cnf" 2>/dev/null
}

pubkey_of_cert() { openssl x509 -in "$1" -noout -pubkey; }
pubkey_of_key() { openssl pkey -in "$1" -pubout; }

test_getcaps() {
    expect_exit "getcaps succeeds" 0 "$SCEP" getcaps "$URL"
    for cap in POSTPKIOperation SHA-256 AES SCEPStandard; do
        expect_line "getcaps lists $cap" "$cap"
    done
}

test_getca() {
    expect_exit "getca succeeds" 0 "$SCEP" getca "$URL" --out ca.pem
    expect_line "getca names the CA" \
        "ca: /C=US/O=libscep interop/OU=SCEP CA"
    expect_text "getca says the CA encrypts" "encryption: /C=US/O=libscep"
    expect_same "getca wrote the depot's CA certificate" \
        "$(openssl x509 -in ca.pem -noout -fingerprint -sha256)" \
        "$(openssl x509 -in depot/ca.pem -noout -fingerprint -sha256)"
}

# enroll_ok NAME METHOD-WORD [scep options]: a fresh key and CSR enrolled.
enroll_ok() {
    local name=$1 method=$2
    shift 2
    new_csr "$name" "$CHALLENGE"
    expect_exit "enroll $name" 0 "$SCEP" enroll "$URL" --verbose \
        --key "$name.key" --csr "$name.csr" --out "$name.pem" \
        --save-request "$name.req" --save-reply "$name.rep" \
        --save-signer "$name.signer" "$@"
    cp "$WORK/err" "$name.log"
    expect_text "enroll $name used $method" "PKIOperation by $method" \
        "$WORK/err"
    expect_line "enroll $name prints the subject" \
        "subject: /C=DE/O=libscep interop/CN=$name"
    expect_exit "openssl verify accepts $name" 0 \
        openssl verify -CAfile ca.pem "$name.pem"
    expect_same "$name is issued for our key" \
        "$(pubkey_of_cert "$name.pem")" "$(pubkey_of_key "$name.key")"
}

test_enroll_post() {
    enroll_ok interop-post POST
    expect_exit "decode the PKCSReq with the CA key" 0 env CA_PASS= \
        "$SCEP" decode interop-post.req --key depot/ca.key \
        --cert depot/ca.pem --key-password-env CA_PASS
    cp "$WORK/out" request.txt
    expect_line "request: messageType" "messageType: PKCSReq"
    expect_line "request: challengePassword" \
        "challengePassword: $CHALLENGE"
    expect_line "request: CSR subject" \
        "subject: /C=DE/O=libscep interop/CN=interop-post"
    expect_line "request: strongest digest offered" "digest: sha256"
    expect_line "request: AES-256 for micromdm" "cipher: aes-256-cbc"
    expect_line "request: signature verified" "signatureVerified: yes"

    expect_exit "decode the CertRep with our key" 0 "$SCEP" decode \
        interop-post.rep --key interop-post.key \
        --cert interop-post.signer --ca ca.pem
    expect_line "reply: messageType" "messageType: CertRep"
    expect_line "reply: pkiStatus" "pkiStatus: SUCCESS"
    expect_line "reply: issued certificate first" \
        "certificate[0]: /C=DE/O=libscep interop/CN=interop-post"
    expect_same "reply: same transactionID" "$(field transactionID)" \
        "$(field transactionID request.txt)"
    expect_same "reply: recipientNonce is our senderNonce" \
        "$(field recipientNonce)" "$(field senderNonce request.txt)"
}

# The message= parameter of the logged GET, unescaped and decoded strictly
# as standard base64 (no URL-safe alphabet, padding required).
get_parameter() {
    sed -n 's/.*operation=PKIOperation&message=//p' "$1" |
        /usr/bin/python3 -c 'import base64, sys, urllib.parse
text = sys.stdin.read().strip()
assert all(c not in text for c in "+/="), "unescaped base64 in the URL"
raw = base64.b64decode(urllib.parse.unquote(text), validate=True)
sys.stdout.buffer.write(raw)'
}

test_enroll_get() {
    enroll_ok interop-get GET --method get
    expect_same "GET sends the request as URL-escaped standard base64" \
        "$(get_parameter interop-get.log | sha256sum)" \
        "$(sha256sum <interop-get.req)"
    enroll_ok interop-get-3des GET --method get --digest sha1 \
        --cipher des3
    enroll_ok interop-des POST --cipher des --digest sha1
}

test_bad_challenge() {
    new_csr interop-bad "not-$CHALLENGE"
    expect_exit "wrong challenge exits 4" 4 "$SCEP" enroll "$URL" \
        --key interop-bad.key --csr interop-bad.csr --out interop-bad.pem \
        --save-reply interop-bad.rep
    expect_text "wrong challenge is reported as badRequest" \
        "enrollment failed: badRequest" "$WORK/err"
    [ ! -e interop-bad.pem ] && pass "no certificate written on FAILURE" ||
        fail "a certificate was written on FAILURE"
    expect_exit "decode the FAILURE reply" 0 "$SCEP" decode interop-bad.rep \
        --ca ca.pem
    expect_line "FAILURE reply: pkiStatus" "pkiStatus: FAILURE"
    expect_line "FAILURE reply: failInfo" "failInfo: badRequest"
}

test_errors() {
    new_csr interop-md5 "$CHALLENGE"
    # micromdm refuses MD5 with HTTP 500; the status and body must show.
    expect_exit "an HTTP 500 exits 3" 3 "$SCEP" enroll "$URL" \
        --key interop-md5.key --csr interop-md5.csr --out x.pem --digest md5
    expect_text "the HTTP status is reported" "HTTP 500: pkcs7" "$WORK/err"
    expect_exit "a closed port exits 3" 3 "$SCEP" getcaps \
        "http://127.0.0.1:$((PORT + 1))/scep"
    expect_exit "a 404 exits 3" 3 "$SCEP" getca "http://127.0.0.1:$PORT/no"
}

start_server
test_getcaps
test_getca
test_enroll_post
test_enroll_get
test_bad_challenge
test_errors
finish
