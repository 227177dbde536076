"""Arguments at the edge: text with a NUL byte inside, values of the wrong
type, many threads each with its own handle, and objects collected in any
order."""
import gc
import random
import threading

import pytest

import scep
from support import Keys

CLIENT_SUBJECT = "/C=DE/O=libscep-test/CN=libscep-client-1"
NONCE = b"\x00\x01\x00\x02" * 4     # a nonce may hold NUL bytes


@pytest.fixture
def handle():
    return scep.Handle()


@pytest.fixture(scope="module")
def request_der():
    h = scep.Handle()
    h.set_output_format(scep.FORMAT_DER)
    return h.pkcsreq(Keys.client_key, Keys.client_cert, Keys.ca,
                     Keys.client_csr)


# ---- text with a NUL byte inside ----------------------------------------

# (method, arguments, position and name of the argument holding the NUL)
NUL_CASES = [
    ("set_key_password", ["a\x00b"], 1, "password"),
    ("set_key_password_env", ["PW\x00D"], 1, "variable"),
    ("set_sigalg", ["sha256\x00x"], 1, "digest"),
    ("set_encalg", ["aes128\x00x"], 1, "cipher"),
    ("set_log_file", ["/tmp/scep\x00.log"], 1, "path"),
    ("pkcsreq", [Keys.client_key + "\x00junk", None, Keys.ca,
                 Keys.client_csr], 1, "key"),
    ("pkcsreq", [Keys.client_key, None, Keys.ca,
                 Keys.client_csr + "\x00"], 4, "csr"),
    ("create_pending_reply_wop7", [Keys.ca_key, Keys.ca, "ABC\x00DEF",
                                   NONCE], 3, "transaction_id"),
    ("create_error_reply_wop7", [Keys.ca_key, Keys.ca, "ABC", NONCE,
                                 "badAlg\x00"], 5, "fail_info"),
    ("unwrap", [b"0", None, Keys.ca, Keys.ca_key + "\x00"], 4, "enc_key"),
    ("parse", [b"0", b"-----BEGIN\x00"], 2, "verify_cert"),
]


@pytest.mark.parametrize("method, args, position, name", NUL_CASES,
                         ids=["%s-%s" % (c[0], c[3]) for c in NUL_CASES])
def test_text_with_nul_is_refused(handle, method, args, position, name):
    with pytest.raises(scep.InvalidArgumentError) as raised:
        getattr(handle, method)(*args)
    assert str(raised.value) == ("argument %d (%s) contains a NUL byte"
                                 % (position, name))
    assert raised.value.status == scep.ERR_ARGUMENT


def test_password_is_not_cut_at_nul(handle):
    # Cut at the NUL, this password would be the right one.
    with pytest.raises(scep.InvalidArgumentError, match="NUL byte"):
        handle.set_key_password(Keys.client_key_password + "\x00wrong")
    with pytest.raises(scep.KeyLoadError):
        handle.pkcsreq(Keys.client_key_aes, None, Keys.ca, Keys.client_csr)


def test_bytes_arguments_keep_their_nul_bytes(handle, request_der):
    request = handle.parse(request_der)
    reply = handle.create_pending_reply_wop7(Keys.ca_key, Keys.ca,
                                             request.transaction_id(), NONCE)
    msg = handle.parse(reply, Keys.ca)
    assert msg.recipient_nonce() == NONCE
    assert b"\x00" in request_der
    assert handle.decode_input(bytearray(request_der)) == request_der


# ---- types -----------------------------------------------------------------

@pytest.mark.parametrize("value, type_name", [(1, "int"), ([], "list"),
                                              (3.5, "float")])
def test_wrong_type_for_text_names_the_argument(handle, value, type_name):
    expected = ("argument 3 (enc_cert) must be str, bytes or None, not %s"
                % type_name)
    with pytest.raises(TypeError) as raised:
        handle.pkcsreq(Keys.client_key, None, value, Keys.client_csr)
    assert str(raised.value) == expected
    with pytest.raises(TypeError, match=r"^argument 1 \(digest\) must be"):
        handle.set_sigalg(value)


def test_wrong_type_for_a_message_names_the_argument(handle):
    with pytest.raises(TypeError) as raised:
        handle.create_error_reply_wop7(Keys.ca_key, Keys.ca, "ABC", 42,
                                       "badAlg")
    assert str(raised.value) == "argument 4 (data) must be bytes or str, " \
                                "not int"
    with pytest.raises(TypeError, match=r"^argument 1 \(data\) .* NoneType"):
        handle.parse(None)


def test_text_may_be_bytes(handle):
    def ascii(text):
        return text.encode("ascii")

    request = handle.pkcsreq(ascii(Keys.client_key), None, ascii(Keys.ca),
                             ascii(Keys.client_csr))
    msg = handle.unwrap(request, None, ascii(Keys.ca), ascii(Keys.ca_key))
    assert msg.subject() == CLIENT_SUBJECT

    handle.set_sigalg(b"sha512")
    assert handle.get_sigalg() == "sha512"
    handle.set_key_password(b"\xe4-not-utf8")    # any bytes
    handle.set_key_password(None)


def test_text_that_cannot_be_utf8(handle):
    with pytest.raises(UnicodeEncodeError):
        handle.set_key_password("\udcff")


# ---- threads -----------------------------------------------------------------

def test_threads_with_their_own_handles(request_der):
    rounds, workers = 15, 8
    results, errors = [], []

    def work():
        try:
            h = scep.Handle()
            for _ in range(rounds):
                msg = h.unwrap(request_der, None, Keys.ca, Keys.ca_key)
                parsed = h.parse(request_der)
                results.append((msg.subject(), parsed.transaction_id()))
        except Exception as error:    # reported below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(results) == rounds * workers
    assert len(set(results)) == 1 and results[0][0] == CLIENT_SUBJECT


# ---- objects collected in any order ------------------------------------------

def test_messages_and_handles_collected_in_random_order(request_der):
    shuffle = random.Random(8894).shuffle
    for _ in range(5):
        objects = []
        for _ in range(6):
            h = scep.Handle()
            objects += [h, h.parse(request_der),
                        h.unwrap(request_der, None, Keys.ca, Keys.ca_key)]
        shuffle(objects)
        while objects:
            obj = objects.pop()
            if isinstance(obj, scep.Message):
                assert obj.message_type() == "PKCSReq"
            del obj
            gc.collect()


def test_handle_dropped_while_iterating_its_messages(request_der):
    h = scep.Handle()
    messages = [h.parse(request_der) for _ in range(5)]
    for i, msg in enumerate(messages):
        if i == 2:
            del h
            gc.collect()
        assert msg.message_type() == "PKCSReq"
        assert len(msg.sender_nonce()) == 16


def test_message_methods_after_its_handle_is_deleted(request_der):
    h = scep.Handle()
    msg = h.unwrap(request_der, None, Keys.ca, Keys.ca_key)
    del h
    gc.collect()
    assert msg.subject() == CLIENT_SUBJECT
    assert "CERTIFICATE REQUEST" in msg.pkcs10()
    with pytest.raises(scep.StateError):
        msg.pki_status()
    assert msg.last_status() == scep.ERR_STATE
    assert "has no" in msg.last_error()
