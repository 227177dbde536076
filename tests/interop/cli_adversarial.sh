#!/bin/bash
# The scep tool given files that never end or are far too large: it must
# stop reading at its limit and say so, not grow until memory runs out.
#   tests/interop/cli_adversarial.sh path/to/scep path/to/tests/vectors
set -u
SCEP=$1
VECTORS=$2
KEYS=$VECTORS/peers/captured/keys
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need timeout head

# 1 GiB of address space is far more than the limit needs; without the
# limit the tool dies of it (or of the timeout) instead of explaining.
# AddressSanitizer reserves terabytes of address space up front, so a
# sanitized build gets only the timeout.
if ldd "$SCEP" | grep -q libasan; then
    address_space=unlimited
else
    address_space=1048576
fi
bounded() {
    (ulimit -v "$address_space" && timeout 30 "$@")
}

test_endless_files() {
    expect_exit "an endless message exits 2" 2 bounded "$SCEP" decode \
        /dev/zero
    expect_text "the endless message is named" \
        "cannot read /dev/zero: larger than 4 MiB" "$WORK/err"

    expect_exit "an endless key exits 2" 2 bounded "$SCEP" decode \
        "$VECTORS/generated/pkcsreq-md5-des.der" --key /dev/urandom \
        --cert "$KEYS/micromdm-ca/ca.pem"
    expect_text "the endless key is named" \
        "cannot read /dev/urandom: larger than 4 MiB" "$WORK/err"

    expect_exit "an endless CSR exits 2" 2 bounded "$SCEP" enroll \
        http://127.0.0.1:1/scep --key "$KEYS/libscep-client/key1.pem" \
        --csr /dev/zero --out "$WORK/cert.pem"
    expect_text "the endless CSR is named" "cannot read /dev/zero" \
        "$WORK/err"
}

test_large_file() {
    head -c $((4 * 1024 * 1024 + 1)) /dev/zero >"$WORK/large"
    expect_exit "a file one byte over the limit exits 2" 2 "$SCEP" decode \
        "$WORK/large"
    expect_text "the large file is named" "larger than 4 MiB" "$WORK/err"

    head -c $((3 * 1024 * 1024)) /dev/zero >"$WORK/below"
    expect_exit "a file below the limit reaches the library" 2 "$SCEP" \
        decode "$WORK/below"
    expect_text "the library's own limit is reported" "the limit of" \
        "$WORK/err"
}

test_endless_files
test_large_file
finish
