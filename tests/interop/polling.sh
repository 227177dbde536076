#!/bin/bash
# scep enroll against pending_server: polling with GetCertInitial while
# PENDING, giving up at --max-wait, and rejecting replies that carry
# another recipientNonce or transactionID.  Runs in a loopback-only
# namespace:
#   tests/interop/netns.sh tests/interop/polling.sh path/to/scep \
#       path/to/pending_server
set -u
SCEP=$1
SERVER=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need openssl curl
cd "$WORK"
PORT=18090
URL="http://127.0.0.1:$PORT/scep"

stop_server() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null
    server_pid=
}
cleanup_hooks="stop_server"

make_pki() {
    mkdir pki
    openssl req -x509 -newkey rsa:2048 -nodes -keyout pki/ca.key \
        -out pki/ca.pem -subj "/C=DE/O=libscep interop/CN=Polling CA" \
        -days 30 2>/dev/null
    openssl x509 -in pki/ca.pem -outform DER -out pki/ca.der
    openssl req -new -newkey rsa:2048 -nodes -keyout client.key \
        -out client.csr -subj "/C=DE/O=libscep interop/CN=poller" \
        2>/dev/null
    openssl x509 -req -in client.csr -CA pki/ca.pem -CAkey pki/ca.key \
        -set_serial 9 -days 30 -out pki/issued.pem 2>/dev/null
}

# start MODE COUNT
start() {
    stop_server
    "$SERVER" "$PORT" pki "$1" "$2" 2>"server-$1.log" &
    server_pid=$!
    for _ in $(seq 50); do
        curl -sf "$URL?operation=GetCACaps" >/dev/null && return 0
        sleep 0.1
    done
    echo "FATAL: pending_server did not start"
    exit 1
}

enroll() {
    "$SCEP" enroll "$URL" --key client.key --csr client.csr \
        --out client.pem --poll-interval 1 "$@"
}

test_pending_then_success() {
    start pending 2
    expect_exit "PENDING twice, then SUCCESS" 0 enroll --max-wait 30 \
        --verbose
    expect_same "polled twice with GetCertInitial" 2 \
        "$(grep -c "pending_server: GetCertInitial" server-pending.log)"
    expect_same "the issued certificate is written" \
        "$(openssl x509 -in client.pem -noout -fingerprint -sha256)" \
        "$(openssl x509 -in pki/issued.pem -noout -fingerprint -sha256)"
}

test_pending_forever() {
    start pending 1000
    SECONDS=0
    expect_exit "still PENDING at --max-wait exits 5" 5 enroll \
        --max-wait 2
    expect_text "the give-up is explained" "still PENDING" "$WORK/err"
    [ "$SECONDS" -le 10 ] && pass "gave up in time" ||
        fail "gave up after $SECONDS s"
    expect_exit "--max-wait 0 does not poll" 5 enroll --max-wait 0
}

test_wrong_replies() {
    start badnonce 0
    expect_exit "a foreign recipientNonce exits 2" 2 enroll --max-wait 3
    expect_text "the nonce mismatch is named" "recipientNonce" "$WORK/err"
    start badtid 0
    expect_exit "a foreign transactionID exits 2" 2 enroll --max-wait 3
    expect_text "the transaction mismatch is named" "transactionID" \
        "$WORK/err"
}

make_pki
test_pending_then_success
test_pending_forever
test_wrong_replies
finish
