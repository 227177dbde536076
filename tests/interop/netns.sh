#!/bin/sh
# Runs a command in a new network namespace whose only interface is
# loopback, so that servers without a bind-address option are reachable on
# 127.0.0.1 and from nowhere else.  As root a plain namespace; otherwise a
# user namespace maps the caller to root inside it.
set -eu

if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
    echo "FATAL: unshare (util-linux) and ip (iproute2) are needed" >&2
    exit 1
fi

inside='
    ip link set lo up || exit 1
    if [ "$(ip -o link show | wc -l)" -ne 1 ]; then
        echo "FATAL: the namespace has more than loopback" >&2
        exit 1
    fi
    exec "$@"'

if [ "$(id -u)" -eq 0 ]; then
    exec unshare --net sh -c "$inside" netns "$@"
fi
exec unshare --net --map-root-user sh -c "$inside" netns "$@"
