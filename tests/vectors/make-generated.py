#!/usr/bin/env python3
"""Regenerates tests/vectors/generated/ and its manifest entries.

The messages are made by this library (tests/c/make_vectors); what they
must contain is worked out here with the openssl command, independently of
the library: transactionIDs by the rules of DESIGN.md, names as openssl
prints them in its compat (one-line) form.

    tests/vectors/make-generated.py [path/to/make_vectors]
"""
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CA = "peers/captured/keys/micromdm-ca/ca.pem"
CA_KEY = "peers/captured/keys/micromdm-ca/ca-key-plain.pem"
CLIENT_KEY = "peers/captured/keys/libscep-client/key1.pem"
CLIENT_CERT = "peers/captured/keys/libscep-client/selfsigned-signer-1.pem"
CSR = "peers/captured/keys/libscep-client/csr1.pem"
ISSUED = "peers/captured/keys/micromdm-ca/issued/libscep-client-1.11.pem"


def openssl(*args, data=None):
    return subprocess.run(("openssl",) + args, input=data, check=True,
                          capture_output=True, cwd=HERE).stdout


def subject(path, kind="x509"):
    line = openssl(kind, "-in", path, "-noout", "-subject", "-nameopt",
                   "compat").decode().strip()
    return line.split("=", 1)[1] if line.startswith("subject=") else line


def issuer(path):
    line = openssl("x509", "-in", path, "-noout", "-issuer", "-nameopt",
                   "compat").decode().strip()
    return line.split("=", 1)[1]


def tlv(der, offset):
    """(tag, header length, content length) of the element at offset."""
    tag, length = der[offset], der[offset + 1]
    if length < 0x80:
        return tag, 2, length
    count = length & 0x7f
    value = int.from_bytes(der[offset + 2:offset + 2 + count], "big")
    return tag, 2 + count, value


def certificate_fields(path):
    """DER serial INTEGER, issuer Name and subject Name of a certificate."""
    der = openssl("x509", "-in", path, "-outform", "DER")
    _, head, _ = tlv(der, 0)           # Certificate
    offset = head
    _, head, _ = tlv(der, offset)      # TBSCertificate
    offset += head
    fields = []
    while len(fields) < 6:
        tag, head, length = tlv(der, offset)
        fields.append((tag, der[offset:offset + head + length]))
        offset += head + length
    if fields[0][0] == 0xa0:           # explicit version
        fields = fields[1:]
    return {"serial": fields[0][1], "issuer": fields[2][1],
            "subject": fields[4][1]}


def key_transaction_id():
    spki = openssl("req", "-in", CSR, "-noout", "-pubkey")
    der = openssl("pkey", "-pubin", "-outform", "DER", data=spki)
    return hashlib.sha256(der).hexdigest().upper()


def serial_transaction_id(name_der, serial_der, message_type):
    data = name_der + serial_der + str(message_type).encode()
    return hashlib.sha256(data).hexdigest().upper()


def vector(name, **fields):
    entry = {"name": "generated-" + name, "kind": "message",
             "source": "this library (tests/c/make_vectors)",
             "file": "generated/%s.der" % name}
    entry.update(fields)
    return entry


def request_vectors(txid, csr_subject, client_subject, ca_subject):
    def ca_unwrap(expected):
        return {"cert": CA, "key": CA_KEY, "expected": expected}

    def parse(kind, digest="sha256", cipher="aes-128-cbc", id=txid):
        return {"message_type": kind, "transaction_id": id,
                "digest": digest, "cipher": cipher, "sender_nonce_len": 16,
                "signer_subject": client_subject}

    ca = certificate_fields(CA)
    issued = certificate_fields(ISSUED)
    getcert_id = serial_transaction_id(ca["subject"], b"\x02\x01\x0b", 21)
    getcrl_id = serial_transaction_id(issued["issuer"], issued["serial"], 22)
    return [
        vector("pkcsreq", parse=parse("PKCSReq"),
               unwrap=ca_unwrap({"subject": csr_subject})),
        vector("pkcsreq-sha1-des3",
               parse=parse("PKCSReq", "sha1", "des-ede3-cbc"),
               unwrap=ca_unwrap({"subject": csr_subject})),
        vector("pkcsreq-md5-des", parse=parse("PKCSReq", "md5", "des-cbc"),
               unwrap=ca_unwrap({"subject": csr_subject})),
        vector("pkcsreq-sha512-aes256",
               parse=parse("PKCSReq", "sha512", "aes-256-cbc"),
               unwrap=ca_unwrap({"subject": csr_subject})),
        vector("renewalreq", parse=parse("RenewalReq"),
               unwrap=ca_unwrap({"subject": csr_subject})),
        vector("getcertinitial", parse=parse("GetCertInitial"),
               unwrap=ca_unwrap({"subject": csr_subject,
                                 "issuer": ca_subject})),
        vector("getcert", parse=parse("GetCert", id=getcert_id),
               unwrap=ca_unwrap({"issuer": ca_subject, "serial": "11"})),
        vector("getcrl", parse=parse("GetCRL", id=getcrl_id),
               unwrap=ca_unwrap({"issuer": ca_subject, "serial": "11"})),
    ]


def reply_vectors(txid, ca_subject):
    def parse(status, **extra):
        fields = {"message_type": "CertRep", "pki_status": status,
                  "transaction_id": txid, "digest": "sha256",
                  "sender_nonce_len": 16, "recipient_nonce_len": 16,
                  "signer_subject": ca_subject}
        fields.update(extra)
        return fields

    client_unwrap = {"cert": CLIENT_CERT, "key": CLIENT_KEY}
    return [
        vector("certrep-pending", verify_cert=CA, parse=parse("PENDING")),
        vector("certrep-failure", verify_cert=CA,
               parse=parse("FAILURE", fail_info="badCertId")),
        vector("certrep-success", verify_cert=CA,
               parse=parse("SUCCESS", cipher="aes-128-cbc"),
               unwrap=dict(client_unwrap, expected={
                   "certificates": [subject(ISSUED), ca_subject]})),
        vector("certrep-crl", verify_cert=CA, parse=parse("SUCCESS"),
               unwrap=dict(client_unwrap,
                           expected={"crl_issuer": ca_subject})),
        {"name": "generated-nextca", "kind": "ca-certs",
         "file": "generated/nextca.der", "ca_subject": ca_subject,
         "count": 2},
        {"name": "generated-certs-only", "kind": "ca-certs",
         "file": "generated/certs-only.der", "ca_subject": ca_subject,
         "count": 2},
    ]


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "build", "tests", "c", "make_vectors")
    out = os.path.join(HERE, "generated")
    os.makedirs(out, exist_ok=True)
    subprocess.run([tool, out], check=True)

    txid = key_transaction_id()
    ca_subject = subject(CA)
    vectors = (request_vectors(txid, subject(CSR, "req"),
                               subject(CLIENT_CERT), ca_subject) +
               reply_vectors(txid, ca_subject))

    path = os.path.join(HERE, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    kept = [v for v in manifest["vectors"]
            if not v["file"].startswith("generated/")]
    manifest["vectors"] = kept + vectors
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("%d generated vectors" % len(vectors))


if __name__ == "__main__":
    main()
