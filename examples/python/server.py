#!/usr/bin/python3
"""SCEP server side: open a client's PKCSReq and answer it.

Usage: server.py VECTORS_DIR [REQUEST_FILE]
Issues the test CA's certificate for libscep-client-1 when the CSR's
subject matches it, otherwise answers PENDING."""
import os
import sys

import scep

ISSUED_FOR = "/C=DE/O=libscep-test/CN=libscep-client-1"


def read(vectors, name, mode="r"):
    with open(os.path.join(vectors, name), mode) as f:
        return f.read()


def main(vectors, request_file):
    keys = "peers/captured/keys/micromdm-ca/"
    ca_cert = read(vectors, keys + "ca.pem")
    ca_key = read(vectors, keys + "ca-key-plain.pem")
    with open(request_file, "rb") as f:
        request = f.read()

    handle = scep.Handle()
    msg = handle.unwrap(request, None, ca_cert, ca_key)
    print("%s %s from %s" % (msg.message_type(), msg.transaction_id(),
                             msg.subject()))

    if msg.message_type() == "PKCSReq" and msg.subject() == ISSUED_FOR:
        issued = read(vectors, keys + "issued/libscep-client-1.11.pem")
        reply = handle.create_certificate_reply(ca_key, ca_cert, request,
                                                issued)
    else:
        reply = handle.create_pending_reply(ca_key, ca_cert, request)
    answer = handle.parse(reply, ca_cert)
    print("answer", answer.pki_status())
    print(reply, end="")
    return 0


if __name__ == "__main__":
    vectors = sys.argv[1]
    request_file = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        vectors, "generated/pkcsreq.der")
    try:
        sys.exit(main(vectors, request_file))
    except scep.Error as error:
        print("scep: %s (%s)" % (error, error.status_name), file=sys.stderr)
        sys.exit(1)
