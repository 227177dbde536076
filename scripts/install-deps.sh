#!/bin/sh
# Installs every Debian 12 package that building libscep, its bindings and
# its tests needs.  Safe to run again; does nothing when all are present.
set -eu

packages="
  build-essential cmake pkg-config
  libssl-dev openssl libcurl4-openssl-dev
  swig python3-dev python3-pytest
  perl perl-doc libtest-simple-perl libjson-pp-perl
  ruby-dev ruby-minitest
  tcl-dev tcllib
  libp11-dev libengine-pkcs11-openssl softhsm2 opensc
  scep
  clang libclang-rt-14-dev valgrind
  util-linux iproute2 time
  golang-go golang-github-micromdm-scep-dev
  libjson-c-dev
"

missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
        grep -q "install ok installed" || missing="$missing $package"
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

echo "install-deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
