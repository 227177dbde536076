#!/bin/sh
# The main job, end to end: installs what is missing, builds libscep and
# the scep tool into build/, starts micromdm's SCEP server with a fresh CA
# and enrolls a fresh key against it.  The server and the client share a
# network namespace that has only loopback, so nothing leaves the machine.
set -eu
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inside" ]; then
    ./scripts/install-deps.sh
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j"$(nproc)" >/dev/null
    echo "demo: built build/src/cli/scep"
    exec tests/interop/netns.sh "$0" --inside
fi

# From here on: inside the namespace.
SCEP=$(pwd)/build/src/cli/scep
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scep-demo.XXXXXX")
URL=http://127.0.0.1:8080/scep
cd "$WORK"

stop() {
    if [ -n "${server:-}" ]; then
        kill "$server" 2>/dev/null
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop EXIT

scepserver ca -init -depot depot -keySize 2048 \
    -organization "libscep demo" >/dev/null
scepserver -depot depot -port 8080 -challenge demo-secret >server.log 2>&1 &
server=$!
for _ in $(seq 50); do
    "$SCEP" getcaps "$URL" >/dev/null 2>&1 && break
    sleep 0.1
done
echo "demo: scepserver (micromdm) listens on $URL"

cat >req.cnf <<'CNF'
[req]
distinguished_name = dn
attributes = attrs
prompt = no
[dn]
C = DE
O = libscep demo
CN = demo-device
[attrs]
challengePassword = demo-secret
CNF
openssl req -new -newkey rsa:2048 -nodes -keyout device.key \
    -out device.csr -config req.cnf 2>/dev/null

echo
echo "\$ scep enroll $URL --key device.key --csr device.csr --out device.pem"
"$SCEP" enroll "$URL" --key device.key --csr device.csr --out device.pem \
    --save-reply certrep.der --save-signer signer.pem
"$SCEP" getca "$URL" --out ca.pem >/dev/null

echo
echo "Issued certificate:"
openssl x509 -in device.pem -noout -subject -issuer -serial
openssl verify -CAfile ca.pem device.pem

echo
echo "\$ scep decode certrep.der --key device.key --cert signer.pem --ca ca.pem"
"$SCEP" decode certrep.der --key device.key --cert signer.pem --ca ca.pem
