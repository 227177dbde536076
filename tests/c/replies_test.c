/*
 * CertRep replies (PENDING, FAILURE with every failInfo, SUCCESS with a
 * certificate, a chain or a CRL), built from the request and from its
 * parts, read back by the client; and GetCACert / GetNextCACert bundles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *issued;

/* A PKCSReq from the client, with the given algorithms (NULL: default). */
static struct built request(const char *digest, const char *cipher)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};

    scep_set_sigalg(h, digest);
    scep_set_encalg(h, cipher);
    BUILT(h, scep_pkcsreq(h, client_key, client_cert, ca_cert, csr, &b.data,
                          &b.len), "pkcsreq");
    scep_cleanup(h);
    return b;
}

static int same_nonce(SCEP_MESSAGE *reply, SCEP_MESSAGE *req)
{
    unsigned char *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
    int same = scep_get_recipient_nonce(reply, &a, &a_len) == 0 &&
               scep_get_sender_nonce(req, &b, &b_len) == 0 &&
               a_len == b_len && memcmp(a, b, a_len) == 0;

    scep_free(a);
    scep_free(b);
    return same;
}

/* The client reads the reply: signed by the CA, echoing its request. */
static SCEP_MESSAGE *client_reads(SCEP *h, struct built *reply,
                                  struct built *req, const char *status)
{
    SCEP_MESSAGE *m = scep_unwrap(h, reply->data, reply->len, ca_cert,
                                  client_cert, client_key);
    SCEP_MESSAGE *r = scep_parse(h, req->data, req->len, NULL);

    if (m == NULL || r == NULL) {
        harness_fail(__FILE__, __LINE__, "reading the reply: %s",
                     scep_last_error(h));
        scep_message_free(r);
        scep_message_free(m);
        return NULL;
    }
    CHECK_STR(scep_get_message_type(m), "CertRep");
    CHECK_STR(scep_get_pki_status(m), status);
    CHECK_STR(scep_get_transaction_id(m), scep_get_transaction_id(r));
    CHECK(same_nonce(m, r));
    scep_message_free(r);
    return m;
}

static void test_pending_and_failure(void)
{
    static const char *const infos[] = {"badAlg", "badMessageCheck",
                                        "badRequest", "badTime",
                                        "badCertId"};
    SCEP *h = scep_create_handle();
    struct built req = request(NULL, NULL), reply = {NULL, 0};
    SCEP_MESSAGE *m;
    size_t i;

    if (BUILT(h, scep_create_pending_reply(h, ca_key, ca_cert, req.data,
                                           req.len, &reply.data,
                                           &reply.len), "pending") &&
        (m = client_reads(h, &reply, &req, "PENDING"))) {
        CHECK(scep_get_fail_info(m) == NULL);
        CHECK_MESSAGE_ERROR(m, SCEP_ERR_STATE, "no failInfo");
        CHECK(scep_get_cert(m) == NULL);
        scep_message_free(m);
    }
    scep_free(reply.data);

    for (i = 0; i < 5; i++) {
        if (BUILT(h, scep_create_error_reply(h, ca_key, ca_cert, req.data,
                                             req.len, infos[i], &reply.data,
                                             &reply.len), infos[i]) &&
            (m = client_reads(h, &reply, &req, "FAILURE"))) {
            CHECK_STR(scep_get_fail_info(m), infos[i]);
            scep_message_free(m);
        }
        scep_free(reply.data);
    }

    CHECK(scep_create_error_reply(h, ca_key, ca_cert, req.data, req.len,
                                  "badLuck", &reply.data, &reply.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "unknown failInfo \"badLuck\"");
    scep_free(req.data);
    scep_cleanup(h);
}

static void test_success(void)
{
    SCEP *h = scep_create_handle();
    struct built req = request(NULL, NULL), reply = {NULL, 0};
    size_t chain_len = strlen(issued) + strlen(ca_cert) + 1;
    char *chain = malloc(chain_len);
    SCEP_MESSAGE *m;

    snprintf(chain, chain_len, "%s%s", issued, ca_cert);
    if (BUILT(h, scep_create_certificate_reply(h, ca_key, ca_cert, req.data,
                                               req.len, issued, &reply.data,
                                               &reply.len), "success") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_cert(m), issued);
        CHECK_STR(scep_get_cipher(m), "aes-128-cbc");
        scep_message_free(m);
    }
    scep_free(reply.data);

    /* A chain comes back whole, the issued certificate first. */
    if (BUILT(h, scep_create_certificate_reply(h, ca_key, ca_cert, req.data,
                                               req.len, chain, &reply.data,
                                               &reply.len), "chain") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_cert(m), chain);
        scep_message_free(m);
    }
    scep_free(reply.data);
    free(chain);
    scep_free(req.data);
    scep_cleanup(h);
}

/* Replies use the request's algorithms unless the handle chose others. */
static void test_mirrored_algorithms(void)
{
    SCEP *h = scep_create_handle();
    struct built req = request("sha1", "des3"), reply = {NULL, 0};
    SCEP_MESSAGE *m;

    if (BUILT(h, scep_create_certificate_reply(h, ca_key, ca_cert, req.data,
                                               req.len, issued, &reply.data,
                                               &reply.len), "mirror") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_digest(m), "sha1");
        CHECK_STR(scep_get_cipher(m), "des-ede3-cbc");
        scep_message_free(m);
    }
    scep_free(reply.data);

    scep_set_sigalg(h, "sha512");
    scep_set_encalg(h, "aes256");
    if (BUILT(h, scep_create_certificate_reply(h, ca_key, ca_cert, req.data,
                                               req.len, issued, &reply.data,
                                               &reply.len), "override") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_digest(m), "sha512");
        CHECK_STR(scep_get_cipher(m), "aes-256-cbc");
        scep_message_free(m);
    }
    scep_free(reply.data);
    scep_free(req.data);
    scep_cleanup(h);
}

/* Every reply gets a fresh senderNonce, never the request's. */
static void test_fresh_nonces(void)
{
    SCEP *h = scep_create_handle();
    struct built req = request(NULL, NULL), a = {NULL, 0}, b = {NULL, 0};
    SCEP_MESSAGE *ma = NULL, *mb = NULL, *mr;
    unsigned char *na = NULL, *nb = NULL, *nr = NULL;
    size_t la = 0, lb = 0, lr = 0;

    BUILT(h, scep_create_pending_reply(h, ca_key, ca_cert, req.data,
                                       req.len, &a.data, &a.len), "a");
    BUILT(h, scep_create_pending_reply(h, ca_key, ca_cert, req.data,
                                       req.len, &b.data, &b.len), "b");
    ma = scep_parse(h, a.data, a.len, NULL);
    mb = scep_parse(h, b.data, b.len, NULL);
    mr = scep_parse(h, req.data, req.len, NULL);
    CHECK(ma && mb && mr);
    if (ma && mb && mr) {
        scep_get_sender_nonce(ma, &na, &la);
        scep_get_sender_nonce(mb, &nb, &lb);
        scep_get_sender_nonce(mr, &nr, &lr);
        CHECK(la == 16 && lb == 16 && memcmp(na, nb, 16) != 0);
        CHECK(memcmp(na, nr, 16) != 0);
    }
    scep_free(na);
    scep_free(nb);
    scep_free(nr);
    scep_message_free(ma);
    scep_message_free(mb);
    scep_message_free(mr);
    scep_free(a.data);
    scep_free(b.data);
    scep_free(req.data);
    scep_cleanup(h);
}

static void test_wop7(void)
{
    SCEP *h = scep_create_handle();
    struct built req = request(NULL, NULL), reply = {NULL, 0};
    SCEP_MESSAGE *r = scep_parse(h, req.data, req.len, NULL), *m;
    const char *id = scep_get_transaction_id(r);
    unsigned char *nonce = NULL;
    size_t nonce_len = 0;
    char *crl = vector_file("keys/ca.crl", NULL);

    scep_get_sender_nonce(r, &nonce, &nonce_len);
    if (BUILT(h, scep_create_pending_reply_wop7(h, ca_key, ca_cert, id,
                                                nonce, nonce_len, &reply.data,
                                                &reply.len), "pending wop7") &&
        (m = client_reads(h, &reply, &req, "PENDING")))
        scep_message_free(m);
    scep_free(reply.data);

    if (BUILT(h, scep_create_error_reply_wop7(h, ca_key, ca_cert, id, nonce,
                                              nonce_len, "badTime",
                                              &reply.data, &reply.len),
              "error wop7") &&
        (m = client_reads(h, &reply, &req, "FAILURE"))) {
        CHECK_STR(scep_get_fail_info(m), "badTime");
        scep_message_free(m);
    }
    scep_free(reply.data);

    if (BUILT(h, scep_create_certificate_reply_wop7(
                     h, ca_key, ca_cert, id, nonce, nonce_len, client_cert,
                     issued, &reply.data, &reply.len), "success wop7") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_cert(m), issued);
        scep_message_free(m);
    }
    scep_free(reply.data);

    if (BUILT(h, scep_create_crl_reply_wop7(h, ca_key, ca_cert, id, nonce,
                                            nonce_len, client_cert, crl,
                                            &reply.data, &reply.len),
              "crl wop7") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_crl(m), crl);
        CHECK(scep_get_cert(m) == NULL);
        scep_message_free(m);
    }
    scep_free(reply.data);

    CHECK(scep_create_pending_reply_wop7(h, ca_key, ca_cert, id, nonce, 2,
                                         &reply.data, &reply.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "senderNonce must be 4 to 64 bytes");
    CHECK(scep_create_pending_reply_wop7(h, ca_key, ca_cert, "", nonce,
                                         nonce_len, &reply.data,
                                         &reply.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "no transactionID");

    free(crl);
    scep_free(nonce);
    scep_message_free(r);
    scep_free(req.data);
    scep_cleanup(h);
}

static void test_crl_reply(void)
{
    SCEP *h = scep_create_handle();
    struct built req = {NULL, 0}, reply = {NULL, 0};
    char *crl = vector_file("keys/ca.crl", NULL);
    SCEP_MESSAGE *m;

    BUILT(h, scep_getcrl(h, client_key, client_cert, ca_cert, issued,
                         &req.data, &req.len), "getcrl");
    if (BUILT(h, scep_create_crl_reply(h, ca_key, ca_cert, req.data, req.len,
                                       crl, &reply.data, &reply.len),
              "crl reply") &&
        (m = client_reads(h, &reply, &req, "SUCCESS"))) {
        CHECK_STR(scep_get_crl(m), crl);
        scep_message_free(m);
    }
    scep_free(reply.data);

    /* A reply to a reply makes no sense. */
    CHECK(scep_create_pending_reply(h, ca_key, ca_cert, reply.data, 0,
                                    &reply.data, &reply.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_FORMAT, "empty");
    free(crl);
    scep_free(req.data);
    scep_cleanup(h);
}

static void check_bundle(SCEP *h, const unsigned char *data, size_t len,
                         const char *ca, const char *ra_sign,
                         const char *ra_enc, const char *all)
{
    SCEP_MESSAGE *m = scep_read_ca_certs(h, data, len);

    if (m == NULL) {
        harness_fail(__FILE__, __LINE__, "bundle: %s", scep_last_error(h));
        return;
    }
    CHECK_STR(scep_get_message_type(m), "CertsOnly");
    CHECK_STR(scep_get_ca_cert(m), ca);
    CHECK_STR(scep_get_ra_signing_cert(m), ra_sign);
    CHECK_STR(scep_get_ra_encryption_cert(m), ra_enc);
    if (all != NULL)
        CHECK_STR(scep_get_cert(m), all);
    scep_message_free(m);
}

static void test_ca_bundles(void)
{
    SCEP *h = scep_create_handle();
    char *ra_sign = vector_file("keys/ra-sign.pem", NULL);
    char *ra_enc = vector_file("keys/ra-encrypt.pem", NULL);
    size_t p7_len = 0, chain_len;
    char *p7 = vector_file("keys/ca-ra-bundle.p7b", &p7_len);
    char *chain;
    struct built b = {NULL, 0};

    /* openssl crl2pkcs7 order: RA encryption, RA signing, CA last. */
    check_bundle(h, (unsigned char *)p7, p7_len, ca_cert, ra_sign, ra_enc,
                 NULL);
    /* A bare CA certificate plays every role. */
    check_bundle(h, (unsigned char *)ca_cert, strlen(ca_cert), ca_cert,
                 ca_cert, ca_cert, ca_cert);

    chain_len = strlen(ca_cert) + strlen(ra_sign) + strlen(ra_enc) + 1;
    chain = malloc(chain_len);
    snprintf(chain, chain_len, "%s%s%s", ca_cert, ra_sign, ra_enc);
    if (BUILT(h, scep_create_certs_only(h, chain, NULL, NULL, &b.data,
                                        &b.len), "certs-only"))
        check_bundle(h, b.data, b.len, ca_cert, ra_sign, ra_enc, chain);
    scep_free(b.data);

    if (BUILT(h, scep_create_nextca_reply(h, chain, ca_cert, ca_key, &b.data,
                                          &b.len), "nextca"))
        check_bundle(h, b.data, b.len, ca_cert, ra_sign, ra_enc, chain);
    scep_free(b.data);

    CHECK(scep_create_nextca_reply(h, chain, NULL, NULL, &b.data,
                                   &b.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "must be signed");
    free(chain);
    free(p7);
    free(ra_sign);
    free(ra_enc);
    scep_cleanup(h);
}

int main(void)
{
    load_test_keys();
    issued = vector_file("peers/captured/keys/micromdm-ca/issued/"
                         "libscep-client-1.11.pem", NULL);

    test_pending_and_failure();
    test_success();
    test_mirrored_algorithms();
    test_fresh_nonces();
    test_wop7();
    test_crl_reply();
    test_ca_bundles();

    free_test_keys();
    free(issued);
    return harness_result("replies");
}
