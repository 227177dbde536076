#!/usr/bin/python3
"""SCEP client side: build a PKCSReq for a CSR, then read the CA's CertRep.

Usage: client.py VECTORS_DIR   (the test keys and a CertRep live there)"""
import os
import sys

import scep


def read(vectors, name, mode="r"):
    with open(os.path.join(vectors, name), mode) as f:
        return f.read()


def main(vectors):
    keys = "peers/captured/keys/"
    key = read(vectors, keys + "libscep-client/key1.pem")
    signer = read(vectors, keys + "libscep-client/selfsigned-signer-1.pem")
    csr = read(vectors, keys + "libscep-client/csr1.pem")
    ca_cert = read(vectors, keys + "micromdm-ca/ca.pem")

    handle = scep.Handle()
    handle.set_sigalg("sha256")
    handle.set_encalg("aes256")

    # The request, ready to POST to the server's pkiclient.exe.
    request = handle.pkcsreq(key, signer, ca_cert, csr)
    sent = handle.parse(request)
    print("PKCSReq", sent.transaction_id())

    # The server's answer: verify it came from the CA, open it with our key.
    answer = read(vectors, "generated/certrep-success.der", "rb")
    reply = handle.unwrap(answer, ca_cert, signer, key)
    print("CertRep", reply.pki_status(), reply.transaction_id())
    if reply.pki_status() == "SUCCESS":
        print(reply.cert(), end="")
    elif reply.pki_status() == "FAILURE":
        print("refused:", reply.fail_info())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1]))
    except scep.Error as error:
        print("scep: %s (%s)" % (error, error.status_name), file=sys.stderr)
        sys.exit(1)
