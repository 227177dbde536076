#!/usr/bin/python3
"""Writes the hostile vectors: malformed, truncated and tampered input made
from real peer messages, each with the error it must produce.

Run from anywhere: /usr/bin/python3 tests/vectors/make-hostile.py

Files go to hostile/ (the folder is emptied first).  In manifest.json only
the entries whose "file" starts with "hostile/" are replaced; every other
entry is kept as it is, in its place.  The re-signed variants are made by
make-hostile.c (built here with cc and libcrypto): their signatures are
valid, so the library must find the problem itself, not in the signature.
Envelopes are encrypted with a fresh key each run, so a run changes those
files' bytes but never what they test.
"""

import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hostile")
CAPTURED = os.path.join(HERE, "peers", "captured")
KEYS = os.path.join(CAPTURED, "keys")

CA_CERT = "peers/captured/keys/micromdm-ca/ca.pem"
CA_KEY = "peers/captured/keys/micromdm-ca/ca-key-plain.pem"
CLIENT_CERT = os.path.join(KEYS, "micromdm-client", "selfsigned-signer.pem")
CLIENT_KEY = os.path.join(KEYS, "micromdm-client", "client.key")

MAX_MESSAGE_SIZE = 1024 * 1024     # SCEP_MAX_MESSAGE_SIZE in scep.h
MAX_NESTING_DEPTH = 32             # SCEP_MAX_NESTING_DEPTH

OID_MESSAGE_TYPE = "2.16.840.1.113733.1.9.2"
OID_PKI_STATUS = "2.16.840.1.113733.1.9.3"
OID_FAIL_INFO = "2.16.840.1.113733.1.9.4"
OID_SENDER_NONCE = "2.16.840.1.113733.1.9.5"
OID_RECIPIENT_NONCE = "2.16.840.1.113733.1.9.6"
OID_TRANSACTION_ID = "2.16.840.1.113733.1.9.7"
OID_FAIL_INFO_TEXT = "1.3.6.1.5.5.7.24.1"

NOT_BER = "not valid BER"
NOT_SCEP = "neither DER nor PEM nor base64"

vectors = []


def read(path):
    with open(os.path.join(HERE, path), "rb") as f:
        return f.read()


def add(name, data, operation, status, message, description, unwrap=False,
        same_as=None):
    """Writes hostile/<name>.der (or reuses the file of vector same_as)
    and records what it must fail with."""
    filename = "hostile/%s.der" % (same_as or name)
    if same_as is None:
        with open(os.path.join(HERE, filename), "wb") as f:
            f.write(data)
    entry = {
        "name": "hostile-" + name,
        "description": description,
        "kind": "message",
        "file": filename,
        "error": {"operation": operation, "status": status,
                  "message": message},
    }
    if unwrap:
        entry["unwrap"] = {"cert": CA_CERT, "key": CA_KEY}
    vectors.append(entry)


# ---- A small DER walker: where each element and its length field are ----

class Element:
    def __init__(self, start, length_at, header, length, tag, depth):
        self.start = start          # offset of the tag
        self.length_at = length_at  # offset of the first length byte
        self.header = header        # tag and length bytes
        self.length = length        # content bytes
        self.tag = tag
        self.depth = depth

    @property
    def end(self):
        return self.start + self.header + self.length


def walk(data, start=0, end=None, depth=0, out=None):
    """Every element the library's BER check visits, in order: it goes
    into constructed elements and treats primitive ones as opaque."""
    out = [] if out is None else out
    end = len(data) if end is None else end
    offset = start
    while offset < end:
        tag_at = offset
        tag = data[offset]
        offset += 1
        if tag & 0x1f == 0x1f:
            while data[offset] & 0x80:
                offset += 1
            offset += 1
        length_at = offset
        length = data[offset]
        offset += 1
        if length & 0x80:
            count = length & 0x7f
            length = int.from_bytes(data[offset:offset + count], "big")
            offset += count
        element = Element(tag_at, length_at, offset - tag_at, length, tag,
                          depth)
        out.append(element)
        if tag & 0x20:
            walk(data, offset, offset + length, depth + 1, out)
        offset += length
    return out


def encode_length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, content):
    return bytes([tag]) + encode_length(len(content)) + content


def bump_length(data, element):
    """The message with the element's length one larger."""
    old = data[element.length_at:element.start + element.header]
    new = encode_length(element.length + 1)
    if len(new) < len(old):     # keep a long form long
        new = bytes([0x80 | (len(old) - 1)]) + \
            (element.length + 1).to_bytes(len(old) - 1, "big")
    return data[:element.length_at] + new + data[element.start +
                                                  element.header:]


def regions(data):
    """Offsets of the parts of a pkiMessage: the SignedData header, the
    signed content, the certificates, the signed attributes and the
    signature."""
    elements = walk(data)
    content = next(e for e in elements if e.tag == 0x04 and e.depth == 5)
    certs = next(e for e in elements if e.tag == 0xa0 and e.depth == 3)
    signer_infos = [e for e in elements if e.tag == 0x31 and e.depth == 3][-1]
    attributes = next(e for e in elements
                      if e.tag == 0xa0 and e.depth == 5 and
                      e.start > signer_infos.start)
    signature = [e for e in elements if e.tag == 0x04 and e.depth == 5 and
                 e.start > attributes.start][-1]
    return {"header": elements[0], "content": content, "certificates": certs,
            "attributes": attributes, "signature": signature}


def signed_content(data):
    return data[regions(data)["content"].start +
                regions(data)["content"].header:
                regions(data)["content"].end]


# ---- Structure: truncation, lengths, sizes, nesting, noise --------------

def truncations():
    name = "peers/captured/sscep-pkcsreq.der"
    data = read(name)
    cuts = {1, 2, 3, 4, 10, 19}
    for region, e in regions(data).items():
        cuts.update({e.start, e.start + 1, e.start + e.header,
                     e.start + e.header + e.length // 2, e.end - 1})
    for cut in sorted(c for c in cuts if 0 < c < len(data)):
        add("truncated-%04d" % cut, data[:cut], "parse", "SCEP_ERR_FORMAT",
            NOT_BER, "%s cut after %d of %d bytes" % (name, cut, len(data)))
    add("empty", b"", "parse", "SCEP_ERR_FORMAT", "empty", "no bytes at all")

    text = read("peers/captured/micromdm-client-pkcsreq-get-urlsafe.b64.txt")
    add("truncated-base64", text[:len(text) // 2 // 4 * 4], "parse",
        "SCEP_ERR_FORMAT", NOT_BER, "a GET message's base64 cut in half")
    add("truncated-base64-odd", text[:len(text) // 2 // 4 * 4 + 1], "parse",
        "SCEP_ERR_FORMAT", NOT_SCEP,
        "base64 cut one character into a group")
    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(data)
    add("truncated-pem", pem[:len(pem) // 2], "parse", "SCEP_ERR_FORMAT",
        "no matching -----END", "a PEM message without its END line")

    getcacert = read("peers/captured/getcacert.der")
    for cut in (2, len(getcacert) // 2, len(getcacert) - 1):
        add("ca-certs-truncated-%04d" % cut, getcacert[:cut], "ca-certs",
            "SCEP_ERR_FORMAT", NOT_BER, "a GetCACert answer cut short")


def length_bumps():
    name = "peers/captured/sscep-pkcsreq.der"
    data = read(name)
    elements = walk(data)
    for i, e in enumerate(elements):
        # The last element of a definite-length parent then runs past its
        # end, which the BER check sees.  Any other one swallows the first
        # byte of the next, which may still be well-formed BER: then
        # OpenSSL finds no PKCS#7 in it.  Either is a format error.
        parents = [p.end for p in elements[:i] if p.start < e.start < p.end]
        last = not parents or min(parents) == e.end
        add("length-%03d-at-%04d" % (i, e.length_at), bump_length(data, e),
            "parse", "SCEP_ERR_FORMAT",
            NOT_BER if last else "the message is not",
            "%s with the length of the element at byte %d one larger"
            % (name, e.start))

    # Inside the signed content the BER check does not look (it is an
    # OCTET STRING); the signature covers it, so a bump there must fail
    # verification.
    content = regions(data)["content"]
    inner_start = content.start + content.header
    inner = walk(data, inner_start, content.end, 0)
    for e in [e for e in inner if e.depth <= 2][:8]:
        add("content-length-at-%04d" % e.length_at, bump_length(data, e),
            "parse", "SCEP_ERR_VERIFY", "signature does not verify",
            "a length inside the signed envelope one larger")

    huge = bytearray(data)
    huge[1:4] = b"\x84\x7f\xff"
    huge.insert(4, 0xff)
    add("length-huge", bytes(huge), "parse", "SCEP_ERR_FORMAT",
        "runs past the end", "the outer length claims 2 GiB")
    malformed = b"\x30\x89" + b"\x01" * 9 + data[4:]
    add("length-nine-bytes", malformed, "parse", "SCEP_ERR_FORMAT",
        "length field is malformed", "a length of nine bytes")


def limits():
    size = MAX_MESSAGE_SIZE + 1 - 6
    big = b"\x30\x84" + size.to_bytes(4, "big") + bytes(size)
    add("oversized", big, "parse", "SCEP_ERR_LIMIT", "more than the limit",
        "a SEQUENCE of one byte more than SCEP_MAX_MESSAGE_SIZE")
    add("ca-certs-oversized", None, "ca-certs", "SCEP_ERR_LIMIT",
        "more than the limit", "an oversized GetCACert answer",
        same_as="oversized")

    def nested(levels, indefinite):
        if indefinite:
            return b"\x30\x80" * levels + b"\x00\x00" * levels
        inner = b"\x05\x00"
        for _ in range(levels):
            inner = tlv(0x30, inner)
        return inner

    add("nested-indefinite-1000", nested(1000, True), "parse",
        "SCEP_ERR_LIMIT", "nests deeper than 32",
        "1000 indefinite-length SEQUENCEs in one another")
    add("nested-definite-100", nested(100, False), "parse", "SCEP_ERR_LIMIT",
        "nests deeper than 32", "100 definite-length SEQUENCEs")
    add("nested-33", nested(MAX_NESTING_DEPTH, False), "parse",
        "SCEP_ERR_LIMIT", "nests deeper than 32",
        "one level deeper than SCEP_MAX_NESTING_DEPTH (32 SEQUENCEs "
        "around a NULL)")
    add("nested-32", nested(MAX_NESTING_DEPTH - 1, False), "parse",
        "SCEP_ERR_FORMAT", "not a PKCS#7",
        "exactly SCEP_MAX_NESTING_DEPTH deep: passes the limit, is no "
        "PKCS#7")
    add("ca-certs-nested", nested(200, True), "ca-certs", "SCEP_ERR_LIMIT",
        "nests deeper than 32", "a deeply nested GetCACert answer")


def pem(label, der):
    body = base64.encodebytes(der).decode()
    return ("-----BEGIN %s-----\n%s-----END %s-----\n"
            % (label, body, label)).encode()


def nested_texts():
    """Keys and certificates given as text obey the same limits.  The
    message is a valid request; the failure must come from the text."""
    carrier = "hostile/carrier-pkcsreq.der"
    with open(os.path.join(HERE, carrier), "wb") as f:
        f.write(read("peers/captured/micromdm-client-pkcsreq.der"))
    inner = b"\x05\x00"
    for _ in range(MAX_NESTING_DEPTH + 8):
        inner = tlv(0x30, inner)
    texts = {"nested-certificate.pem": pem("CERTIFICATE", inner),
             "nested-key.pem": pem("PRIVATE KEY", inner)}
    for name, text in texts.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(text)

    def entry(name, operation, message, description, **extra):
        vectors.append(dict({
            "name": "hostile-" + name, "description": description,
            "kind": "message", "file": carrier,
            "error": {"operation": operation, "status": "SCEP_ERR_LIMIT",
                      "message": message}}, **extra))

    entry("verify-cert-nested", "parse",
          "verification certificate nests deeper than 32",
          "a verification certificate nested 40 deep",
          verify_cert="hostile/nested-certificate.pem")
    entry("decryption-cert-nested", "unwrap",
          "decryption certificate nests deeper than 32",
          "a decryption certificate nested 40 deep",
          unwrap={"cert": "hostile/nested-certificate.pem", "key": CA_KEY})
    entry("decryption-key-nested", "unwrap",
          "decryption key nests deeper than 32",
          "a decryption key nested 40 deep",
          unwrap={"cert": CA_CERT, "key": "hostile/nested-key.pem"})


def noise():
    rng = random.Random(8894)
    junk = bytes(rng.randrange(256) for _ in range(2048))
    junk = b"\x01" + junk[1:]
    add("random", junk, "parse", "SCEP_ERR_FORMAT", NOT_SCEP,
        "2 KiB of random bytes")
    add("random-sequence", b"\x30\x82\x07\xfc" + junk[4:], "parse",
        "SCEP_ERR_FORMAT", NOT_BER,
        "random bytes behind a plausible SEQUENCE header")
    add("random-base64", base64.b64encode(b"\x13" + junk[1:]), "parse",
        "SCEP_ERR_FORMAT", NOT_SCEP, "base64 of random bytes")
    add("ca-certs-random", None, "ca-certs", "SCEP_ERR_FORMAT", NOT_SCEP,
        "random bytes as a GetCACert answer", same_as="random")
    html = (b"<!DOCTYPE html>\n<html><head><title>500 Internal Server "
            b"Error</title></head>\n<body><h1>Internal Server Error</h1>\n"
            b"<p>The server encountered an internal error.</p></body>"
            b"</html>\n")
    add("html-error-page", html, "parse", "SCEP_ERR_FORMAT", "HTML",
        "an HTTP error page where a message should be")
    add("ca-certs-html", None, "ca-certs", "SCEP_ERR_FORMAT", "HTML",
        "an HTTP error page as a GetCACert answer", same_as="html-error-page")
    add("text-error", read("peers/captured/micromdm-server-http500-get-"
                           "urlsafe.txt"), "parse", "SCEP_ERR_FORMAT",
        NOT_SCEP, "micromdm's plain-text error answer")


# ---- Certificates and tampering at the DER level -------------------------

def garbage_certificates():
    data = read("peers/captured/sscep-pkcsreq.der")
    certs = regions(data)["certificates"]
    cert = walk(data, certs.start + certs.header, certs.end, 0)[0]
    body = cert.length - 4          # OCTET STRING header of 4 bytes
    junk = tlv(0x30, b"\x04\x82" + body.to_bytes(2, "big") +
               bytes((i * 37) & 0xff for i in range(body)))
    assert len(junk) == cert.header + cert.length
    add("certificate-garbage", data[:cert.start] + junk + data[cert.end:],
        "parse", "SCEP_ERR_FORMAT", "not a PKCS#7",
        "the signer certificate replaced by a SEQUENCE of junk")

    other = read("peers/captured/micromdm-client-pkcsreq.der")
    other_certs = regions(other)["certificates"]
    swapped = (data[:certs.start] + other[other_certs.start:other_certs.end]
               + data[certs.end:])
    outer = walk(swapped)[0]
    delta = len(swapped) - len(data)
    fixed = fix_lengths(swapped, data, certs.start, delta)
    assert outer is not None
    add("certificate-other-signer", fixed, "parse", "SCEP_ERR_VERIFY",
        "does not include its signer certificate",
        "the signer's certificate replaced by another peer's")

    bundle = read("keys/ca-ra-bundle.p7b")
    first = [e for e in walk(bundle) if e.tag == 0xa0 and e.depth == 3][0]
    cert = walk(bundle, first.start + first.header, first.end, 0)[0]
    body = cert.length - 4
    junk = tlv(0x30, b"\x04\x82" + body.to_bytes(2, "big") + bytes(body))
    add("ca-certs-garbage", bundle[:cert.start] + junk + bundle[cert.end:],
        "ca-certs", "SCEP_ERR_FORMAT",
        "neither a certificate nor a PKCS#7 bundle",
        "a GetCACert bundle whose first certificate is junk")
    bare = read("peers/captured/getcacert.der")
    body = len(bare) - 8
    add("ca-certs-bare-garbage", tlv(0x30, b"\x04\x82" +
                                     body.to_bytes(2, "big") + bytes(body)),
        "ca-certs", "SCEP_ERR_FORMAT",
        "neither a certificate nor a PKCS#7 bundle",
        "a bare GetCACert answer that is a SEQUENCE but no certificate")

    empty = tlv(0x30, tlv(0x06, bytes.fromhex("2a864886f70d010702")) +
                tlv(0xa0, tlv(0x30, b"\x02\x01\x01" + tlv(0x31, b"") +
                              tlv(0x30, tlv(0x06, bytes.fromhex(
                                  "2a864886f70d010701"))) +
                              tlv(0x31, b""))))
    add("ca-certs-empty", empty, "ca-certs", "SCEP_ERR_CONTENT",
        "holds no certificate", "a certs-only SignedData without "
        "certificates")


def fix_lengths(new, old, at, delta):
    """Adds delta to the lengths of the elements of old that enclose
    offset at, in new (their headers must keep their size)."""
    out = bytearray(new)
    for e in walk(old):
        if e.start < at < e.end and e.tag & 0x20:
            size = e.header - (e.length_at - e.start) - 1
            assert size > 0, "a short-form length would change size"
            out[e.length_at + 1:e.length_at + 1 + size] = \
                (e.length + delta).to_bytes(size, "big")
    return bytes(out)


def tampered():
    data = read("peers/captured/sscep-pkcsreq.der")
    r = regions(data)
    signature = bytearray(data)
    signature[r["signature"].end - 10] ^= 0x01
    add("signature-flipped", bytes(signature), "parse", "SCEP_ERR_VERIFY",
        "signature does not verify", "one bit of the signature flipped")
    attribute = bytearray(data)
    at = data.rindex(b"96669077770E4A15")
    attribute[at] = ord("8")
    add("attribute-changed", bytes(attribute), "parse", "SCEP_ERR_VERIFY",
        "signature does not verify",
        "the transactionID changed after signing")
    content = bytearray(data)
    content[r["content"].end - 5] ^= 0x80
    add("content-changed", bytes(content), "parse", "SCEP_ERR_VERIFY",
        "signature does not verify", "one bit of the envelope flipped")


# ---- Re-signed messages: valid signatures over wrong messages -----------

class Resigner:
    def __init__(self, workdir):
        self.workdir = workdir
        self.tool = os.path.join(workdir, "make-hostile")
        subprocess.run(["cc", "-O1", "-o", self.tool,
                        os.path.join(HERE, "make-hostile.c"), "-lcrypto"],
                       check=True)

    def run(self, message, cert, key, *edits):
        out = os.path.join(self.workdir, "out.der")
        subprocess.run([self.tool, os.path.join(HERE, message), cert, key,
                        out] + list(edits), check=True)
        with open(out, "rb") as f:
            return f.read()

    def file(self, name, data):
        path = os.path.join(self.workdir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def resigned(tool):
    request = "peers/captured/micromdm-client-pkcsreq.der"
    reply = "peers/captured/micromdm-server-certrep-failure.der"
    ca_cert = os.path.join(HERE, CA_CERT)
    ca_key = os.path.join(HERE, CA_KEY)

    def req(name, edits, status, message, description, operation="parse"):
        add(name, tool.run(request, CLIENT_CERT, CLIENT_KEY, *edits),
            operation, status, message, description,
            unwrap=operation == "unwrap")

    def rep(name, edits, status, message, description):
        add(name, tool.run(reply, ca_cert, ca_key, *edits), "parse", status,
            message, description)

    bad = "SCEP_ERR_ATTRIBUTE"
    mt, tid = OID_MESSAGE_TYPE, OID_TRANSACTION_ID
    sn, rn = OID_SENDER_NONCE, OID_RECIPIENT_NONCE
    req("message-type-missing", ["drop:" + mt], bad,
        "messageType attribute missing", "a PKCSReq without messageType")
    req("message-type-integer", ["set:%s:integer:19" % mt], bad,
        "messageType attribute is malformed",
        "messageType as an INTEGER, not a PrintableString")
    req("message-type-octets", ["set:%s:octet:3139" % mt], bad,
        "messageType attribute is malformed",
        "messageType as an OCTET STRING")
    req("message-type-unknown", ["set:%s:printable:99" % mt], bad,
        "messageType 99 is not a SCEP message type", "messageType 99")
    req("message-type-word", ["set:%s:printable:PKCSReq" % mt], bad,
        "is not a number", "messageType spelled as a word")
    req("message-type-duplicate", ["add:%s:printable:19" % mt], bad,
        "messageType attribute is malformed",
        "two messageType attributes")
    req("message-type-conflicting", ["add:%s:printable:3" % mt], bad,
        "messageType attribute is malformed",
        "two messageType attributes that disagree")
    req("transaction-id-missing", ["drop:" + tid], bad,
        "transactionID attribute missing", "no transactionID")
    req("transaction-id-integer", ["set:%s:integer:42" % tid], bad,
        "transactionID attribute is malformed", "transactionID as INTEGER")
    req("transaction-id-empty", ["set:%s:printable:" % tid], bad,
        "transactionID attribute is malformed", "an empty transactionID")
    req("transaction-id-duplicate", ["add:%s:printable:OTHER" % tid], bad,
        "transactionID attribute is malformed", "two transactionIDs")
    req("sender-nonce-missing", ["drop:" + sn], bad,
        "senderNonce attribute missing", "a request without senderNonce")
    req("sender-nonce-printable",
        ["set:%s:printable:0123456789abcdef" % sn], bad,
        "senderNonce attribute is malformed",
        "senderNonce as a PrintableString")
    req("sender-nonce-3-bytes", ["set:%s:octet:010203" % sn], bad,
        "senderNonce attribute is malformed", "a 3-byte senderNonce")
    req("sender-nonce-65-bytes", ["set:%s:octet:%s" % (sn, "ab" * 65)], bad,
        "senderNonce attribute is malformed", "a 65-byte senderNonce")
    req("sender-nonce-empty", ["set:%s:octet:" % sn], bad,
        "senderNonce attribute is malformed", "an empty senderNonce")
    req("sender-nonce-duplicate", ["add:%s:octet:%s" % (sn, "11" * 16)],
        bad, "senderNonce attribute is malformed", "two senderNonces")
    req("recipient-nonce-2-bytes", ["add:%s:octet:0102" % rn], bad,
        "recipientNonce attribute is malformed",
        "a request with a 2-byte recipientNonce")

    junk = tool.file("junk.bin", bytes((i * 91 + 7) & 0xff
                                       for i in range(300)))
    cert_der = tool.file("cert.der", read("peers/captured/getcacert.der"))
    req("csr-garbage", ["envelope:%s:%s" % (junk, ca_cert)],
        "SCEP_ERR_CONTENT", "not a PKCS#10 request",
        "a PKCSReq whose envelope holds 300 junk bytes, not a CSR",
        "unwrap")
    req("csr-is-pkcs7", ["envelope:%s:%s" % (cert_der, ca_cert)],
        "SCEP_ERR_CONTENT", "not a PKCS#10 request",
        "a PKCSReq whose envelope holds a certs-only bundle", "unwrap")
    plain = tool.file("plain.der", tlv(0x30, tlv(0x04, b"no envelope")))
    req("envelope-missing", ["swap:" + plain], "SCEP_ERR_VERIFY",
        "signature does not verify",
        "content swapped after signing for a bare SEQUENCE")

    other = read("peers/captured/micromdm-client-pkcsreq-badchallenge.der")
    other_content = tool.file("other.bin", signed_content(other))
    req("content-swapped", ["swap:" + other_content], "SCEP_ERR_VERIFY",
        "signature does not verify",
        "signed by the same signer over its own envelope, carrying "
        "another request's envelope")

    ps, fi = OID_PKI_STATUS, OID_FAIL_INFO
    rep("pki-status-missing", ["drop:" + ps], bad,
        "pkiStatus attribute missing", "a CertRep without pkiStatus")
    rep("pki-status-integer", ["set:%s:integer:2" % ps], bad,
        "pkiStatus attribute is malformed", "pkiStatus as an INTEGER")
    rep("pki-status-unknown", ["set:%s:printable:1" % ps], bad,
        "pkiStatus 1 is not SUCCESS", "pkiStatus 1")
    rep("pki-status-duplicate", ["add:%s:printable:0" % ps], bad,
        "pkiStatus attribute is malformed",
        "FAILURE and SUCCESS pkiStatus both present")
    rep("fail-info-missing", ["drop:" + fi], bad,
        "failInfo attribute missing", "a FAILURE without failInfo")
    rep("fail-info-unknown", ["set:%s:printable:7" % fi], bad,
        "failInfo 7 is not one of", "failInfo 7")
    rep("fail-info-duplicate", ["add:%s:printable:0" % fi], bad,
        "failInfo attribute is malformed", "two failInfo attributes")
    rep("fail-info-text-integer", ["add:%s:integer:5" % OID_FAIL_INFO_TEXT],
        bad, "failInfoText attribute is malformed",
        "failInfoText as an INTEGER")
    rep("reply-recipient-nonce-2-bytes", ["set:%s:octet:0102" % rn], bad,
        "recipientNonce attribute is malformed",
        "a reply echoing a 2-byte recipientNonce")
    rep("reply-message-type-missing", ["drop:" + mt], bad,
        "messageType attribute missing", "a CertRep without messageType")


def wrong_keys(tool):
    """Real requests opened with the wrong material, and an envelope with a
    cipher nobody knows: one vector for each error class that input can
    cause beyond the malformed ones above."""
    request = "peers/captured/micromdm-client-pkcsreq.der"
    data = read(request)
    other_cert = "peers/captured/keys/sscep-legacy/selfsigned.crt"
    other_key = "peers/captured/keys/sscep-legacy/local.key"

    def opened_with(name, cert, key, status, message, description):
        add(name, data, "unwrap", status, message, description,
            same_as=None if name == "not-a-recipient" else "not-a-recipient")
        vectors[-1]["unwrap"] = {"cert": cert, "key": key}

    opened_with("not-a-recipient", other_cert, other_key, "SCEP_ERR_DECRYPT",
                "no recipient matches this certificate",
                "a PKCSReq opened with a certificate it was not sent to")
    opened_with("key-not-for-cert", CA_CERT, other_key, "SCEP_ERR_KEY",
                "does not belong to the decryption certificate",
                "a PKCSReq opened with the CA certificate and another key")
    opened_with("cert-unreadable", "peers/captured/getcacaps.txt", CA_KEY,
                "SCEP_ERR_CERT", "decryption certificate",
                "a PKCSReq opened with a text that is no certificate")

    # DES-CBC is 1.3.14.3.2.7; 1.3.14.3.2.127 names no cipher.
    envelope = signed_content(data)
    des = bytes([0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x07])
    assert envelope.count(des) == 1
    unknown = envelope.replace(des, des[:-1] + bytes([0x7f]))
    add("cipher-unknown",
        tool.run(request, CLIENT_CERT, CLIENT_KEY,
                 "content:" + tool.file("unknown-cipher.der", unknown)),
        "unwrap", "SCEP_ERR_ALGORITHM", "cipher 1.3.14.3.2.127",
        "an envelope whose content cipher OID names no cipher", unwrap=True)


def write_manifest():
    path = os.path.join(HERE, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    kept = [v for v in manifest["vectors"]
            if not v.get("file", "").startswith("hostile/")]
    manifest["vectors"] = kept + vectors
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    truncations()
    length_bumps()
    limits()
    nested_texts()
    noise()
    garbage_certificates()
    tampered()
    with tempfile.TemporaryDirectory() as workdir:
        resigned(Resigner(workdir))
        wrong_keys(Resigner(workdir))
    write_manifest()
    print("make-hostile: %d vectors in %s" % (len(vectors), OUT))


if __name__ == "__main__":
    sys.exit(main())
