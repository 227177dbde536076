#!/bin/sh
# Runs the benchmark in C, Python, Perl and (when Go is installed) on
# micromdm's Go SCEP library, on the same keys, and prints one table.
#
# usage: bench/run-all.sh [--keys 2048,3072] [--seconds S] [--rounds R]
# Needs a Release build in build-bench (or BUILD=folder):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench -j"$(nproc)"
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../build-bench}
keys=2048,3072
seconds=2
rounds=5
while [ $# -gt 0 ]; do
    case $1 in
    --keys) keys=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: run-all.sh [--keys LIST] [--seconds S] [--rounds R]" >&2
       exit 2 ;;
    esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timing="--seconds $seconds --rounds $rounds"

"$build/bench/scep_bench" --keys "$keys" --save-material "$work/material" \
    --material-only
echo "run-all: C" >&2
"$build/bench/scep_bench" --keys "$keys" --load-material "$work/material" \
    --csv $timing >"$work/c.csv"
echo "run-all: Python" >&2
/usr/bin/python3 "$here/bench.py" --build "$build" --keys "$keys" \
    --material "$work/material" --c-results "$work/c.csv" --csv $timing \
    >"$work/python.csv"
echo "run-all: Perl" >&2
perl "$here/bench.pl" --build "$build" --keys "$keys" \
    --material "$work/material" --c-results "$work/c.csv" --csv $timing \
    >"$work/perl.csv"
if command -v go >/dev/null 2>&1; then
    echo "run-all: Go (micromdm/scep)" >&2
    "$here/go/build.sh" "$work/scepbench" >&2
    "$work/scepbench" -material "$work/material" -keys "$keys" -csv \
        -seconds "$seconds" -rounds "$rounds" >"$work/go.csv"
else
    echo "run-all: Go is not installed: no micromdm/scep column" >&2
    : >"$work/go.csv"
fi

/usr/bin/python3 - "$work" <<'PY'
import csv, os, sys

work = sys.argv[1]
def rows(name):
    with open(os.path.join(work, name)) as f:
        return {(int(r[0]), r[1]): r for r in csv.reader(f) if r}

c, py, pl, go = (rows(n) for n in ("c.csv", "python.csv", "perl.csv",
                                   "go.csv"))
labels = {"pkcsreq": "PKCSReq creation", "ca_unwrap": "CA unwrap of PKCSReq",
          "certrep": "CertRep SUCCESS creation",
          "client_unwrap": "client unwrap of CertRep",
          "parse": "parse (verify only)", "certs_only": "certs-only reading"}

print("| RSA | operation | C ops/s | C us/op | vs RSA floor "
      "| vs RSA+decode floor | Python ops/s (vs C) | Perl ops/s (vs C) "
      "| Go micromdm ops/s (vs C) |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
for key in c:
    bits, op = key
    r = c[key]
    c_ops = float(r[2])
    def other(table):
        if key not in table:
            return "-"
        ops = float(table[key][2])
        return "%.0f (%.2f)" % (ops, ops / c_ops)
    print("| %d | %s | %.0f | %.0f | %s | %s | %s | %s | %s |" % (
        bits, labels[op], c_ops, float(r[3]), r[5], r[7], other(py),
        other(pl), other(go)))
PY
