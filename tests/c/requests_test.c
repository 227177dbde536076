/*
 * Every request kind, with every digest and cipher, built by the library
 * and read back by the CA side: the attributes, the transactionID rules
 * of DESIGN.md and the decrypted content.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *const digests[][2] = {
    {"md5", "md5"},       {"sha1", "sha1"},     {"sha224", "sha224"},
    {"sha256", "sha256"}, {"sha384", "sha384"}, {"sha512", "sha512"},
    {"SHA-256", "sha256"},
};

static const char *const ciphers[][2] = {
    {"des", "des-cbc"},          {"des-cbc", "des-cbc"},
    {"des3", "des-ede3-cbc"},    {"des-ede3-cbc", "des-ede3-cbc"},
    {"aes128", "aes-128-cbc"},   {"aes-128-cbc", "aes-128-cbc"},
    {"aes192", "aes-192-cbc"},   {"aes256", "aes-256-cbc"},
    {"aes-256-cbc", "aes-256-cbc"},
};

/* Unwraps as the CA and checks what every request carries. */
static SCEP_MESSAGE *ca_reads(SCEP *h, struct built *b, const char *type,
                              const char *digest, const char *cipher)
{
    SCEP_MESSAGE *m = scep_unwrap(h, b->data, b->len, NULL, ca_cert, ca_key);

    if (m == NULL) {
        harness_fail(__FILE__, __LINE__, "unwrap %s: %s", type,
                     scep_last_error(h));
        return NULL;
    }
    CHECK_STR(scep_get_message_type(m), type);
    CHECK_STR(scep_get_digest(m), digest);
    CHECK_STR(scep_get_cipher(m), cipher);
    CHECK(scep_get_signature_verified(m));
    return m;
}

static void pkcsreq_with(const char *digest, const char *digest_name,
                         const char *cipher, const char *cipher_name)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;
    char *id = expected_key_transaction_id(csr);
    unsigned char *nonce;
    size_t nonce_len;

    CHECK(scep_set_sigalg(h, digest) == 0);
    CHECK(scep_set_encalg(h, cipher) == 0);
    if (BUILT(h, scep_pkcsreq(h, client_key, client_cert, ca_cert, csr,
                              &b.data, &b.len), "pkcsreq") &&
        (m = ca_reads(h, &b, "PKCSReq", digest_name, cipher_name))) {
        CHECK_STR(scep_get_transaction_id(m), id);
        CHECK_STR(scep_get_pkcs10(m), csr);
        CHECK_STR(scep_get_subject(m),
                  "/C=DE/O=libscep-test/CN=libscep-client-1");
        CHECK(scep_get_sender_nonce(m, &nonce, &nonce_len) == 0 &&
              nonce_len == 16);
        scep_free(nonce);
        CHECK(scep_get_recipient_nonce(m, &nonce, &nonce_len) == -1);
        CHECK_MESSAGE_ERROR(m, SCEP_ERR_STATE, "no recipientNonce");
        scep_message_free(m);
    }
    scep_free(b.data);
    free(id);
    scep_cleanup(h);
}

static void test_algorithms(void)
{
    size_t d, c;

    for (d = 0; d < sizeof(digests) / sizeof(digests[0]); d++)
        for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
            pkcsreq_with(digests[d][0], digests[d][1], ciphers[c][0],
                         ciphers[c][1]);
}

static void test_defaults_and_self_signed(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;

    /* No signer certificate: a self-signed one is made from the CSR. */
    if (BUILT(h, scep_pkcsreq(h, client_key, NULL, ca_cert, csr, &b.data,
                              &b.len), "pkcsreq") &&
        (m = ca_reads(h, &b, "PKCSReq", "sha256", "aes-128-cbc"))) {
        CHECK(strstr((char *)b.data, "-----BEGIN PKCS7-----") ==
              (char *)b.data);
        CHECK(scep_get_signer_cert(m) != NULL);
        scep_message_free(m);
    }
    scep_free(b.data);

    CHECK(scep_set_output_format(h, SCEP_FORMAT_DER) == 0);
    if (BUILT(h, scep_pkcsreq(h, client_key, client_cert, ca_cert, csr,
                              &b.data, &b.len), "pkcsreq DER")) {
        CHECK(b.data[0] == 0x30);
        m = scep_parse(h, b.data, b.len, NULL);
        CHECK(m != NULL);
        scep_message_free(m);
    }
    scep_free(b.data);
    scep_cleanup(h);
}

static void test_renewalreq(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;

    if (BUILT(h, scep_renewalreq(h, client_key, client_cert, ca_cert, csr,
                                 &b.data, &b.len), "renewalreq") &&
        (m = ca_reads(h, &b, "RenewalReq", "sha256", "aes-128-cbc"))) {
        CHECK_STR(scep_get_pkcs10(m), csr);
        scep_message_free(m);
    }
    scep_free(b.data);

    CHECK(scep_renewalreq(h, client_key, NULL, ca_cert, csr, &b.data,
                          &b.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "existing certificate");
    scep_cleanup(h);
}

static void test_getcertinitial(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;
    char *id = expected_key_transaction_id(csr);

    if (BUILT(h, scep_getcertinitial(h, client_key, client_cert, ca_cert,
                                     csr, ca_cert, &b.data, &b.len),
              "getcertinitial") &&
        (m = ca_reads(h, &b, "GetCertInitial", "sha256", "aes-128-cbc"))) {
        CHECK_STR(scep_get_transaction_id(m), id);
        CHECK_STR(scep_get_issuer(m), "/C=US/O=scep-ca/OU=SCEP CA");
        CHECK_STR(scep_get_subject(m),
                  "/C=DE/O=libscep-test/CN=libscep-client-1");
        CHECK(scep_get_pkcs10(m) == NULL);
        CHECK_MESSAGE_ERROR(m, SCEP_ERR_STATE, "no certificate request");
        scep_message_free(m);
    }
    scep_free(b.data);
    free(id);
    scep_cleanup(h);
}

static void getcert_with(const char *serial_text, long serial,
                         const char *printed)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;
    char *id = expected_serial_transaction_id(ca_cert, serial, 21);

    if (BUILT(h, scep_getcert(h, client_key, client_cert, ca_cert, ca_cert,
                              serial_text, &b.data, &b.len), "getcert") &&
        (m = ca_reads(h, &b, "GetCert", "sha256", "aes-128-cbc"))) {
        CHECK_STR(scep_get_transaction_id(m), id);
        CHECK_STR(scep_get_issuer(m), "/C=US/O=scep-ca/OU=SCEP CA");
        CHECK_STR(scep_get_getcert_serial(m), printed);
        scep_message_free(m);
    }
    scep_free(b.data);
    free(id);
    scep_cleanup(h);
}

static void test_getcert(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;

    getcert_with("10", 10, "10");
    getcert_with("0x0A", 10, "10");
    getcert_with("4294967296", 4294967296L, "4294967296");

    /* From 128 bits on, OpenSSL prints serials in 0x-hex. */
    if (BUILT(h, scep_getcert(h, client_key, client_cert, ca_cert, ca_cert,
                              "0x0102030405060708090A0B0C0D0E0F1011",
                              &b.data, &b.len), "getcert big") &&
        (m = ca_reads(h, &b, "GetCert", "sha256", "aes-128-cbc"))) {
        CHECK_STR(scep_get_getcert_serial(m),
                  "0x0102030405060708090A0B0C0D0E0F1011");
        scep_message_free(m);
    }
    scep_free(b.data);

    CHECK(scep_getcert(h, client_key, client_cert, ca_cert, ca_cert, "12z",
                       &b.data, &b.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "neither decimal nor 0x-hex");
    CHECK(scep_getcert(h, client_key, client_cert, ca_cert, ca_cert, "",
                       &b.data, &b.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "no serial number");
    scep_cleanup(h);
}

static void test_getcrl(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    char *issued =
        vector_file("peers/captured/keys/micromdm-ca/issued/"
                    "libscep-client-1.11.pem", NULL);
    char *id = expected_serial_transaction_id(ca_cert, 11, 22);
    SCEP_MESSAGE *m;

    if (BUILT(h, scep_getcrl(h, client_key, client_cert, ca_cert, issued,
                             &b.data, &b.len), "getcrl") &&
        (m = ca_reads(h, &b, "GetCRL", "sha256", "aes-128-cbc"))) {
        CHECK_STR(scep_get_transaction_id(m), id);
        CHECK_STR(scep_get_issuer(m), "/C=US/O=scep-ca/OU=SCEP CA");
        CHECK_STR(scep_get_getcert_serial(m), "11");
        scep_message_free(m);
    }
    scep_free(b.data);
    free(id);
    free(issued);
    scep_cleanup(h);
}

static void test_legacy_key_and_expired_cert(void)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};
    char *key = vector_file("keys/legacy-1024-key.pem", NULL);
    char *cert = vector_file("keys/legacy-1024-expired.pem", NULL);
    char *old_csr = vector_file("keys/legacy-1024.csr", NULL);
    SCEP_MESSAGE *m;

    scep_set_sigalg(h, "sha1");
    scep_set_encalg(h, "des3");
    if (BUILT(h, scep_pkcsreq(h, key, cert, ca_cert, old_csr, &b.data,
                              &b.len), "pkcsreq 1024-bit SHA-1") &&
        (m = ca_reads(h, &b, "PKCSReq", "sha1", "des-ede3-cbc"))) {
        CHECK_STR(scep_get_pkcs10(m), old_csr);
        scep_message_free(m);
    }
    scep_free(b.data);
    free(key);
    free(cert);
    free(old_csr);
    scep_cleanup(h);
}

int main(void)
{
    load_test_keys();

    test_algorithms();
    test_defaults_and_self_signed();
    test_renewalreq();
    test_getcertinitial();
    test_getcert();
    test_getcrl();
    test_legacy_key_and_expired_cert();

    free_test_keys();
    return harness_result("requests");
}
