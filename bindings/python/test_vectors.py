"""Every vector of tests/vectors/manifest.json, checked through the
Python module."""
import pytest

import scep
from support import (cert_subject, cert_subjects, crl_issuer, manifest,
                     path, read_bytes, read_text)

VECTORS = manifest()


def by_kind(kind):
    chosen = [v for v in VECTORS if v["kind"] == kind]
    return pytest.mark.parametrize("vector", chosen,
                                   ids=[v["name"] for v in chosen])


def test_manifest_has_every_kind():
    kinds = {v["kind"] for v in VECTORS}
    assert {"message", "encoding", "ca-certs", "caps"} <= kinds


def check_parse(msg, want):
    simple = {"message_type": msg.message_type,
              "transaction_id": msg.transaction_id,
              "pki_status": msg.pki_status,
              "fail_info": msg.fail_info,
              "digest": msg.digest,
              "cipher": msg.cipher}
    for field, getter in simple.items():
        if field in want and field != "cipher":
            assert getter() == want[field], field
    for which, getter in (("sender_nonce", msg.sender_nonce),
                          ("recipient_nonce", msg.recipient_nonce)):
        if which in want:
            assert isinstance(getter(), bytes)
            assert getter().hex() == want[which]
        if which + "_len" in want:
            assert len(getter()) == want[which + "_len"]
    if "signer_subject" in want or "signer_subject_one_of" in want:
        signer = cert_subject(msg.signer_cert())
        assert signer in want.get("signer_subject_one_of",
                                  [want.get("signer_subject")])
    assert msg.signature_verified() is True


def check_unwrapped(msg, want):
    if "cipher" in want:
        assert msg.cipher() == want["cipher"]
    expected = want.get("expected", {})
    if "subject" in expected:
        assert msg.subject() == expected["subject"]
    if "issuer" in expected:
        assert msg.issuer() == expected["issuer"]
    if "serial" in expected:
        assert msg.getcert_serial() == expected["serial"]
    if "certificates" in expected:
        assert cert_subjects(msg.cert()) == expected["certificates"]
    if "crl_issuer" in expected:
        assert crl_issuer(msg.crl()) == expected["crl_issuer"]
    if "challenge_password" in expected:
        assert msg.challenge_password() == expected["challenge_password"]


def check_error(handle, vector, data, verify):
    error = vector["error"]
    with pytest.raises(scep.Error) as raised:
        if error["operation"] == "parse":
            handle.parse(data, verify)
        elif error["operation"] == "unwrap":
            unwrap = vector.get("unwrap", {})
            if "password" in unwrap:
                handle.set_key_password(unwrap["password"])
            handle.unwrap(data, verify,
                          read_text(unwrap.get("cert", vector.get(
                              "verify_cert"))) if unwrap else None,
                          read_text(unwrap["key"]) if unwrap else None)
        else:
            handle.read_ca_certs(data)
    assert raised.value.status_name == error["status"]
    assert raised.value.status == getattr(
        scep, error["status"].replace("SCEP_", ""))
    assert error["message"] in str(raised.value)
    assert handle.last_error() == str(raised.value)


@by_kind("message")
def test_message(vector):
    handle = scep.Handle()
    data = read_bytes(vector["file"])
    verify = read_text(vector["verify_cert"]) if "verify_cert" in vector \
        else None

    if "error" in vector:
        check_error(handle, vector, data, verify)
        return

    if "parse" in vector:
        check_parse(handle.parse(data, verify), vector["parse"])

    if "unwrap" in vector:
        unwrap = vector["unwrap"]
        if "password" in unwrap:
            handle.set_key_password(unwrap["password"])
        msg = handle.unwrap(data, verify, read_text(unwrap["cert"]),
                            read_text(unwrap["key"]))
        if "parse" in vector:
            check_parse(msg, vector["parse"])
        check_unwrapped(msg, {**unwrap, **(
            {"cipher": vector["parse"]["cipher"]}
            if "cipher" in vector.get("parse", {}) else {})})


@by_kind("encoding")
def test_encoding(vector):
    decoded = scep.Handle().decode_input(read_bytes(vector["file"]))
    assert isinstance(decoded, bytes)
    assert decoded == read_bytes(vector["decodes_to"])


@by_kind("ca-certs")
def test_ca_certs(vector):
    msg = scep.Handle().read_ca_certs(read_bytes(vector["file"]))
    assert msg.message_type() == "CertsOnly"
    assert cert_subject(msg.ca_cert()) == vector["ca_subject"]
    if "ra_signing_subject" in vector:
        assert cert_subject(msg.ra_signing_cert()) == \
            vector["ra_signing_subject"]
    if "ra_encryption_subject" in vector:
        assert cert_subject(msg.ra_encryption_cert()) == \
            vector["ra_encryption_subject"]
    if "count" in vector:
        assert len(cert_subjects(msg.cert())) == vector["count"]


CAP_FLAGS = {"AES": scep.CAP_AES, "DES3": scep.CAP_DES3,
             "GetNextCACert": scep.CAP_GETNEXTCACERT,
             "POSTPKIOperation": scep.CAP_POSTPKIOPERATION,
             "Renewal": scep.CAP_RENEWAL, "SHA-1": scep.CAP_SHA1,
             "SHA-256": scep.CAP_SHA256, "SHA-512": scep.CAP_SHA512,
             "SCEPStandard": scep.CAP_SCEPSTANDARD,
             "Update": scep.CAP_UPDATE}


@by_kind("caps")
def test_caps(vector):
    flags = scep.Handle().parse_capabilities(read_bytes(vector["file"]))
    wanted = 0
    for keyword in vector["capabilities"]:
        wanted |= CAP_FLAGS[keyword]
    if wanted & scep.CAP_SCEPSTANDARD:
        wanted |= scep.CAP_AES | scep.CAP_POSTPKIOPERATION | scep.CAP_SHA256
    assert flags == wanted
