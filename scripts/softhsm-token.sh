#!/bin/sh
# Creates a throwaway SoftHSM2 token holding two RSA keys with their
# certificates, for the PKCS#11 tests and for trying the library by hand.
#
#   scripts/softhsm-token.sh DIR [TOKEN_LABEL [PIN]]
#
# DIR must not exist yet, or be empty.  Everything lives inside it: the
# SoftHSM2 configuration (softhsm2.conf), its token directory (tokens/)
# and PEM copies of what was imported.  Nothing outside DIR is touched;
# remove DIR to get rid of the token.
#
# On the token (default label libscep-test, user PIN 1234, SO PIN 12345678):
#   id 01, label "ca":     the CA key and certificate of the captured
#                          micromdm vectors (DIR/ca.pem, DIR/ca-key.pem)
#   id 02, label "client": a fresh RSA-2048 key with a self-signed
#                          certificate and a CSR (DIR/client.pem,
#                          DIR/client.csr, DIR/client-key.pem)
#
# DIR/token.env holds shell assignments for the other tools:
#   SOFTHSM2_CONF, SCEP_PKCS11_MODULE, SCEP_PKCS11_TOKEN, SCEP_PKCS11_PIN.
# The module is found in Debian's places, or taken from SCEP_PKCS11_MODULE.
set -eu

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 DIR [TOKEN_LABEL [PIN]]" >&2
    exit 2
fi

dir=$1
label=${2:-libscep-test}
pin=${3:-1234}
so_pin=12345678
here=$(cd "$(dirname "$0")" && pwd)
vectors=$here/../tests/vectors/peers/captured/keys

find_module() {
    for candidate in "${SCEP_PKCS11_MODULE:-}" \
                     /usr/lib/softhsm/libsofthsm2.so \
                     /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
                     /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so \
                     /usr/local/lib/softhsm/libsofthsm2.so; do
        if [ -n "$candidate" ] && [ -f "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "softhsm-token: libsofthsm2.so not found (install softhsm2," \
         "or set SCEP_PKCS11_MODULE)" >&2
    return 1
}

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "softhsm-token: $1 not found (install $2)" >&2
    exit 1
}

need softhsm2-util softhsm2
need pkcs11-tool opensc
need openssl openssl
module=$(find_module)

mkdir -p "$dir"
if [ -n "$(ls -A "$dir")" ]; then
    echo "softhsm-token: $dir is not empty" >&2
    exit 1
fi
dir=$(cd "$dir" && pwd)
mkdir "$dir/tokens"

cat > "$dir/softhsm2.conf" <<EOF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
SOFTHSM2_CONF=$dir/softhsm2.conf
export SOFTHSM2_CONF

softhsm2-util --init-token --free --label "$label" \
    --so-pin "$so_pin" --pin "$pin" >/dev/null

# The CA pair of the captured vectors, so that messages made with the
# token key can be checked against the vectors' own certificate.
cp "$vectors/micromdm-ca/ca.pem" "$dir/ca.pem"
cp "$vectors/micromdm-ca/ca-key-plain.pem" "$dir/ca-key.pem"

# A fresh client pair, valid long enough never to expire under a test.
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
    -subj "/C=DE/O=libscep-test/CN=token-client" \
    -keyout "$dir/client-key.pem" -out "$dir/client.pem" 2>/dev/null
openssl req -new -key "$dir/client-key.pem" \
    -subj "/C=DE/O=libscep-test/CN=token-client" \
    -out "$dir/client.csr" 2>/dev/null

import() {
    id=$1
    object=$2
    openssl pkey -in "$dir/$object-key.pem" -outform DER \
        -out "$dir/$object-key.der"
    openssl x509 -in "$dir/$object.pem" -outform DER -out "$dir/$object.der"
    pkcs11-tool --module "$module" --token-label "$label" --login \
        --pin "$pin" --write-object "$dir/$object-key.der" --type privkey \
        --usage-sign --usage-decrypt --id "$id" --label "$object" \
        >/dev/null 2>&1
    pkcs11-tool --module "$module" --token-label "$label" --login \
        --pin "$pin" --write-object "$dir/$object.der" --type cert \
        --id "$id" --label "$object" >/dev/null 2>&1
    rm -f "$dir/$object-key.der" "$dir/$object.der"
}

import 01 ca
import 02 client

cat > "$dir/token.env" <<EOF
SOFTHSM2_CONF='$SOFTHSM2_CONF'
SCEP_PKCS11_MODULE='$module'
SCEP_PKCS11_TOKEN='$label'
SCEP_PKCS11_PIN='$pin'
EOF

echo "softhsm-token: token '$label' ready in $dir"
echo "softhsm-token: export SOFTHSM2_CONF=$SOFTHSM2_CONF"
