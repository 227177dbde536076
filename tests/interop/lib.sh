# Shared by the interoperability scripts: checks that count, a summary
# line ctest and people can read, and loud failure when a tool is missing.

passed=0
failed=0

# A private scratch folder, removed on exit.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scep-interop.XXXXXX")
cleanup_hooks=""
on_exit() {
    for hook in $cleanup_hooks; do
        "$hook"
    done
    rm -rf "$WORK"
}
trap on_exit EXIT

need() {
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "FATAL: $tool is missing (run scripts/install-deps.sh)" >&2
            exit 1
        fi
    done
}

pass() {
    passed=$((passed + 1))
    echo "ok - $1"
}

fail() {
    failed=$((failed + 1))
    echo "not ok - $1"
    for file in "$WORK/out" "$WORK/err"; do
        [ -s "$file" ] && sed 's/^/    | /' "$file" | head -20
    done
}

# expect_exit NAME CODE COMMAND...: runs COMMAND, keeps its output in
# $WORK/out and $WORK/err, and checks its exit code.
expect_exit() {
    local name=$1 want=$2 rc
    shift 2
    "$@" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    if [ "$rc" -eq "$want" ]; then
        pass "$name"
    else
        fail "$name (exit $rc, expected $want)"
    fi
}

# expect_line NAME LINE [FILE]: FILE (the last output) has exactly LINE.
expect_line() {
    if grep -qxF -- "$2" "${3:-$WORK/out}"; then
        pass "$1"
    else
        fail "$1 (no line \"$2\")"
    fi
}

# expect_text NAME TEXT [FILE]: FILE (the last output) contains TEXT.
expect_text() {
    if grep -qF -- "$2" "${3:-$WORK/out}"; then
        pass "$1"
    else
        fail "$1 (no \"$2\")"
    fi
}

# expect_same NAME A B: two strings are equal and not empty.
expect_same() {
    if [ -n "$2" ] && [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1 (\"$2\" is not \"$3\")"
    fi
}

# The value of "name: value" in the last output.
field() {
    sed -n "s/^$1: //p" "${2:-$WORK/out}" | head -1
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
