/*
 * Bad input: tampered, truncated, wrongly keyed, wrong-type and oversized
 * messages each fail with an error that names the problem, and accessors
 * asked for values a message lacks say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct built der_request(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};

    scep_set_output_format(h, SCEP_FORMAT_DER);
    BUILT(h, scep_pkcsreq(h, client_key, client_cert, ca_cert, csr, &b.data,
                          &b.len), "pkcsreq");
    scep_cleanup(h);
    return b;
}

static void parse_fails(const unsigned char *data, size_t len, int status,
                        const char *text, int line)
{
    SCEP *h = scep_create_handle();
    SCEP_MESSAGE *m = scep_parse(h, data, len, NULL);

    harness_checks++;
    if (m != NULL)
        harness_fail(__FILE__, line, "bad input was accepted");
    else
        harness_check_error(__FILE__, line, scep_last_status(h),
                            scep_last_error(h), status, text);
    scep_message_free(m);
    scep_cleanup(h);
}

#define PARSE_FAILS(data, len, status, text)                            \
    parse_fails((const unsigned char *)(data), len, status, text, __LINE__)

static void test_tampering(void)
{
    struct built b = der_request();
    unsigned char *copy = malloc(b.len);

    /* The last bytes are the signature itself. */
    memcpy(copy, b.data, b.len);
    copy[b.len - 5] ^= 0x01;
    PARSE_FAILS(copy, b.len, SCEP_ERR_VERIFY, "signature does not verify");

    /* A byte of the envelope: the messageDigest no longer matches. */
    memcpy(copy, b.data, b.len);
    copy[b.len / 3] ^= 0x01;
    PARSE_FAILS(copy, b.len, SCEP_ERR_VERIFY, "signature does not verify");
    free(copy);
    scep_free(b.data);
}

static void test_garbage(void)
{
    PARSE_FAILS("", 0, SCEP_ERR_FORMAT, "empty");
    PARSE_FAILS("hello, world", 12, SCEP_ERR_FORMAT, "not a SCEP message");
    PARSE_FAILS("<html><body>500</body></html>", 29, SCEP_ERR_FORMAT,
                "HTML");
    PARSE_FAILS("-----BEGIN PKCS7-----\nMIIB\n", 27, SCEP_ERR_FORMAT,
                "no matching -----END");
    PARSE_FAILS(ca_cert, strlen(ca_cert), SCEP_ERR_FORMAT,
                "not a PKCS#7/CMS structure");
}

static void test_truncation(void)
{
    struct built b = der_request();
    SCEP *h = scep_create_handle();
    size_t len;
    int accepted = 0, silent = 0;

    for (len = 1; len < b.len; len++) {
        SCEP_MESSAGE *m = scep_parse(h, b.data, len, NULL);

        accepted += m != NULL;
        silent += m == NULL && *scep_last_error(h) == '\0';
        scep_message_free(m);
    }
    CHECK(accepted == 0);
    CHECK(silent == 0);
    PARSE_FAILS(b.data, b.len / 2, SCEP_ERR_FORMAT, "truncated");
    scep_cleanup(h);
    scep_free(b.data);
}

static void test_limits(void)
{
    size_t depth = 40, i, len = 4 * depth;
    unsigned char *nested = calloc(1, len);
    unsigned char *huge = calloc(1, SCEP_MAX_MESSAGE_SIZE + 16);

    /* SEQUENCE { SEQUENCE { ... } } with indefinite lengths, then the
     * end-of-contents markers (zero bytes from calloc). */
    for (i = 0; i < depth; i++) {
        nested[2 * i] = 0x30;
        nested[2 * i + 1] = 0x80;
    }
    PARSE_FAILS(nested, len, SCEP_ERR_LIMIT, "nests deeper than 32");

    huge[0] = 0x30;
    PARSE_FAILS(huge, SCEP_MAX_MESSAGE_SIZE + 16, SCEP_ERR_LIMIT,
                "more than the limit");
    free(nested);
    free(huge);
}

static void test_wrong_keys(void)
{
    struct built b = der_request();
    SCEP *h = scep_create_handle();
    char *other_key = vector_file(OTHER_KEY, NULL);
    char *other_cert = vector_file(OTHER_CERT, NULL);

    CHECK(scep_unwrap(h, b.data, b.len, NULL, other_cert, other_key) ==
          NULL);
    CHECK_ERROR(h, SCEP_ERR_DECRYPT, "no recipient matches this certificate");
    CHECK(scep_unwrap(h, b.data, b.len, NULL, ca_cert, other_key) == NULL);
    CHECK_ERROR(h, SCEP_ERR_KEY, "does not belong to the decryption");
    CHECK(scep_unwrap(h, b.data, b.len, NULL, NULL, NULL) == NULL);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "no decryption certificate given");
    CHECK(scep_unwrap(h, b.data, b.len, NULL, ca_cert, "not a key") == NULL);
    CHECK_ERROR(h, SCEP_ERR_KEY, "not a readable private key");
    CHECK(scep_unwrap(h, b.data, b.len, NULL, ca_cert, "01ab") == NULL);
    CHECK_ERROR(h, SCEP_ERR_KEY, "looks like a PKCS#11 key id, but the "
                                 "handle has no token");
    CHECK(scep_parse(h, b.data, b.len, "") == NULL);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "verification certificate is empty");
    CHECK(scep_unwrap(h, b.data, b.len, "", ca_cert, ca_key) == NULL);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "signer certificate is empty");
    CHECK(scep_parse(h, b.data, b.len, "garbage") == NULL);
    CHECK_ERROR(h, SCEP_ERR_CERT, "verification certificate is neither PEM");

    free(other_key);
    free(other_cert);
    scep_free(b.data);
    scep_cleanup(h);
}

/* A reply must come from exactly the certificate the client trusts: an
 * RA's reply is checked against the RA signing certificate, and even a
 * certificate the CA issued does not pass for the CA. */
static void test_reply_signers(void)
{
    struct built req = der_request(), reply = {NULL, 0};
    SCEP *h = scep_create_handle();
    char *ra_key = vector_file("keys/ra-sign-key.pem", NULL);
    char *ra_cert = vector_file("keys/ra-sign.pem", NULL);
    char *other_cert = vector_file(OTHER_CERT, NULL);
    SCEP_MESSAGE *m;

    BUILT(h, scep_create_pending_reply(h, ra_key, ra_cert, req.data, req.len,
                                       &reply.data, &reply.len), "ra reply");
    m = scep_parse(h, reply.data, reply.len, ra_cert);
    CHECK(m != NULL);
    scep_message_free(m);
    CHECK(scep_parse(h, reply.data, reply.len, ca_cert) == NULL);
    CHECK_ERROR(h, SCEP_ERR_VERIFY, "give that one");
    CHECK(scep_parse(h, reply.data, reply.len, other_cert) == NULL);
    CHECK_ERROR(h, SCEP_ERR_VERIFY, "not signed by the certificate given");

    scep_free(reply.data);
    free(ra_key);
    free(ra_cert);
    free(other_cert);
    scep_free(req.data);
    scep_cleanup(h);
}

static void test_missing_values(void)
{
    struct built req = der_request(), reply = {NULL, 0}, none = {NULL, 0};
    SCEP *h = scep_create_handle();
    SCEP_MESSAGE *m = scep_parse(h, req.data, req.len, NULL);

    CHECK(scep_get_pkcs10(m) == NULL);
    CHECK_MESSAGE_ERROR(m, SCEP_ERR_STATE, "until it is unwrapped");
    CHECK(scep_get_pki_status(m) == NULL);
    CHECK_MESSAGE_ERROR(m, SCEP_ERR_STATE, "this PKCSReq has no pkiStatus");
    CHECK(scep_get_ca_cert(m) == NULL);
    CHECK(scep_get_challenge_password(m) == NULL);

    /* The message stays usable after its handle is gone. */
    scep_cleanup(h);
    CHECK(scep_get_transaction_id(m) != NULL);
    CHECK(scep_get_signer_cert(m) != NULL);
    scep_message_free(m);

    h = scep_create_handle();
    CHECK(scep_create_pending_reply(h, ca_key, ca_cert, req.data, req.len,
                                    &reply.data, &reply.len) == 0);
    /* A reply is not a request to answer. */
    CHECK(scep_create_pending_reply(h, ca_key, ca_cert, reply.data,
                                    reply.len, &none.data, &none.len) == -1);
    CHECK(none.data == NULL && none.len == 0);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "itself a CertRep");
    /* PENDING is never decrypted, so no key is needed. */
    m = scep_unwrap(h, reply.data, reply.len, ca_cert, NULL, NULL);
    CHECK(m != NULL && scep_get_cert(m) == NULL);
    scep_message_free(m);
    scep_free(reply.data);
    scep_free(req.data);
    scep_cleanup(h);
}

static void test_wrong_arguments(void)
{
    SCEP *h = scep_create_handle();
    unsigned char *out = NULL;
    size_t len = 0;

    CHECK(scep_pkcsreq(h, client_key, client_cert, ca_cert, NULL, &out,
                       &len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "no certificate request given");
    CHECK(scep_pkcsreq(h, client_key, client_cert, ca_cert, "not base64!",
                       &out, &len) == -1);
    CHECK_ERROR(h, SCEP_ERR_FORMAT,
                "certificate request is neither PEM nor base64");
    CHECK(scep_pkcsreq(h, client_key, client_cert, ca_cert, ca_cert, &out,
                       &len) == -1);
    CHECK_ERROR(h, SCEP_ERR_CERT, "not a readable PKCS#10");
    CHECK(scep_pkcsreq(h, client_key, ca_cert, ca_cert, csr, &out, &len) ==
          -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "does not belong to the signer");
    CHECK(scep_pkcsreq(h, client_key, client_cert, ca_cert, csr, NULL,
                       &len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "no output buffer");
    scep_cleanup(h);
}

int main(void)
{
    load_test_keys();

    test_tampering();
    test_garbage();
    test_truncation();
    test_limits();
    test_wrong_keys();
    test_reply_signers();
    test_missing_values();
    test_wrong_arguments();

    free_test_keys();
    return harness_result("errors");
}
