#!/bin/sh
# Builds scepbench, the same benchmark on micromdm's Go SCEP library, from
# Debian's packaged sources (golang-go, golang-github-micromdm-scep-dev):
# a module whose vendor folder is copied from /usr/share/gocode, built with
# -mod=vendor and GOPROXY=off, so nothing is downloaded.
#
# usage: bench/go/build.sh [OUTPUT]   (default: build-bench/bench/scepbench)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../build-bench/bench/scepbench}
gocode=/usr/share/gocode/src

if ! command -v go >/dev/null 2>&1; then
    echo "build.sh: Go is not installed (Debian package golang-go)" >&2
    exit 1
fi
if [ ! -d $gocode/github.com/micromdm/scep/scep ]; then
    echo "build.sh: micromdm's SCEP library is not installed" \
         "(Debian package golang-github-micromdm-scep-dev)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
cp "$here/main.go" "$work/"

# module path, a version for its major, packaged folder, packages used.
modules="
github.com/micromdm/scep/v2 v2.0.0-debian github.com/micromdm/scep scep cryptoutil cryptoutil/x509util
go.mozilla.org/pkcs7 v0.0.0-debian go.mozilla.org/pkcs7 .
github.com/go-kit/kit v0.0.0-debian github.com/go-kit/kit log log/level
github.com/go-logfmt/logfmt v0.0.0-debian github.com/go-logfmt/logfmt .
github.com/go-stack/stack v0.0.0-debian github.com/go-stack/stack .
github.com/pkg/errors v0.0.0-debian github.com/pkg/errors .
"

printf 'module scepbench\n\ngo 1.19\n\nrequire (\n' >"$work/go.mod"
: >"$work/modules.txt"
echo "$modules" | while read -r module version folder packages; do
    [ -n "$module" ] || continue
    printf '\t%s %s\n' "$module" "$version" >>"$work/go.mod"
    printf '# %s %s\n## explicit\n' "$module" "$version" \
        >>"$work/modules.txt"
    mkdir -p "$work/vendor/$module"
    for package in $packages; do
        mkdir -p "$work/vendor/$module/$package"
        find "$gocode/$folder/$package" -maxdepth 1 -name '*.go' \
            ! -name '*_test.go' -exec cp {} "$work/vendor/$module/$package/" \;
        if [ "$package" = . ]; then
            echo "$module" >>"$work/modules.txt"
        else
            echo "$module/$package" >>"$work/modules.txt"
        fi
    done
done
printf ')\n' >>"$work/go.mod"
mv "$work/modules.txt" "$work/vendor/modules.txt"

cd "$work"
GOPROXY=off GOFLAGS=-mod=vendor GOCACHE="$work/cache" GOPATH="$work/gopath" \
    go build -o "$out" .
echo "build.sh: built $out"
