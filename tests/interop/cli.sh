#!/bin/bash
# The scep tool without a server: help and usage errors, exit codes, peer
# captures decoded with the keys their manifest names, and bad input.
#   tests/interop/cli.sh path/to/scep path/to/tests/vectors
set -u
SCEP=$1
CAPTURED=$2/peers/captured
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need openssl
KEYS=$CAPTURED/keys

test_usage() {
    expect_exit "no command is a usage error" 1 "$SCEP"
    expect_exit "an unknown command is a usage error" 1 "$SCEP" frobnicate
    for cmd in getcaps getca enroll decode; do
        expect_exit "$cmd --help" 0 "$SCEP" $cmd --help
        expect_text "$cmd --help documents the exit codes" \
            "5  the request was still PENDING"
    done
    expect_exit "enroll without --key" 1 "$SCEP" enroll \
        http://127.0.0.1:1/scep --csr x --out y
    expect_exit "enroll with a bad --poll-interval" 1 "$SCEP" enroll \
        http://127.0.0.1:1/scep --key x --csr x --out y --poll-interval abc
    expect_text "the bad number is named" "not \"abc\"" "$WORK/err"
    expect_exit "enroll with a bad --method" 1 "$SCEP" enroll \
        http://127.0.0.1:1/scep --key x --csr x --out y --method put
    expect_exit "decode --key without --cert" 1 "$SCEP" decode x --key y
    expect_exit "getcaps without URL" 1 "$SCEP" getcaps
}

test_captures() {
    expect_exit "decode sscep's PKCSReq with the CA key" 0 "$SCEP" decode \
        "$CAPTURED/sscep-pkcsreq.der" --key "$KEYS/micromdm-ca/ca-key-plain.pem" \
        --cert "$KEYS/micromdm-ca/ca.pem"
    expect_line "sscep: messageType" "messageType: PKCSReq"
    expect_line "sscep: transactionID" \
        "transactionID: 96669077770E4A1513929423C836B6A0"
    expect_line "sscep: digest" "digest: sha256"
    expect_text "sscep: CSR subject" "subject: /C=DE/O=sscep-test/CN=sscep-client"

    expect_exit "decode micromdm's SUCCESS with the client key" 0 \
        "$SCEP" decode "$CAPTURED/micromdm-server-certrep-success.der" \
        --key "$KEYS/micromdm-client/client.key" \
        --cert "$KEYS/micromdm-client/selfsigned-signer.pem"
    expect_line "micromdm: pkiStatus" "pkiStatus: SUCCESS"
    expect_line "micromdm: transactionID" \
        "transactionID: wNxmaaiBz9wRvB/FH3lw7N3n4qQ="
    expect_line "micromdm: single DES" "cipher: des-cbc"
    expect_text "micromdm: issued certificate first" \
        "certificate[0]: /C=US/O=scep-client/OU=MDM/CN=micromdm-client-1"

    expect_exit "decode micromdm's FAILURE" 0 "$SCEP" decode \
        "$CAPTURED/micromdm-server-certrep-failure.der"
    expect_line "FAILURE: failInfo" "failInfo: badRequest"

    expect_exit "decode a GET parameter as sscep sent it" 0 "$SCEP" decode \
        "$CAPTURED/sscep-pkcsreq-get.b64.txt"
    expect_line "GET parameter: messageType" "messageType: PKCSReq"

    expect_exit "decode micromdm's GetCACert answer" 0 "$SCEP" decode \
        "$CAPTURED/getcacert.der"
    expect_line "GetCACert: CertsOnly" "messageType: CertsOnly"
    expect_line "GetCACert: the CA" "ca: /C=US/O=scep-ca/OU=SCEP CA"
}

test_bad_input() {
    local msg=$CAPTURED/sscep-pkcsreq.der size

    expect_exit "a missing file exits 2" 2 "$SCEP" decode "$WORK/none"
    expect_text "the missing file is named" "cannot open" "$WORK/err"

    echo "<html>500 Internal Server Error</html>" >"$WORK/page.html"
    expect_exit "an HTML page exits 2" 2 "$SCEP" decode "$WORK/page.html"

    head -c 300 "$msg" >"$WORK/truncated.der"
    expect_exit "a truncated message exits 2" 2 "$SCEP" decode \
        "$WORK/truncated.der"
    expect_text "truncation is explained" "truncated" "$WORK/err"

    # Flip one byte inside the signature at the end of the message.
    size=$(stat -c %s "$msg")
    cp "$msg" "$WORK/tampered.der"
    printf '\x55' | dd of="$WORK/tampered.der" bs=1 seek=$((size - 20)) \
        conv=notrunc 2>/dev/null
    expect_exit "a tampered message exits 2" 2 "$SCEP" decode \
        "$WORK/tampered.der"
    expect_text "the signature failure is named" "signature" "$WORK/err"

    expect_exit "the wrong key exits 2" 2 "$SCEP" decode "$msg" \
        --key "$KEYS/libscep-client/key1.pem" \
        --cert "$KEYS/libscep-client/selfsigned-signer-1.pem"
    expect_text "the wrong key is explained" "no recipient matches" \
        "$WORK/err"
}

test_usage
test_captures
test_bad_input
finish
