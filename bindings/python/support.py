"""Shared helpers of the Python tests: the vectors folder, test keys and
one-line names of certificates (read with the openssl tool, so that the
expectations do not come from the library under test)."""
import json
import os
import re
import subprocess

VECTORS = os.environ.get("SCEP_VECTORS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "tests", "vectors")

PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----\n?",
                       re.S)


def path(relative):
    return os.path.join(VECTORS, relative)


def read_bytes(relative):
    with open(path(relative), "rb") as f:
        return f.read()


def read_text(relative):
    with open(path(relative)) as f:
        return f.read()


def manifest():
    with open(path("manifest.json")) as f:
        return json.load(f)["vectors"]


def pem_blocks(text):
    return [m.group(0) for m in PEM_BLOCK.finditer(text)]


def _openssl_name(kind, flag, pem):
    out = subprocess.run(["openssl", kind, "-noout", flag, "-nameopt",
                          "compat"], input=pem.encode(), check=True,
                         capture_output=True).stdout.decode().strip()
    return out.split("=", 1)[1]


def cert_subject(pem):
    return _openssl_name("x509", "-subject", pem)


def cert_subjects(pem):
    return [cert_subject(block) for block in pem_blocks(pem)]


def crl_issuer(pem):
    return _openssl_name("crl", "-issuer", pem)


class Keys:
    """The test CA (the micromdm one of the captures) and client."""
    ca = read_text("peers/captured/keys/micromdm-ca/ca.pem")
    ca_key = read_text("peers/captured/keys/micromdm-ca/ca-key-plain.pem")
    client_key = read_text("peers/captured/keys/libscep-client/key1.pem")
    client_csr = read_text("peers/captured/keys/libscep-client/csr1.pem")
    client_cert = read_text(
        "peers/captured/keys/libscep-client/selfsigned-signer-1.pem")
    other_key = read_text("peers/captured/keys/libscep-client/key2.pem")
    issued = read_text(
        "peers/captured/keys/micromdm-ca/issued/libscep-client-1.11.pem")
    ra_sign = read_text("keys/ra-sign.pem")
    ra_encrypt = read_text("keys/ra-encrypt.pem")
    crl = read_text("keys/ca.crl")
    client_key_aes = read_text("keys/client-aes256.pem")
    client_key_password = "correct-horse"
