"""Drops a handle and a message 100,000 times and checks that the
process's resident memory stays flat between 10,000 and 100,000 rounds.

Usage: memory_check.py [VECTORS_DIR]"""
import os
import sys

import scep

ROUNDS = 100_000
WARMUP = 10_000
TOLERANCE_KB = 1024


def rss_kb():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def one_round(data):
    handle = scep.Handle()
    msg = handle.parse(data)
    msg.transaction_id()
    msg.sender_nonce()
    msg.signer_cert()
    try:
        msg.fail_info()
    except scep.StateError:
        pass


def main():
    vectors = sys.argv[1] if len(sys.argv) > 1 else os.environ["SCEP_VECTORS"]
    with open(os.path.join(vectors, "generated/pkcsreq.der"), "rb") as f:
        data = f.read()

    for _ in range(WARMUP):
        one_round(data)
    after_warmup = rss_kb()
    for _ in range(ROUNDS - WARMUP):
        one_round(data)
    after_all = rss_kb()

    growth = after_all - after_warmup
    print("python: RSS after %d rounds %d kB, after %d rounds %d kB, "
          "growth %d kB" % (WARMUP, after_warmup, ROUNDS, after_all, growth))
    if growth > TOLERANCE_KB:
        print("python: memory grows by more than %d kB" % TOLERANCE_KB)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
