"""Every method of the Python API: builders round-tripped through parse
and unwrap, configuration, errors, and object lifetimes."""
import gc
import os

import pytest

import scep
from support import Keys, cert_subjects, crl_issuer, read_bytes

CLIENT_SUBJECT = "/C=DE/O=libscep-test/CN=libscep-client-1"
CA_SUBJECT = "/C=US/O=scep-ca/OU=SCEP CA"


@pytest.fixture
def handle():
    return scep.Handle()


@pytest.fixture
def request_der(handle):
    handle.set_output_format(scep.FORMAT_DER)
    return handle.pkcsreq(Keys.client_key, Keys.client_cert, Keys.ca,
                          Keys.client_csr)


def unwrap_as_ca(handle, data):
    return handle.unwrap(data, None, Keys.ca, Keys.ca_key)


def unwrap_as_client(handle, data):
    return handle.unwrap(data, Keys.ca, Keys.client_cert, Keys.client_key)


# ---- module --------------------------------------------------------------

def test_version_and_constants():
    assert scep.version() == "1.0.0"
    assert (scep.FORMAT_PEM, scep.FORMAT_DER) == (0, 1)
    assert (scep.LOG_NONE, scep.LOG_DEBUG) == (0, 5)
    assert scep.OK == 0 and scep.ERR_VERIFY == 8
    assert scep.status_name(scep.ERR_VERIFY) == "SCEP_ERR_VERIFY"


def test_error_classes_form_one_hierarchy():
    for cls in (scep.InvalidArgumentError, scep.FormatError,
                scep.KeyLoadError, scep.CertificateError,
                scep.AlgorithmError, scep.MessageAttributeError,
                scep.VerifyError, scep.DecryptError, scep.ContentError,
                scep.StateError, scep.LimitError, scep.FileError,
                scep.PKCS11Error, scep.InternalError,
                scep.OutOfMemoryError):
        assert issubclass(cls, scep.Error)
    assert issubclass(scep.Error, Exception)


# ---- requests ------------------------------------------------------------

def test_pkcsreq_pem_is_text_and_unwraps(handle):
    request = handle.pkcsreq(Keys.client_key, None, Keys.ca,
                             Keys.client_csr)
    assert isinstance(request, str)
    assert request.startswith("-----BEGIN PKCS7-----")

    msg = unwrap_as_ca(handle, request)
    assert msg.message_type() == "PKCSReq"
    assert msg.subject() == CLIENT_SUBJECT
    assert msg.signature_verified()
    assert msg.digest() == "sha256" and msg.cipher() == "aes-128-cbc"
    assert "BEGIN CERTIFICATE REQUEST" in msg.pkcs10()
    assert len(msg.sender_nonce()) == 16
    assert len(msg.transaction_id()) > 0


def test_pkcsreq_der_is_bytes(request_der, handle):
    assert isinstance(request_der, bytes) and request_der[0] == 0x30
    msg = handle.parse(request_der)
    assert msg.message_type() == "PKCSReq"
    assert cert_subjects(msg.signer_cert()) == [CLIENT_SUBJECT]


def test_algorithms_are_used_and_reported(handle):
    handle.set_sigalg("sha512")
    handle.set_encalg("des3")
    assert (handle.get_sigalg(), handle.get_encalg()) == ("sha512", "des3")
    msg = unwrap_as_ca(handle, handle.pkcsreq(
        Keys.client_key, None, Keys.ca, Keys.client_csr))
    assert (msg.digest(), msg.cipher()) == ("sha512", "des-ede3-cbc")

    handle.sigalg = None
    handle.set_encalg()
    assert handle.get_sigalg() is None and handle.encalg is None


def test_renewalreq(handle):
    msg = unwrap_as_ca(handle, handle.renewalreq(
        Keys.client_key, Keys.client_cert, Keys.ca, Keys.client_csr))
    assert msg.message_type() == "RenewalReq"
    assert msg.subject() == CLIENT_SUBJECT


def test_getcertinitial(handle):
    msg = unwrap_as_ca(handle, handle.getcertinitial(
        Keys.client_key, Keys.client_cert, Keys.ca, Keys.client_csr,
        Keys.ca))
    assert msg.message_type() == "GetCertInitial"
    assert (msg.subject(), msg.issuer()) == (CLIENT_SUBJECT, CA_SUBJECT)


def test_getcert(handle):
    msg = unwrap_as_ca(handle, handle.getcert(
        Keys.client_key, Keys.client_cert, Keys.ca, Keys.ca, "0x11"))
    assert msg.message_type() == "GetCert"
    assert (msg.issuer(), msg.getcert_serial()) == (CA_SUBJECT, "17")


def test_getcrl(handle):
    msg = unwrap_as_ca(handle, handle.getcrl(
        Keys.client_key, Keys.client_cert, Keys.ca, Keys.issued))
    assert msg.message_type() == "GetCRL"
    assert (msg.issuer(), msg.getcert_serial()) == (CA_SUBJECT, "11")


# ---- replies -------------------------------------------------------------

def check_reply(handle, reply, request, status):
    req = handle.parse(request)
    msg = handle.parse(reply, Keys.ca)
    assert msg.message_type() == "CertRep"
    assert msg.pki_status() == status
    assert msg.transaction_id() == req.transaction_id()
    assert msg.recipient_nonce() == req.sender_nonce()
    assert msg.sender_nonce() != req.sender_nonce()
    return msg


def test_pending_reply(handle, request_der):
    reply = handle.create_pending_reply(Keys.ca_key, Keys.ca, request_der)
    msg = check_reply(handle, reply, request_der, "PENDING")
    with pytest.raises(scep.StateError, match="no failInfo"):
        msg.fail_info()


def test_pending_reply_wop7(handle, request_der):
    req = handle.parse(request_der)
    reply = handle.create_pending_reply_wop7(
        Keys.ca_key, Keys.ca, req.transaction_id(), req.sender_nonce())
    check_reply(handle, reply, request_der, "PENDING")


def test_error_reply(handle, request_der):
    reply = handle.create_error_reply(Keys.ca_key, Keys.ca, request_der,
                                      "badCertId")
    msg = check_reply(handle, reply, request_der, "FAILURE")
    assert msg.fail_info() == "badCertId"
    with pytest.raises(scep.StateError, match="failInfoText"):
        msg.fail_info_text()


def test_error_reply_wop7(handle, request_der):
    req = handle.parse(request_der)
    reply = handle.create_error_reply_wop7(
        Keys.ca_key, Keys.ca, req.transaction_id(), req.sender_nonce(),
        "badTime")
    msg = check_reply(handle, reply, request_der, "FAILURE")
    assert msg.fail_info() == "badTime"


def test_certificate_reply(handle, request_der):
    reply = handle.create_certificate_reply(Keys.ca_key, Keys.ca,
                                            request_der,
                                            Keys.issued + Keys.ca)
    check_reply(handle, reply, request_der, "SUCCESS")
    msg = unwrap_as_client(handle, reply)
    assert cert_subjects(msg.cert()) == [CLIENT_SUBJECT, CA_SUBJECT]


def test_certificate_reply_wop7(handle, request_der):
    req = handle.parse(request_der)
    reply = handle.create_certificate_reply_wop7(
        Keys.ca_key, Keys.ca, req.transaction_id(), req.sender_nonce(),
        Keys.client_cert, Keys.issued)
    msg = unwrap_as_client(handle, reply)
    assert msg.pki_status() == "SUCCESS"
    assert cert_subjects(msg.cert()) == [CLIENT_SUBJECT]


def test_crl_reply(handle):
    handle.set_output_format(scep.FORMAT_DER)
    request = handle.getcrl(Keys.client_key, Keys.client_cert, Keys.ca,
                            Keys.issued)
    reply = handle.create_crl_reply(Keys.ca_key, Keys.ca, request, Keys.crl)
    msg = unwrap_as_client(handle, reply)
    assert crl_issuer(msg.crl()) == CA_SUBJECT


def test_crl_reply_wop7(handle, request_der):
    req = handle.parse(request_der)
    reply = handle.create_crl_reply_wop7(
        Keys.ca_key, Keys.ca, req.transaction_id(), req.sender_nonce(),
        Keys.client_cert, Keys.crl)
    assert crl_issuer(unwrap_as_client(handle, reply).crl()) == CA_SUBJECT


# ---- certificate bundles, input forms, capabilities ---------------------

def test_certs_only_and_nextca(handle):
    chain = Keys.ca + Keys.ra_sign + Keys.ra_encrypt
    for bundle in (handle.create_certs_only(chain, None, None),
                   handle.create_certs_only(chain, Keys.ca_key, Keys.ca),
                   handle.create_nextca_reply(chain, Keys.ca, Keys.ca_key)):
        msg = handle.read_ca_certs(bundle)
        assert msg.message_type() == "CertsOnly"
        assert cert_subjects(msg.ca_cert()) == [CA_SUBJECT]
        assert cert_subjects(msg.ra_signing_cert()) == [
            "/C=US/O=scep-ca/CN=ra-sign"]
        assert cert_subjects(msg.ra_encryption_cert()) == [
            "/C=US/O=scep-ca/CN=ra-encrypt"]
        assert len(cert_subjects(msg.cert())) == 3


def test_decode_input_accepts_bytes_bytearray_and_text(handle, request_der):
    pem = handle.pkcsreq(Keys.client_key, None, Keys.ca, Keys.client_csr)
    decoded = handle.decode_input(pem)
    assert isinstance(decoded, bytes) and decoded[0] == 0x30
    assert handle.decode_input(bytearray(request_der)) == request_der
    assert handle.decode_input(request_der) == request_der


def test_parse_capabilities(handle):
    flags = handle.parse_capabilities("SHA-512\r\nRenewal\r\n")
    assert flags == scep.CAP_SHA512 | scep.CAP_RENEWAL
    assert handle.parse_capabilities(b"SCEPStandard\n") & scep.CAP_AES


# ---- configuration -------------------------------------------------------

def test_encrypted_key_with_password(handle):
    with pytest.raises(scep.KeyLoadError):
        handle.pkcsreq(Keys.client_key_aes, None, Keys.ca, Keys.client_csr)
    handle.set_key_password(Keys.client_key_password)
    msg = unwrap_as_ca(handle, handle.pkcsreq(
        Keys.client_key_aes, None, Keys.ca, Keys.client_csr))
    assert msg.subject() == CLIENT_SUBJECT
    handle.set_key_password(None)


def test_encrypted_key_with_password_from_environment(handle, monkeypatch):
    monkeypatch.setenv("SCEP_TEST_KEY_PASSWORD", Keys.client_key_password)
    handle.set_key_password_env("SCEP_TEST_KEY_PASSWORD")
    request = handle.pkcsreq(Keys.client_key_aes, None, Keys.ca,
                             Keys.client_csr)
    assert unwrap_as_ca(handle, request).subject() == CLIENT_SUBJECT
    handle.set_key_password_env(None)


def test_log_file_receives_lines(handle, tmp_path):
    log = tmp_path / "scep.log"
    handle.set_log_level(scep.LOG_DEBUG)
    handle.set_log_file(str(log))
    with pytest.raises(scep.FormatError):
        handle.parse(b"not a message")
    handle.set_log_file(None)
    assert "not a SCEP message" in log.read_text()


def test_log_file_that_cannot_be_opened(handle):
    with pytest.raises(scep.FileError) as raised:
        handle.set_log_file("/nonexistent/folder/scep.log")
    assert raised.value.status == scep.ERR_IO
    assert "/nonexistent/folder/scep.log" in str(raised.value)


def test_pkcs11_module_that_does_not_exist(handle):
    with pytest.raises(scep.PKCS11Error, match="/nonexistent/module.so"):
        handle.set_pkcs11("/nonexistent/module.so", "1234", None, -1)
    assert handle.set_pkcs11_pin_env("SCEP_TEST_PIN") is None


# ---- errors --------------------------------------------------------------

def test_garbage_input(handle):
    with pytest.raises(scep.FormatError) as raised:
        handle.parse(b"\x00garbage\xff")
    error = raised.value
    assert (error.status, error.status_name) == (scep.ERR_FORMAT,
                                                 "SCEP_ERR_FORMAT")
    assert "not a SCEP message" in str(error)
    assert handle.last_status() == scep.ERR_FORMAT
    assert handle.last_error() == str(error)


def test_wrong_key_cannot_decrypt(handle, request_der):
    with pytest.raises(scep.Error) as raised:
        handle.unwrap(request_der, None, Keys.ca, Keys.other_key)
    assert raised.value.status in (scep.ERR_DECRYPT, scep.ERR_KEY)
    assert str(raised.value)


def test_tampered_message_does_not_verify(handle, request_der):
    tampered = bytearray(request_der)
    tampered[len(tampered) // 2] ^= 0x01
    with pytest.raises(scep.Error) as raised:
        handle.parse(bytes(tampered))
    assert raised.value.status in (scep.ERR_VERIFY, scep.ERR_FORMAT)
    assert str(raised.value) == handle.last_error()


def test_reply_from_untrusted_signer(handle, request_der):
    reply = handle.create_pending_reply(Keys.ca_key, Keys.ca, request_der)
    with pytest.raises(scep.VerifyError):
        handle.parse(reply, Keys.client_cert)


def test_bad_algorithm_name(handle):
    with pytest.raises(scep.AlgorithmError, match='"sha3-1000"'):
        handle.set_sigalg("sha3-1000")
    with pytest.raises(scep.AlgorithmError, match='"rot13"'):
        handle.set_encalg("rot13")


def test_unknown_fail_info(handle, request_der):
    with pytest.raises(scep.InvalidArgumentError, match="badLuck"):
        handle.create_error_reply(Keys.ca_key, Keys.ca, request_der,
                                  "badLuck")


def test_bad_certificate_argument(handle):
    with pytest.raises(scep.CertificateError) as raised:
        handle.pkcsreq(Keys.client_key, None, "not a certificate",
                       Keys.client_csr)
    assert raised.value.status == scep.ERR_CERT


def test_wrong_argument_types(handle):
    with pytest.raises(TypeError):
        handle.parse(12345)
    with pytest.raises(TypeError):
        handle.parse(None)


def test_missing_value_is_an_error_not_none(handle, request_der):
    msg = handle.parse(request_der)
    for getter in (msg.fail_info, msg.cert, msg.crl, msg.pki_status,
                   msg.recipient_nonce, msg.pkcs10):
        with pytest.raises(scep.StateError):
            getter()
    assert msg.last_status() == scep.ERR_STATE
    assert "has no" in msg.last_error()


# ---- lifetimes -----------------------------------------------------------

def test_message_outlives_its_handle(request_der):
    handle = scep.Handle()
    msg = unwrap_as_ca(handle, request_der)
    del handle
    gc.collect()
    assert msg.subject() == CLIENT_SUBJECT
    assert len(msg.sender_nonce()) == 16


def test_use_after_explicit_destroy_raises(request_der):
    handle = scep.Handle()
    msg = handle.parse(request_der)
    scep.Message.__swig_destroy__(msg)
    with pytest.raises(scep.InvalidArgumentError, match="already been freed"):
        msg.transaction_id()
    with pytest.raises(RuntimeError, match="delete_Message"):
        scep.Message.__swig_destroy__(msg)    # twice: refused, not freed

    scep.Handle.__swig_destroy__(handle)
    with pytest.raises(scep.InvalidArgumentError, match="already been freed"):
        handle.parse(request_der)
    del msg, handle
    gc.collect()


def test_repr():
    handle = scep.Handle()
    assert repr(handle) == "<scep.Handle sigalg=None encalg=None>"
    msg = handle.parse(read_bytes("generated/certrep-failure.der"),
                       Keys.ca)
    assert "FAILURE" in repr(msg) and "badCertId" in repr(msg)
    assert msg.verified is True
