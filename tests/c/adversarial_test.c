/*
 * Input a hostile device or a careless caller sends that is well formed
 * enough to pass the parser: requests assembled here with OpenSSL
 * directly (so the library's own builder cannot tidy them), CSRs without
 * proof of possession, certificate chains with an unreadable member,
 * transactionIDs outside the PrintableString alphabet or with control
 * characters, and replies signed by a CA certificate not meant to sign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "harness.h"

#define OID_MESSAGE_TYPE "2.16.840.1.113733.1.9.2"
#define OID_SENDER_NONCE "2.16.840.1.113733.1.9.5"
#define OID_TRANSACTION_ID "2.16.840.1.113733.1.9.7"

/* ---- OpenSSL helpers, independent of the library ----------------------- */

static X509 *pem_cert(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);

    BIO_free(bio);
    return cert;
}

static EVP_PKEY *pem_key(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    BIO_free(bio);
    return key;
}

/* The client CSR as DER, with its last signature byte flipped when
 * tamper is set. */
static unsigned char *csr_der(int tamper, int *len)
{
    BIO *bio = BIO_new_mem_buf(csr, -1);
    X509_REQ *req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
    unsigned char *der = NULL;

    *len = i2d_X509_REQ(req, &der);
    if (tamper && *len > 0)
        der[*len - 1] ^= 1;
    X509_REQ_free(req);
    BIO_free(bio);
    return der;
}

static char *der_to_pem_csr(const unsigned char *der, int len)
{
    const unsigned char *p = der;
    X509_REQ *req = d2i_X509_REQ(NULL, &p, len);
    BIO *bio = BIO_new(BIO_s_mem());
    char *data, *text;
    long n;

    PEM_write_bio_X509_REQ(bio, req);
    n = BIO_get_mem_data(bio, &data);
    text = calloc(1, (size_t)n + 1);
    memcpy(text, data, (size_t)n);
    BIO_free(bio);
    X509_REQ_free(req);
    return text;
}

static void add_attr(PKCS7_SIGNER_INFO *si, const char *oid, int type,
                     const void *value, int len)
{
    X509at_add1_attr_by_txt(&si->auth_attr, oid, type, value, len);
}

/*
 * A PKCSReq made without the library: payload encrypted to the CA,
 * signed by the client's self-signed certificate, with the given
 * transactionID (as an ASN.1 string of id_type) and messageType.
 */
static struct built raw_request(const unsigned char *payload, int len,
                                const char *id, int id_type, const char *type)
{
    static const unsigned char nonce[16] = "adversarialnonc";
    X509 *ca = pem_cert(ca_cert), *signer = pem_cert(client_cert);
    EVP_PKEY *key = pem_key(client_key);
    STACK_OF(X509) *to = sk_X509_new_null();
    BIO *in = BIO_new_mem_buf(payload, len), *env_bio = NULL;
    int flags = PKCS7_BINARY | PKCS7_NOSMIMECAP | PKCS7_PARTIAL;
    PKCS7 *env, *p7;
    PKCS7_SIGNER_INFO *si;
    unsigned char *env_der = NULL, *out = NULL;
    int env_len;
    struct built b = {NULL, 0};

    sk_X509_push(to, ca);
    env = PKCS7_encrypt(to, in, EVP_aes_128_cbc(), PKCS7_BINARY);
    env_len = i2d_PKCS7(env, &env_der);
    env_bio = BIO_new_mem_buf(env_der, env_len);

    p7 = PKCS7_sign(NULL, NULL, NULL, NULL, flags);
    si = PKCS7_sign_add_signer(p7, signer, key, EVP_sha256(), flags);
    add_attr(si, OID_TRANSACTION_ID, id_type, id, (int)strlen(id));
    add_attr(si, OID_MESSAGE_TYPE, V_ASN1_PRINTABLESTRING, type,
             (int)strlen(type));
    add_attr(si, OID_SENDER_NONCE, V_ASN1_OCTET_STRING, nonce, 16);
    if (PKCS7_final(p7, env_bio, PKCS7_BINARY) == 1) {
        int n = i2d_PKCS7(p7, &out);

        b.data = malloc((size_t)n);
        memcpy(b.data, out, (size_t)n);
        b.len = (size_t)n;
    }
    CHECK(b.data != NULL);

    OPENSSL_free(out);
    OPENSSL_free(env_der);
    PKCS7_free(p7);
    PKCS7_free(env);
    BIO_free(env_bio);
    BIO_free(in);
    sk_X509_free(to);
    X509_free(ca);
    X509_free(signer);
    EVP_PKEY_free(key);
    return b;
}

/* The ASN.1 type the transactionID of a DER message is written as. */
static int id_type_of(const struct built *b)
{
    const unsigned char *p = b->data;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)b->len);
    PKCS7_SIGNER_INFO *si;
    ASN1_OBJECT *oid = OBJ_txt2obj(OID_TRANSACTION_ID, 1);
    int type = -1, i;

    if (p7 != NULL && PKCS7_type_is_signed(p7)) {
        si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
        i = X509at_get_attr_by_OBJ(si->auth_attr, oid, -1);
        if (i >= 0)
            type =
                X509_ATTRIBUTE_get0_type(X509at_get_attr(si->auth_attr, i), 0)
                    ->type;
    }
    ASN1_OBJECT_free(oid);
    PKCS7_free(p7);
    return type;
}

/* ---- Proof of possession -------------------------------------------- */

/* A client must not send, and a CA must not accept, a CSR whose own
 * signature fails: it proves nothing about who holds the key. */
static void test_csr_signature(void)
{
    SCEP *h = scep_create_handle();
    int len;
    unsigned char *bad = csr_der(1, &len), *good;
    char *bad_pem = der_to_pem_csr(bad, len);
    struct built out = {NULL, 0}, req;
    SCEP_MESSAGE *m;

    CHECK(scep_pkcsreq(h, client_key, client_cert, ca_cert, bad_pem, &out.data,
                       &out.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_VERIFY, "CSR's own signature does not verify");
    CHECK(out.data == NULL);

    req = raw_request(bad, len, "tampered-csr", V_ASN1_PRINTABLESTRING, "19");
    m = scep_unwrap(h, req.data, req.len, NULL, ca_cert, ca_key);
    CHECK(m == NULL);
    CHECK_ERROR(h, SCEP_ERR_VERIFY, "CSR's own signature does not verify");
    scep_message_free(m);
    free(req.data);

    /* The same request with the CSR intact is accepted. */
    good = csr_der(0, &len);
    req = raw_request(good, len, "intact-csr", V_ASN1_PRINTABLESTRING, "19");
    m = scep_unwrap(h, req.data, req.len, NULL, ca_cert, ca_key);
    CHECK(m != NULL);
    CHECK_STR(scep_get_transaction_id(m), "intact-csr");
    scep_message_free(m);
    free(req.data);

    OPENSSL_free(good);
    OPENSSL_free(bad);
    free(bad_pem);
    scep_cleanup(h);
}

/* ---- Certificate chains ---------------------------------------------- */

/* A copy of pem with one base64 character of its body replaced. */
static char *corrupted(const char *pem)
{
    char *copy = strdup(pem), *body = strstr(copy, "MII");

    body[40] = '!';
    return copy;
}

static void test_chain_member_unreadable(void)
{
    SCEP *h = scep_create_handle();
    char *broken = corrupted(client_cert);
    char *chain = malloc(strlen(ca_cert) + strlen(broken) + 1);
    struct built out = {NULL, 0}, req = {NULL, 0};

    /* Before, reading stopped at the bad block and the bundle went out
     * with one certificate, as if the chain had no more. */
    sprintf(chain, "%s%s", ca_cert, broken);
    CHECK(scep_create_certs_only(h, chain, NULL, NULL, &out.data, &out.len) ==
          -1);
    CHECK_ERROR(h, SCEP_ERR_CERT, "certificate 2 of the certificate chain");

    BUILT(h,
          scep_pkcsreq(h, client_key, client_cert, ca_cert, csr, &req.data,
                       &req.len),
          "pkcsreq");
    CHECK(scep_create_certificate_reply(h, ca_key, ca_cert, req.data, req.len,
                                        chain, &out.data, &out.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_CERT, "certificate 2 of the issued certificate");

    /* Other PEM blocks between certificates are skipped, as before. */
    chain = realloc(chain, strlen(ca_cert) + strlen(client_key) +
                               strlen(client_cert) + 1);
    sprintf(chain, "%s%s%s", ca_cert, client_key, client_cert);
    BUILT(h, scep_create_certs_only(h, chain, NULL, NULL, &out.data, &out.len),
          "bundle with a key block");
    scep_free(out.data);

    scep_free(req.data);
    free(chain);
    free(broken);
    scep_cleanup(h);
}

/* ---- transactionID ---------------------------------------------------- */

/* '_' and '@' are not in the PrintableString alphabet: such an ID must be
 * written as a UTF8String, or strict peers refuse the message. */
static void test_id_alphabet(void)
{
    static const unsigned char nonce[16] = "0123456789abcdef";
    SCEP *h = scep_create_handle();
    struct built out = {NULL, 0};
    SCEP_MESSAGE *m;

    scep_set_output_format(h, SCEP_FORMAT_DER);
    BUILT(h,
          scep_create_pending_reply_wop7(h, ca_key, ca_cert, "dev_1@site",
                                         nonce, 16, &out.data, &out.len),
          "pending reply");
    CHECK(id_type_of(&out) == V_ASN1_UTF8STRING);
    m = scep_parse(h, out.data, out.len, ca_cert);
    CHECK_STR(scep_get_transaction_id(m), "dev_1@site");
    scep_message_free(m);
    scep_free(out.data);

    BUILT(h,
          scep_create_pending_reply_wop7(h, ca_key, ca_cert, "ABC-123", nonce,
                                         16, &out.data, &out.len),
          "pending reply");
    CHECK(id_type_of(&out) == V_ASN1_PRINTABLESTRING);
    scep_free(out.data);
    scep_cleanup(h);
}

/* A reply echoes the request's ID: a UTF8String one stays UTF8String. */
static void test_id_echoed(void)
{
    SCEP *h = scep_create_handle();
    int len;
    unsigned char *good = csr_der(0, &len);
    struct built req =
        raw_request(good, len, "tx_\xc3\xbc", V_ASN1_UTF8STRING, "19");
    struct built out = {NULL, 0};
    SCEP_MESSAGE *m;

    scep_set_output_format(h, SCEP_FORMAT_DER);
    BUILT(h,
          scep_create_pending_reply(h, ca_key, ca_cert, req.data, req.len,
                                    &out.data, &out.len),
          "pending reply");
    CHECK(id_type_of(&out) == V_ASN1_UTF8STRING);
    m = scep_parse(h, out.data, out.len, ca_cert);
    CHECK_STR(scep_get_transaction_id(m), "tx_\xc3\xbc");
    scep_message_free(m);

    scep_free(out.data);
    free(req.data);
    OPENSSL_free(good);
    scep_cleanup(h);
}

/* IDs are logged and stored by CAs: a line break would forge log lines. */
static void test_id_control_characters(void)
{
    static const unsigned char nonce[16] = "0123456789abcdef";
    SCEP *h = scep_create_handle();
    int len;
    unsigned char *good = csr_der(0, &len);
    struct built req =
        raw_request(good, len, "tx\nfake log line", V_ASN1_IA5STRING, "19");
    struct built out = {NULL, 0};

    CHECK(scep_parse(h, req.data, req.len, NULL) == NULL);
    CHECK_ERROR(h, SCEP_ERR_ATTRIBUTE,
                "transactionID attribute holds a "
                "control character");
    CHECK(scep_create_pending_reply(h, ca_key, ca_cert, req.data, req.len,
                                    &out.data, &out.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ATTRIBUTE, "control character");

    CHECK(scep_create_pending_reply_wop7(h, ca_key, ca_cert, "a\tb", nonce, 16,
                                         &out.data, &out.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "control character");
    CHECK(out.data == NULL);

    free(req.data);
    OPENSSL_free(good);
    scep_cleanup(h);
}

/* ---- messageType ------------------------------------------------------ */

/* Only plain decimal digits name a message type: strtol would also take
 * " 19", "+19" and "019". */
static void test_message_type_spelling(void)
{
    static const char *const spellings[] = {" 19", "+19", "19 ", "019x",
                                            "-19", "00019"};
    SCEP *h = scep_create_handle();
    int len;
    unsigned char *good = csr_der(0, &len);
    size_t i;

    for (i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        struct built req = raw_request(good, len, "ID", V_ASN1_PRINTABLESTRING,
                                       spellings[i]);

        CHECK(scep_parse(h, req.data, req.len, NULL) == NULL);
        CHECK_ERROR(h, SCEP_ERR_ATTRIBUTE, "messageType attribute");
        free(req.data);
    }
    OPENSSL_free(good);
    scep_cleanup(h);
}

/* ---- Self-signed signers and capability lists ------------------------- */

/* Without a signer certificate, the signer key must be the CSR's. */
static void test_self_signed_key_mismatch(void)
{
    SCEP *h = scep_create_handle();
    char *other_key = vector_file(OTHER_KEY, NULL);
    struct built out = {NULL, 0};

    CHECK(scep_pkcsreq(h, other_key, NULL, ca_cert, csr, &out.data,
                       &out.len) == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "not the key of the certificate request");
    free(other_key);
    scep_cleanup(h);
}

static void test_binary_capabilities(void)
{
    static const char binary[] = "AES\nPOST\x01\xff\x80PKIOperation\n";
    SCEP *h = scep_create_handle();

    CHECK(scep_parse_capabilities(h, binary, sizeof(binary) - 1) == -1);
    CHECK_ERROR(h, SCEP_ERR_FORMAT, "not a GetCACaps keyword list");
    scep_cleanup(h);
}

/* ---- Reply signers ---------------------------------------------------- */

/* The CA also issues the RA's certificates (and every device's): a reply
 * signed by any of them must not pass as the CA's. */
static void test_reply_signer_key_usage(void)
{
    SCEP *h = scep_create_handle();
    char *enc_key = vector_file("keys/ra-encrypt-key.pem", NULL);
    char *enc_cert = vector_file("keys/ra-encrypt.pem", NULL);
    char *sign_key = vector_file("keys/ra-sign-key.pem", NULL);
    char *sign_cert = vector_file("keys/ra-sign.pem", NULL);
    struct built req = {NULL, 0}, reply = {NULL, 0};
    SCEP_MESSAGE *m;

    BUILT(h,
          scep_pkcsreq(h, client_key, client_cert, ca_cert, csr, &req.data,
                       &req.len),
          "pkcsreq");
    BUILT(h,
          scep_create_pending_reply(h, enc_key, enc_cert, req.data, req.len,
                                    &reply.data, &reply.len),
          "reply signed with the encryption certificate");
    CHECK(scep_parse(h, reply.data, reply.len, ca_cert) == NULL);
    CHECK_ERROR(h, SCEP_ERR_VERIFY, "not signed by the certificate given");
    CHECK(scep_unwrap(h, reply.data, reply.len, ca_cert, client_cert,
                      client_key) == NULL);
    CHECK_ERROR(h, SCEP_ERR_VERIFY, "not signed by the certificate given");
    scep_free(reply.data);

    /* The RA signing certificate passes when it is the one given. */
    BUILT(h,
          scep_create_pending_reply(h, sign_key, sign_cert, req.data, req.len,
                                    &reply.data, &reply.len),
          "reply signed with the signing certificate");
    CHECK(scep_parse(h, reply.data, reply.len, ca_cert) == NULL);
    m = scep_parse(h, reply.data, reply.len, sign_cert);
    CHECK(m != NULL);
    scep_message_free(m);

    scep_free(reply.data);
    scep_free(req.data);
    free(enc_key);
    free(enc_cert);
    free(sign_key);
    free(sign_cert);
    scep_cleanup(h);
}

int main(void)
{
    load_test_keys();

    test_csr_signature();
    test_chain_member_unreadable();
    test_id_alphabet();
    test_id_echoed();
    test_id_control_characters();
    test_reply_signer_key_usage();
    test_message_type_spelling();
    test_self_signed_key_mismatch();
    test_binary_capabilities();

    free_test_keys();
    return harness_result("adversarial");
}
