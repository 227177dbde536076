#!/usr/bin/env python3
"""Builds the "peers" part of tests/vectors/manifest.json.

The captures in tests/vectors/peers/ come from other SCEP implementations
with their own manifest (in the capturing tool's vocabulary).  This script
translates those expectations into this project's terms (messageType
names, one-line names, hex nonces) so that every language's tests read one
manifest.  Values come from the captures' manifests and from the openssl
prints stored next to each capture, never from this library's output.

Run it after adding captures:  tests/vectors/import-peers.py
"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")

MESSAGE_TYPES = {"3": "CertRep", "17": "RenewalReq", "19": "PKCSReq",
                 "20": "GetCertInitial", "21": "GetCert", "22": "GetCRL"}
PKI_STATUS = {"0": "SUCCESS", "2": "FAILURE", "3": "PENDING"}
FAIL_INFO = {"0": "badAlg", "1": "badMessageCheck", "2": "badRequest",
             "3": "badTime", "4": "badCertId"}
LABELS = {"Common Name": "CN", "Organizational Unit": "OU",
          "Organization": "O", "Country": "C", "countryName": "C",
          "organizationName": "O", "organizationalUnitName": "OU",
          "commonName": "CN"}


def long_form_name(text):
    """'Common Name: x, Organization: y' (leaf first) -> '/O=y/CN=x'."""
    parts = [p.split(": ", 1) for p in text.split(", ")]
    return "".join("/%s=%s" % (LABELS[k], v) for k, v in reversed(parts))


def openssl_name(text):
    """'C = DE, O = x, CN = y' or 'C=DE, O=x' -> '/C=DE/O=x/CN=y'."""
    parts = [p.split("=", 1) for p in text.split(", ")]
    return "".join("/%s=%s" % (k.strip(), v.strip()) for k, v in parts)


def payload_print(path):
    txt = os.path.splitext(path)[0] + ".payload.txt"
    if not os.path.exists(txt):
        return None
    with open(txt) as f:
        return f.read()


def asn1_names(text):
    """The Names of an asn1parse print, one per depth-1 SEQUENCE."""
    names, current, label = [], None, None
    for line in text.splitlines():
        if re.search(r"d=1 .*cons:\s+SEQUENCE", line):
            current = []
            names.append(current)
        m = re.search(r"prim:\s+OBJECT\s+:(\w+)", line)
        if m:
            label = LABELS.get(m.group(1), m.group(1))
            continue
        m = re.search(r"prim:\s+\w+STRING\s+:(.*)$", line)
        if m and label and current is not None:
            current.append("/%s=%s" % (label, m.group(1).strip()))
            label = None
    return ["".join(n) for n in names]


def unwrap_expectations(message_type, status, print_text):
    expected = {}
    if print_text is None:
        return expected
    if message_type in ("PKCSReq", "RenewalReq"):
        m = re.search(r"^\s+Subject: (.*)$", print_text, re.M)
        expected["subject"] = openssl_name(m.group(1))
    elif message_type == "GetCertInitial":
        issuer, subject = asn1_names(print_text)
        expected["issuer"] = issuer
        expected["subject"] = subject
    elif message_type == "CertRep" and status == "SUCCESS":
        subjects = re.findall(r"^\s+subject: (.*)$", print_text, re.M)
        expected["certificates"] = [openssl_name(s) for s in subjects]
    return expected


def translate(entry, base):
    """One vector from one entry of a peers manifest, or None."""
    file = entry["file"]
    if not file.endswith(".der") or file == "getcacert.der":
        return None
    exp = entry.get("expected", {})
    parse = {}
    if "messageType" in exp:
        parse["message_type"] = MESSAGE_TYPES[exp["messageType"]]
    for key, name in (("transactionID", "transaction_id"),
                      ("senderNonce_len", "sender_nonce_len"),
                      ("recipientNonce_len", "recipient_nonce_len"),
                      ("senderNonce", "sender_nonce"),
                      ("recipientNonce", "recipient_nonce"),
                      ("digest", "digest")):
        if key in exp:
            parse[name] = exp[key]
    if "pkiStatus" in exp:
        parse["pki_status"] = PKI_STATUS[exp["pkiStatus"]]
    if "failInfo" in exp:
        parse["fail_info"] = FAIL_INFO[exp["failInfo"]]
    if "certificates" in exp:
        parse["signer_subject_one_of"] = [long_form_name(c)
                                          for c in exp["certificates"]]
    if "csr_subject" in exp:
        parse["csr_subject"] = exp["csr_subject"]

    vector = {"name": os.path.splitext(os.path.basename(file))[0],
              "source": entry.get("producer", ""),
              "description": entry.get("description", ""),
              "kind": "message",
              "file": os.path.join("peers", base, file),
              "parse": parse}

    decrypt = entry.get("decrypt_with")
    if decrypt:
        unwrap = {"cert": os.path.join("peers", base, decrypt["cert"]),
                  "key": os.path.join("peers", base, decrypt["key"])}
        if "key_password" in decrypt:
            unwrap["password"] = decrypt["key_password"]
        unwrap["expected"] = unwrap_expectations(
            parse.get("message_type"), parse.get("pki_status"),
            payload_print(os.path.join(PEERS, base, file)))
        if "csr_subject" in parse:
            unwrap["expected"]["subject"] = parse.pop("csr_subject")
        vector["unwrap"] = unwrap
    return vector


def transport_vectors():
    """GET parameters as clients sent them: each decodes to its .der."""
    vectors = []
    for name in sorted(os.listdir(os.path.join(PEERS, "captured"))):
        if name.endswith(".b64.txt"):
            der = name[:-len(".b64.txt")] + ".der"
            vectors.append({
                "name": name[:-len(".txt")],
                "kind": "encoding",
                "file": os.path.join("peers", "captured", name),
                "decodes_to": os.path.join("peers", "captured", der)})
    vectors.append({"name": "getcacert", "kind": "ca-certs",
                    "file": "peers/captured/getcacert.der",
                    "ca_subject": "/C=US/O=scep-ca/OU=SCEP CA"})
    vectors.append({"name": "getcacaps", "kind": "caps",
                    "file": "peers/captured/getcacaps.txt",
                    "capabilities": ["Renewal", "SHA-1", "SHA-256", "AES",
                                     "DES3", "SCEPStandard",
                                     "POSTPKIOperation"]})
    return vectors


def main():
    vectors = []
    for base in ("captured", "published"):
        with open(os.path.join(PEERS, base, "manifest.json")) as f:
            for entry in json.load(f):
                v = translate(entry, base)
                if v is not None:
                    vectors.append(v)
    vectors.extend(transport_vectors())

    path = os.path.join(HERE, "manifest.json")
    manifest = {"vectors": []}
    if os.path.exists(path):
        with open(path) as f:
            manifest = json.load(f)
    kept = [v for v in manifest["vectors"] if not v["file"].startswith(
        "peers/")]
    manifest["vectors"] = vectors + kept
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("%d peer vectors, %d others" % (len(vectors), len(kept)))


if __name__ == "__main__":
    main()
