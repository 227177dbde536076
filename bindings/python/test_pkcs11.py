"""Keys in a PKCS#11 token, from Python: a throwaway SoftHSM2 token made by
scripts/softhsm-token.sh holds the CA key (id 01) and a client key (id 02)
with their certificates.  Messages signed with the token keys verify with
openssl and with the library, a request encrypted to the CA opens with
the token key, and each configuration error says what failed."""
import os
import subprocess

import pytest

import scep

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "scripts", "softhsm-token.sh")
LABEL = "libscep-py"
PIN = "py-token-4417"
WRONG_PIN = "py-wrong-0093"
CLIENT_URI = "pkcs11:token=%s;id=%%02;type=private" % LABEL


class Token:
    """What the script made: the module, and PEM copies of the objects."""

    def __init__(self, folder):
        self.folder = str(folder)
        subprocess.run(["sh", SCRIPT, self.folder, LABEL, PIN], check=True,
                       stdout=subprocess.DEVNULL)
        settings = {}
        with open(os.path.join(self.folder, "token.env")) as f:
            for line in f:
                name, value = line.strip().split("=", 1)
                settings[name] = value.strip("'")
        self.module = settings["SCEP_PKCS11_MODULE"]
        os.environ["SOFTHSM2_CONF"] = settings["SOFTHSM2_CONF"]
        self.ca = self.read("ca.pem")
        self.ca_key = self.read("ca-key.pem")
        self.client = self.read("client.pem")
        self.client_key = self.read("client-key.pem")
        self.csr = self.read("client.csr")

    def read(self, name):
        with open(os.path.join(self.folder, name)) as f:
            return f.read()

    def handle(self, pin=PIN):
        h = scep.Handle()
        h.set_pkcs11(self.module, pin, LABEL, -1)
        return h


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    return Token(tmp_path_factory.mktemp("softhsm") / "token")


def openssl_verifies(token, der):
    """openssl checks the signature (not the chain) of a DER message."""
    path = os.path.join(token.folder, "message.der")
    with open(path, "wb") as f:
        f.write(der)
    done = subprocess.run(["openssl", "cms", "-verify", "-noverify",
                           "-inform", "DER", "-in", path, "-out", os.devnull],
                          capture_output=True)
    os.unlink(path)
    return done.returncode == 0


def der_handle(token, pin=PIN):
    h = token.handle(pin)
    h.set_output_format(scep.FORMAT_DER)
    return h


def plain_request(token, cipher=None):
    h = scep.Handle()
    h.set_output_format(scep.FORMAT_DER)
    h.set_encalg(cipher)
    return h.pkcsreq(token.client_key, token.client, token.ca, token.csr)


# ---- Signing and decrypting -----------------------------------------------

@pytest.mark.parametrize("key, cert", [
    ("02", None),
    (CLIENT_URI, None),
    ("pkcs11:object=client;type=private", None),
    ("pkcs11:id=%02", "pkcs11:id=%02;type=cert"),
])
def test_pkcsreq_signed_with_a_token_key_verifies(token, key, cert):
    h = der_handle(token)
    der = h.pkcsreq(key, cert or token.client, token.ca, token.csr)
    assert isinstance(der, bytes)
    assert openssl_verifies(token, der)

    message = scep.Handle().parse(der, None)
    assert message.signature_verified()
    assert message.message_type() == "PKCSReq"

    opened = scep.Handle().unwrap(der, token.client, token.ca, token.ca_key)
    assert opened.pkcs10() == token.csr


@pytest.mark.parametrize("cipher", ["aes128", "des3"])
def test_request_to_the_ca_opens_with_the_token_key(token, cipher):
    request = plain_request(token, cipher)
    ca = token.handle()
    message = ca.unwrap(request, None, token.ca, "01")
    assert message.pkcs10() == token.csr
    message = ca.unwrap(request, None, "pkcs11:id=%01;type=cert",
                        "pkcs11:object=ca;type=private")
    assert message.pkcs10() == token.csr


def client_reads(token, reply, status):
    message = scep.Handle().unwrap(reply, token.ca, token.client,
                                   token.client_key)
    assert message.signature_verified()
    assert message.pki_status() == status
    return message


def test_certrep_replies_signed_with_a_token_key(token):
    request = plain_request(token)
    ca = der_handle(token)

    pending = ca.create_pending_reply("01", token.ca, request)
    assert openssl_verifies(token, pending)
    client_reads(token, pending, "PENDING")

    failure = ca.create_error_reply("pkcs11:id=%01", token.ca, request,
                                    "badRequest")
    assert openssl_verifies(token, failure)
    assert client_reads(token, failure, "FAILURE").fail_info() == "badRequest"

    success = ca.create_certificate_reply("01", "pkcs11:id=%01;type=cert",
                                          request, token.client)
    assert openssl_verifies(token, success)
    assert client_reads(token, success, "SUCCESS").cert() == token.client


# ---- Errors -----------------------------------------------------------------

def test_missing_module(token):
    with pytest.raises(scep.PKCS11Error) as e:
        scep.Handle().set_pkcs11("/nonexistent/libnothing.so", PIN, None, -1)
    assert ("cannot load the PKCS#11 module /nonexistent/libnothing.so"
            in str(e.value))
    assert e.value.status == scep.ERR_PKCS11


def test_wrong_pin(token):
    with pytest.raises(scep.PKCS11Error) as e:
        token.handle(WRONG_PIN)
    assert "wrong PIN for token '%s'" % LABEL in str(e.value)
    assert WRONG_PIN not in str(e.value)


def test_no_such_token(token):
    with pytest.raises(scep.PKCS11Error, match="no token labelled 'nope'"):
        scep.Handle().set_pkcs11(token.module, PIN, "nope", -1)
    with pytest.raises(scep.PKCS11Error, match="no token in slot 7"):
        scep.Handle().set_pkcs11(token.module, PIN, None, 7)


def test_wrong_ids(token):
    h = token.handle()
    with pytest.raises(scep.PKCS11Error,
                       match="no private key with id ff on token"):
        h.pkcsreq("ff", token.client, token.ca, token.csr)
    with pytest.raises(scep.PKCS11Error,
                       match="no certificate with id 09 on token"):
        h.pkcsreq("02", "pkcs11:id=%09;type=cert", token.ca, token.csr)
    with pytest.raises(scep.InvalidArgumentError, match="query attributes"):
        h.pkcsreq("pkcs11:id=%02?pin-value=" + PIN, token.client, token.ca,
                  token.csr)


def test_pin_from_the_environment(token, monkeypatch):
    monkeypatch.delenv("SCEP_PY_PIN", raising=False)
    h = scep.Handle()
    h.set_pkcs11_pin_env("SCEP_PY_PIN")
    h.set_pkcs11(token.module, None, LABEL, -1)
    with pytest.raises(scep.PKCS11Error,
                       match="the PIN variable SCEP_PY_PIN is not set"):
        h.pkcsreq("02", token.client, token.ca, token.csr)
    monkeypatch.setenv("SCEP_PY_PIN", PIN)
    assert h.pkcsreq("02", token.client, token.ca, token.csr)


# ---- Several handles --------------------------------------------------------

def test_two_handles_share_the_token(token):
    a, b = token.handle(), token.handle()
    plain = scep.Handle()
    assert a.pkcsreq("02", token.client, token.ca, token.csr)
    assert b.pkcsreq(CLIENT_URI, token.client, token.ca, token.csr)
    assert plain.pkcsreq(token.client_key, token.client, token.ca, token.csr)

    del a    # frees the handle: its sessions must not take b's with them
    der = der_handle(token)
    assert openssl_verifies(token, der.pkcsreq("02", token.client, token.ca,
                                               token.csr))
    assert b.pkcsreq("02", token.client, token.ca, token.csr)
    assert plain.pkcsreq(token.client_key, token.client, token.ca, token.csr)
