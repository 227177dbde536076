/*
 * Building pkiMessages: the envelope around the payload, the SignedData
 * with the SCEP attributes around that, and the payload of each request
 * kind (RFC 8894 section 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "internal.h"

#define NONCE_SIZE 16

/* The SCEP attributes of one message. */
struct scep_attrs {
    int type;
    const char *transaction_id;
    int pki_status;                    /* -1: none (requests) */
    int fail_info;                     /* -1: none */
    const unsigned char *recipient_nonce;
    size_t recipient_nonce_len;
};

/* ---- Transaction IDs --------------------------------------------------- */

static char *hex_upper(const unsigned char *bytes, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    char *text = malloc(2 * len + 1);
    size_t i;

    if (text == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        text[2 * i] = digits[bytes[i] >> 4];
        text[2 * i + 1] = digits[bytes[i] & 15];
    }
    text[2 * len] = '\0';
    return text;
}

/* Uppercase hex SHA-256 of the DER SubjectPublicKeyInfo of the CSR. */
static char *key_transaction_id(const X509_REQ *csr)
{
    unsigned char *spki = NULL, md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int len = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY((X509_REQ *)csr),
                              &spki);
    char *id = NULL;

    if (len > 0 && EVP_Digest(spki, (size_t)len, md, &md_len, EVP_sha256(),
                              NULL))
        id = hex_upper(md, md_len);
    OPENSSL_free(spki);
    return id;
}

/* SHA-256 over DER issuer, DER serial INTEGER and "21" or "22". */
static char *serial_transaction_id(const X509_NAME *issuer,
                                   const ASN1_INTEGER *serial, int type)
{
    unsigned char *name = NULL, *number = NULL, md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int name_len = i2d_X509_NAME(issuer, &name);
    int number_len = i2d_ASN1_INTEGER(serial, &number);
    char type_text[4];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char *id = NULL;

    snprintf(type_text, sizeof(type_text), "%d", type);
    if (ctx != NULL && name_len > 0 && number_len > 0 &&
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
        EVP_DigestUpdate(ctx, name, (size_t)name_len) &&
        EVP_DigestUpdate(ctx, number, (size_t)number_len) &&
        EVP_DigestUpdate(ctx, type_text, strlen(type_text)) &&
        EVP_DigestFinal_ex(ctx, md, &md_len))
        id = hex_upper(md, md_len);
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(name);
    OPENSSL_free(number);
    return id;
}

/* ---- Envelope and signature ------------------------------------------- */

/* EnvelopedData of payload for recipient, as DER. */
static int envelope(SCEP *h, X509 *recipient, const EVP_CIPHER *cipher,
                    const unsigned char *payload, size_t payload_len,
                    unsigned char **der, int *der_len)
{
    STACK_OF(X509) *recipients = sk_X509_new_null();
    BIO *in = BIO_new_mem_buf(payload, (int)payload_len);
    PKCS7 *env = NULL;

    *der = NULL;
    if (recipients != NULL && in != NULL &&
        sk_X509_push(recipients, recipient))
        env = PKCS7_encrypt(recipients, in, cipher, PKCS7_BINARY);
    if (env != NULL)
        *der_len = i2d_PKCS7(env, der);
    PKCS7_free(env);
    BIO_free(in);
    sk_X509_free(recipients);

    if (*der == NULL || *der_len <= 0)
        return scep_fail(h, SCEP_ERR_INTERNAL,
                         "cannot encrypt the content to the recipient "
                         "certificate (is its key RSA?)");
    scep_log(h, SCEP_LOG_DEBUG, "content encrypted with %s",
             EVP_CIPHER_get0_name(cipher));
    return 0;
}

/*
 * PrintableString as RFC 8894 asks when the ID fits its alphabet; an ID
 * echoed from a request or given by the caller may not ('_', '@', UTF-8),
 * and such bytes labelled PrintableString make strict peers (Go's
 * encoding/asn1 among them) refuse the whole message.
 */
static int id_string_type(const char *id)
{
    int len = (int)strlen(id);

    return ASN1_PRINTABLE_type((const unsigned char *)id, len) ==
                   V_ASN1_PRINTABLESTRING
               ? V_ASN1_PRINTABLESTRING
               : V_ASN1_UTF8STRING;
}

static int add_attributes(PKCS7_SIGNER_INFO *si, const struct scep_attrs *a,
                          const unsigned char *nonce)
{
    char number[16];

    snprintf(number, sizeof(number), "%d", a->type);
    if (!PKCS7_add_signed_attribute(si, NID_pkcs9_contentType,
                                    V_ASN1_OBJECT,
                                    OBJ_nid2obj(NID_pkcs7_data)) ||
        scep_add_string_attribute(si, SCEP_OID_TRANSACTION_ID,
                                  id_string_type(a->transaction_id),
                                  a->transaction_id) != 0 ||
        scep_add_string_attribute(si, SCEP_OID_MESSAGE_TYPE,
                                  V_ASN1_PRINTABLESTRING, number) != 0 ||
        scep_add_octet_attribute(si, SCEP_OID_SENDER_NONCE, nonce,
                                 NONCE_SIZE) != 0)
        return -1;

    if (a->pki_status >= 0) {
        snprintf(number, sizeof(number), "%d", a->pki_status);
        if (scep_add_string_attribute(si, SCEP_OID_PKI_STATUS,
                                      V_ASN1_PRINTABLESTRING, number) != 0)
            return -1;
    }
    if (a->fail_info >= 0) {
        snprintf(number, sizeof(number), "%d", a->fail_info);
        if (scep_add_string_attribute(si, SCEP_OID_FAIL_INFO,
                                      V_ASN1_PRINTABLESTRING, number) != 0)
            return -1;
    }
    if (a->recipient_nonce != NULL &&
        scep_add_octet_attribute(si, SCEP_OID_RECIPIENT_NONCE,
                                 a->recipient_nonce,
                                 a->recipient_nonce_len) != 0)
        return -1;
    return 0;
}

/* Signs content (may be empty) into a pkiMessage. */
static PKCS7 *sign(SCEP *h, EVP_PKEY *key, X509 *cert, const EVP_MD *md,
                   const struct scep_attrs *a, const unsigned char *content,
                   size_t content_len)
{
    unsigned char nonce[NONCE_SIZE];
    PKCS7 *p7 = PKCS7_new();
    PKCS7_SIGNER_INFO *si = NULL;
    BIO *bio = NULL;
    int ok = 0;

    if (RAND_bytes(nonce, sizeof(nonce)) != 1 || p7 == NULL ||
        !PKCS7_set_type(p7, NID_pkcs7_signed) ||
        (si = PKCS7_add_signature(p7, cert, key, md)) == NULL ||
        !PKCS7_add_certificate(p7, cert) || add_attributes(si, a, nonce) ||
        !PKCS7_content_new(p7, NID_pkcs7_data) ||
        (bio = PKCS7_dataInit(p7, NULL)) == NULL)
        goto done;
    if (content_len > 0 &&
        BIO_write(bio, content, (int)content_len) != (int)content_len)
        goto done;
    ok = BIO_flush(bio) > 0 && PKCS7_dataFinal(p7, bio);

done:
    BIO_free_all(bio);
    if (!ok) {
        PKCS7_free(p7);
        scep_fail(h, SCEP_ERR_KEY,
                  "cannot sign the message with the signer key and %s",
                  EVP_MD_get0_name(md));
        return NULL;
    }
    scep_log(h, SCEP_LOG_INFO, "made %s, transactionID %s, signed with %s",
             scep_type_name(a->type), a->transaction_id,
             EVP_MD_get0_name(md));
    return p7;
}

/* ---- Signer material --------------------------------------------------- */

/* A self-signed certificate for the CSR's subject and key, so that a
 * client without a certificate can sign its first request. */
static X509 *self_signed(SCEP *h, EVP_PKEY *key, X509_REQ *csr)
{
    X509 *cert = X509_new();
    ASN1_INTEGER *serial = NULL;
    BIGNUM *random = BN_new();
    int ok = cert != NULL && random != NULL &&
             BN_rand(random, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
             (serial = BN_to_ASN1_INTEGER(random, NULL)) != NULL &&
             X509_set_version(cert, 2) &&
             X509_set_serialNumber(cert, serial) &&
             X509_set_subject_name(cert, X509_REQ_get_subject_name(csr)) &&
             X509_set_issuer_name(cert, X509_REQ_get_subject_name(csr)) &&
             X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(cert), 7 * 24 * 3600) &&
             X509_set_pubkey(cert, key) &&
             X509_sign(cert, key, EVP_sha256()) > 0;

    ASN1_INTEGER_free(serial);
    BN_free(random);
    if (!ok) {
        X509_free(cert);
        scep_fail(h, SCEP_ERR_KEY, "cannot make a self-signed signer "
                                   "certificate from the request");
        return NULL;
    }
    return cert;
}

struct signer {
    EVP_PKEY *key;
    X509 *cert;
};

static void signer_free(struct signer *s)
{
    EVP_PKEY_free(s->key);
    X509_free(s->cert);
}

/* Loads the signer; a NULL certificate with a CSR makes a self-signed one. */
static int load_signer(SCEP *h, const char *key_text, const char *cert_text,
                       X509_REQ *csr, struct signer *s)
{
    s->key = NULL;
    s->cert = NULL;
    if ((s->key = scep_load_key(h, key_text, "signer key")) == NULL)
        return -1;
    /* A self-signed signer stands for the CSR's key: signing with any
     * other would make a request no CA can match to its CSR. */
    if (cert_text == NULL && csr != NULL &&
        EVP_PKEY_eq(s->key, X509_REQ_get0_pubkey(csr)) != 1)
        return scep_fail(h, SCEP_ERR_KEY,
                         "the signer key is not the key of the certificate "
                         "request (give a signer certificate to sign with "
                         "another key)");
    if (cert_text == NULL && csr != NULL)
        s->cert = self_signed(h, s->key, csr);
    else
        s->cert = scep_load_cert(h, cert_text, "signer certificate");
    if (s->cert == NULL)
        return -1;
    if (!X509_check_private_key(s->cert, s->key))
        return scep_fail(h, SCEP_ERR_KEY, "the signer key does not belong "
                                          "to the signer certificate");
    return 0;
}

static int finish(SCEP *h, PKCS7 *p7, unsigned char **out, size_t *out_len)
{
    int rc = scep_output_p7(h, p7, out, out_len);

    PKCS7_free(p7);
    if (rc == 0)
        scep_ok(h);
    return rc;
}

static int check_out(SCEP *h, unsigned char **out, size_t *out_len)
{
    if (out == NULL || out_len == NULL)
        return scep_fail(h, SCEP_ERR_ARGUMENT, "no output buffer given");
    *out = NULL;
    *out_len = 0;
    return 0;
}

/* ---- Requests ---------------------------------------------------------- */

struct request {
    int type;
    const char *key;
    const char *cert;
    const char *enc_cert;
    X509_REQ *csr;                     /* for a self-signed signer */
    const unsigned char *payload;
    size_t payload_len;
    const char *transaction_id;
};

static int build_request(SCEP *h, const struct request *r,
                         unsigned char **out, size_t *out_len)
{
    struct signer s;
    X509 *recipient = NULL;
    unsigned char *env = NULL;
    int env_len = 0, rc = -1;
    struct scep_attrs a = {r->type, r->transaction_id, -1, -1, NULL, 0};
    PKCS7 *p7;

    if (load_signer(h, r->key, r->cert, r->csr, &s) != 0 ||
        (recipient = scep_load_cert(h, r->enc_cert,
                                    "CA encryption certificate")) == NULL ||
        envelope(h, recipient, scep_request_cipher(h), r->payload,
                 r->payload_len, &env, &env_len) != 0)
        goto done;
    p7 = sign(h, s.key, s.cert, scep_request_digest(h), &a, env,
              (size_t)env_len);
    if (p7 != NULL)
        rc = finish(h, p7, out, out_len);

done:
    OPENSSL_free(env);
    X509_free(recipient);
    signer_free(&s);
    return rc;
}

static int csr_request(SCEP *h, int type, const char *key, const char *cert,
                       const char *enc_cert, const char *csr_text,
                       unsigned char **out, size_t *out_len)
{
    X509_REQ *csr;
    unsigned char *der = NULL;
    int der_len, rc = -1;
    char *id = NULL;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (csr = scep_load_csr(h, csr_text)) == NULL)
        return -1;
    der_len = i2d_X509_REQ(csr, &der);
    id = key_transaction_id(csr);
    if (scep_check_csr_signature(h, csr) != 0) {
        /* scep_check_csr_signature said why */
    } else if (der_len <= 0 || id == NULL) {
        scep_fail(h, SCEP_ERR_CERT, "cannot encode the certificate request");
    } else {
        struct request r = {type,      key, cert, enc_cert, csr, der,
                            (size_t)der_len, id};

        rc = build_request(h, &r, out, out_len);
    }
    free(id);
    OPENSSL_free(der);
    scep_keep_csr(h, csr_text, csr);
    return rc;
}

int scep_pkcsreq(SCEP *h, const char *key, const char *cert,
                 const char *enc_cert, const char *csr, unsigned char **out,
                 size_t *out_len)
{
    return csr_request(h, SCEP_TYPE_PKCSREQ, key, cert, enc_cert, csr, out,
                       out_len);
}

int scep_renewalreq(SCEP *h, const char *key, const char *cert,
                    const char *enc_cert, const char *csr,
                    unsigned char **out, size_t *out_len)
{
    if (h != NULL && (cert == NULL || *cert == '\0'))
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "a RenewalReq is signed with the existing "
                         "certificate: no signer certificate given");
    return csr_request(h, SCEP_TYPE_RENEWALREQ, key, cert, enc_cert, csr,
                       out, out_len);
}

/* DER SEQUENCE { first, second } of two DER-encoded names. */
static unsigned char *name_pair(const X509_NAME *first,
                                const X509_NAME *second, int *len_out)
{
    unsigned char *a = NULL, *b = NULL, *seq = NULL, *p;
    int a_len = i2d_X509_NAME(first, &a), b_len = i2d_X509_NAME(second, &b);
    int body, total;

    if (a_len > 0 && b_len > 0) {
        body = a_len + b_len;
        total = ASN1_object_size(1, body, V_ASN1_SEQUENCE);
        if (total > 0 && (seq = OPENSSL_malloc((size_t)total)) != NULL) {
            p = seq;
            ASN1_put_object(&p, 1, body, V_ASN1_SEQUENCE,
                            V_ASN1_UNIVERSAL);
            memcpy(p, a, (size_t)a_len);
            memcpy(p + a_len, b, (size_t)b_len);
            *len_out = total;
        }
    }
    OPENSSL_free(a);
    OPENSSL_free(b);
    return seq;
}

int scep_getcertinitial(SCEP *h, const char *key, const char *cert,
                        const char *enc_cert, const char *csr_text,
                        const char *issuer_text, unsigned char **out,
                        size_t *out_len)
{
    X509_REQ *csr = NULL;
    X509 *issuer = NULL;
    unsigned char *payload = NULL;
    int payload_len = 0, rc = -1;
    char *id = NULL;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (csr = scep_load_csr(h, csr_text)) == NULL ||
        (issuer = scep_load_cert(h, issuer_text, "issuer certificate")) ==
            NULL)
        goto done;
    payload = name_pair(X509_get_subject_name(issuer),
                        X509_REQ_get_subject_name(csr), &payload_len);
    id = key_transaction_id(csr);
    if (payload == NULL || id == NULL) {
        scep_fail(h, SCEP_ERR_INTERNAL, "cannot encode IssuerAndSubject");
    } else {
        struct request r = {SCEP_TYPE_GETCERTINITIAL, key, cert, enc_cert,
                            csr, payload, (size_t)payload_len, id};

        rc = build_request(h, &r, out, out_len);
    }

done:
    free(id);
    OPENSSL_free(payload);
    X509_free(issuer);
    scep_keep_csr(h, csr_text, csr);
    return rc;
}

/* GetCert and GetCRL: an IssuerAndSerialNumber payload. */
static int serial_request(SCEP *h, int type, const char *key,
                          const char *cert, const char *enc_cert,
                          const X509_NAME *issuer,
                          const ASN1_INTEGER *serial, unsigned char **out,
                          size_t *out_len)
{
    PKCS7_ISSUER_AND_SERIAL *ias = PKCS7_ISSUER_AND_SERIAL_new();
    unsigned char *payload = NULL;
    int payload_len = -1, rc = -1;
    char *id = serial_transaction_id(issuer, serial, type);

    if (ias != NULL && X509_NAME_set(&ias->issuer, issuer)) {
        ASN1_INTEGER_free(ias->serial);
        ias->serial = ASN1_INTEGER_dup(serial);
        if (ias->serial != NULL)
            payload_len = i2d_PKCS7_ISSUER_AND_SERIAL(ias, &payload);
    }
    if (payload_len <= 0 || id == NULL) {
        scep_fail(h, SCEP_ERR_INTERNAL,
                  "cannot encode IssuerAndSerialNumber");
    } else {
        struct request r = {type, key,     cert, enc_cert, NULL,
                            payload, (size_t)payload_len, id};

        rc = build_request(h, &r, out, out_len);
    }
    free(id);
    OPENSSL_free(payload);
    PKCS7_ISSUER_AND_SERIAL_free(ias);
    return rc;
}

static ASN1_INTEGER *parse_serial(SCEP *h, const char *text)
{
    const char *digits = text;
    int hex = 0;
    ASN1_INTEGER *serial;

    if (text == NULL || *text == '\0') {
        scep_fail(h, SCEP_ERR_ARGUMENT, "no serial number given");
        return NULL;
    }
    if (strncmp(text, "0x", 2) == 0 || strncmp(text, "0X", 2) == 0) {
        digits = text + 2;
        hex = 1;
    }
    if (*digits == '\0' ||
        strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") !=
            strlen(digits) ||
        strlen(digits) > 128 ||
        (serial = s2i_ASN1_INTEGER(NULL, text)) == NULL) {
        scep_fail(h, SCEP_ERR_ARGUMENT,
                  "the serial number \"%.40s\" is neither decimal nor "
                  "0x-hex", text);
        return NULL;
    }
    return serial;
}

int scep_getcert(SCEP *h, const char *key, const char *cert,
                 const char *enc_cert, const char *issuer_text,
                 const char *serial_text, unsigned char **out,
                 size_t *out_len)
{
    X509 *issuer = NULL;
    ASN1_INTEGER *serial = NULL;
    int rc = -1;

    if (h == NULL || check_out(h, out, out_len) != 0)
        return -1;
    if ((issuer = scep_load_cert(h, issuer_text, "issuer certificate")) !=
            NULL &&
        (serial = parse_serial(h, serial_text)) != NULL)
        rc = serial_request(h, SCEP_TYPE_GETCERT, key, cert, enc_cert,
                            X509_get_subject_name(issuer), serial, out,
                            out_len);
    ASN1_INTEGER_free(serial);
    X509_free(issuer);
    return rc;
}

int scep_getcrl(SCEP *h, const char *key, const char *cert,
                const char *enc_cert, const char *checked_text,
                unsigned char **out, size_t *out_len)
{
    X509 *checked;
    int rc;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (checked = scep_load_cert(h, checked_text,
                                  "certificate to check")) == NULL)
        return -1;
    rc = serial_request(h, SCEP_TYPE_GETCRL, key, cert, enc_cert,
                        X509_get_issuer_name(checked),
                        X509_get0_serialNumber(checked), out, out_len);
    X509_free(checked);
    return rc;
}

/* ---- Replies ----------------------------------------------------------- */

/* A degenerate certs-only SignedData (certificates or a CRL), as DER. */
static int degenerate(SCEP *h, STACK_OF(X509) *certs, X509_CRL *crl,
                      unsigned char **der, int *der_len)
{
    PKCS7 *p7 = PKCS7_new();
    int i, ok = p7 != NULL && PKCS7_set_type(p7, NID_pkcs7_signed) &&
                PKCS7_content_new(p7, NID_pkcs7_data) &&
                PKCS7_set_detached(p7, 1);

    for (i = 0; ok && certs != NULL && i < sk_X509_num(certs); i++)
        ok = PKCS7_add_certificate(p7, sk_X509_value(certs, i));
    if (ok && crl != NULL)
        ok = PKCS7_add_crl(p7, crl);
    *der = NULL;
    if (ok)
        *der_len = i2d_PKCS7(p7, der);
    PKCS7_free(p7);
    if (*der == NULL)
        return scep_fail(h, SCEP_ERR_INTERNAL,
                         "cannot encode a certs-only SignedData");
    return 0;
}

struct reply {
    int pki_status;
    int fail_info;
    STACK_OF(X509) *certs;             /* SUCCESS with certificates */
    X509_CRL *crl;                     /* SUCCESS with a CRL */
};

static int build_reply(SCEP *h, const char *key, const char *cert,
                       const struct scep_reply_basis *b,
                       const struct reply *r, unsigned char **out,
                       size_t *out_len)
{
    struct signer s = {NULL, NULL};
    struct scep_attrs a = {SCEP_TYPE_CERTREP, b->transaction_id,
                           r->pki_status, r->fail_info, b->nonce,
                           b->nonce_len};
    const EVP_MD *md = h->sigalg ? h->sigalg
                                 : b->digest ? b->digest : EVP_sha256();
    const EVP_CIPHER *cipher = h->encalg ? h->encalg
                               : b->cipher ? b->cipher
                                           : EVP_aes_128_cbc();
    unsigned char *inner = NULL, *env = NULL;
    int inner_len = 0, env_len = 0, rc = -1;
    PKCS7 *p7;

    if (load_signer(h, key, cert, NULL, &s) != 0)
        goto done;
    if (r->pki_status == SCEP_PKISTATUS_SUCCESS &&
        (degenerate(h, r->certs, r->crl, &inner, &inner_len) != 0 ||
         envelope(h, b->recipient, cipher, inner, (size_t)inner_len, &env,
                  &env_len) != 0))
        goto done;
    p7 = sign(h, s.key, s.cert, md, &a, env, (size_t)env_len);
    if (p7 != NULL)
        rc = finish(h, p7, out, out_len);

done:
    OPENSSL_free(inner);
    OPENSSL_free(env);
    signer_free(&s);
    return rc;
}

/* Reads what a reply needs from the request message. */
static SCEP_MESSAGE *read_request(SCEP *h, const unsigned char *request,
                                  size_t request_len,
                                  struct scep_reply_basis *b)
{
    SCEP_MESSAGE *m = scep_read_message(h, request, request_len, NULL,
                                        NULL);

    if (m == NULL)
        return NULL;
    if (m->type == SCEP_TYPE_CERTREP) {
        scep_fail(h, SCEP_ERR_ARGUMENT,
                  "the request given is itself a CertRep reply");
        scep_message_free(m);
        return NULL;
    }
    if (m->sender_nonce == NULL) {
        scep_fail(h, SCEP_ERR_ATTRIBUTE,
                  "the request has no senderNonce to answer");
        scep_message_free(m);
        return NULL;
    }
    b->transaction_id = m->transaction_id;
    b->nonce = m->sender_nonce;
    b->nonce_len = m->sender_nonce_len;
    b->recipient = m->signer;
    b->digest = m->digest ? scep_digest_by_name(h, m->digest) : NULL;
    b->cipher = m->cipher ? scep_cipher_by_name(h, m->cipher) : NULL;
    scep_ok(h);
    return m;
}

static int reply_from_request(SCEP *h, const char *key, const char *cert,
                              const unsigned char *request,
                              size_t request_len, const struct reply *r,
                              unsigned char **out, size_t *out_len)
{
    struct scep_reply_basis b;
    SCEP_MESSAGE *m;
    int rc;

    if ((m = read_request(h, request, request_len, &b)) == NULL)
        return -1;
    rc = build_reply(h, key, cert, &b, r, out, out_len);
    scep_message_free(m);
    return rc;
}

static int check_basis(SCEP *h, const char *transaction_id,
                       const unsigned char *nonce, size_t nonce_len)
{
    if (transaction_id == NULL || *transaction_id == '\0')
        return scep_fail(h, SCEP_ERR_ARGUMENT, "no transactionID given");
    if (strlen(transaction_id) > 256)
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "the transactionID is longer than 256 characters");
    if (scep_has_control(transaction_id))
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "the transactionID holds a control character");
    if (nonce == NULL || nonce_len < 4 || nonce_len > 64)
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "the request's senderNonce must be 4 to 64 bytes "
                         "(%zu given)", nonce == NULL ? 0 : nonce_len);
    return 0;
}

int scep_create_pending_reply(SCEP *h, const char *key, const char *cert,
                              const unsigned char *request,
                              size_t request_len, unsigned char **out,
                              size_t *out_len)
{
    struct reply r = {SCEP_PKISTATUS_PENDING, -1, NULL, NULL};

    if (h == NULL || check_out(h, out, out_len) != 0)
        return -1;
    return reply_from_request(h, key, cert, request, request_len, &r, out,
                              out_len);
}

int scep_create_pending_reply_wop7(SCEP *h, const char *key,
                                   const char *cert, const char *id,
                                   const unsigned char *nonce,
                                   size_t nonce_len, unsigned char **out,
                                   size_t *out_len)
{
    struct scep_reply_basis b = {id, nonce, nonce_len, NULL, NULL, NULL};
    struct reply r = {SCEP_PKISTATUS_PENDING, -1, NULL, NULL};

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        check_basis(h, id, nonce, nonce_len) != 0)
        return -1;
    return build_reply(h, key, cert, &b, &r, out, out_len);
}

static int fail_info_code(SCEP *h, const char *name)
{
    int code = scep_fail_info_by_name(name);

    if (code < 0)
        scep_fail(h, SCEP_ERR_ARGUMENT,
                  "unknown failInfo \"%.40s\" (use badAlg, badMessageCheck, "
                  "badRequest, badTime or badCertId)",
                  name == NULL ? "" : name);
    return code;
}

int scep_create_error_reply(SCEP *h, const char *key, const char *cert,
                            const unsigned char *request, size_t request_len,
                            const char *fail_info, unsigned char **out,
                            size_t *out_len)
{
    struct reply r = {SCEP_PKISTATUS_FAILURE, -1, NULL, NULL};

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (r.fail_info = fail_info_code(h, fail_info)) < 0)
        return -1;
    return reply_from_request(h, key, cert, request, request_len, &r, out,
                              out_len);
}

int scep_create_error_reply_wop7(SCEP *h, const char *key, const char *cert,
                                 const char *id, const unsigned char *nonce,
                                 size_t nonce_len, const char *fail_info,
                                 unsigned char **out, size_t *out_len)
{
    struct scep_reply_basis b = {id, nonce, nonce_len, NULL, NULL, NULL};
    struct reply r = {SCEP_PKISTATUS_FAILURE, -1, NULL, NULL};

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        check_basis(h, id, nonce, nonce_len) != 0 ||
        (r.fail_info = fail_info_code(h, fail_info)) < 0)
        return -1;
    return build_reply(h, key, cert, &b, &r, out, out_len);
}

int scep_create_certificate_reply(SCEP *h, const char *key, const char *cert,
                                  const unsigned char *request,
                                  size_t request_len, const char *certs,
                                  unsigned char **out, size_t *out_len)
{
    struct reply r = {SCEP_PKISTATUS_SUCCESS, -1, NULL, NULL};
    int rc;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (r.certs = scep_load_certs(h, certs, "issued certificate")) == NULL)
        return -1;
    rc = reply_from_request(h, key, cert, request, request_len, &r, out,
                            out_len);
    sk_X509_pop_free(r.certs, X509_free);
    return rc;
}

int scep_create_certificate_reply_wop7(SCEP *h, const char *key,
                                       const char *cert, const char *id,
                                       const unsigned char *nonce,
                                       size_t nonce_len,
                                       const char *enc_cert,
                                       const char *certs,
                                       unsigned char **out, size_t *out_len)
{
    struct scep_reply_basis b = {id, nonce, nonce_len, NULL, NULL, NULL};
    struct reply r = {SCEP_PKISTATUS_SUCCESS, -1, NULL, NULL};
    int rc = -1;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        check_basis(h, id, nonce, nonce_len) != 0)
        return -1;
    if ((b.recipient = scep_load_cert(h, enc_cert,
                                      "requester's certificate")) != NULL &&
        (r.certs = scep_load_certs(h, certs, "issued certificate")) != NULL)
        rc = build_reply(h, key, cert, &b, &r, out, out_len);
    sk_X509_pop_free(r.certs, X509_free);
    X509_free(b.recipient);
    return rc;
}

int scep_create_crl_reply(SCEP *h, const char *key, const char *cert,
                          const unsigned char *request, size_t request_len,
                          const char *crl, unsigned char **out,
                          size_t *out_len)
{
    struct reply r = {SCEP_PKISTATUS_SUCCESS, -1, NULL, NULL};
    int rc;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (r.crl = scep_load_crl(h, crl)) == NULL)
        return -1;
    rc = reply_from_request(h, key, cert, request, request_len, &r, out,
                            out_len);
    X509_CRL_free(r.crl);
    return rc;
}

int scep_create_crl_reply_wop7(SCEP *h, const char *key, const char *cert,
                               const char *id, const unsigned char *nonce,
                               size_t nonce_len, const char *enc_cert,
                               const char *crl, unsigned char **out,
                               size_t *out_len)
{
    struct scep_reply_basis b = {id, nonce, nonce_len, NULL, NULL, NULL};
    struct reply r = {SCEP_PKISTATUS_SUCCESS, -1, NULL, NULL};
    int rc = -1;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        check_basis(h, id, nonce, nonce_len) != 0)
        return -1;
    if ((b.recipient = scep_load_cert(h, enc_cert,
                                      "requester's certificate")) != NULL &&
        (r.crl = scep_load_crl(h, crl)) != NULL)
        rc = build_reply(h, key, cert, &b, &r, out, out_len);
    X509_CRL_free(r.crl);
    X509_free(b.recipient);
    return rc;
}

/* ---- Certs-only bundles ------------------------------------------------ */

/* A bundle signed by the current CA, for GetNextCACert. */
static int sign_certs_only(SCEP *h, struct signer *s,
                           const unsigned char *inner, size_t inner_len,
                           unsigned char **out, size_t *out_len)
{
    int flags = PKCS7_BINARY | PKCS7_NOSMIMECAP | PKCS7_PARTIAL;
    PKCS7 *p7 = PKCS7_sign(NULL, NULL, NULL, NULL, flags);
    BIO *in = BIO_new_mem_buf(inner, (int)inner_len);
    int ok = p7 != NULL && in != NULL &&
             PKCS7_sign_add_signer(p7, s->cert, s->key,
                                   scep_request_digest(h), flags) != NULL &&
             PKCS7_final(p7, in, PKCS7_BINARY);

    BIO_free(in);
    if (!ok) {
        PKCS7_free(p7);
        return scep_fail(h, SCEP_ERR_KEY,
                         "cannot sign the certificate bundle");
    }
    return finish(h, p7, out, out_len);
}

int scep_create_certs_only(SCEP *h, const char *chain, const char *key,
                           const char *cert, unsigned char **out,
                           size_t *out_len)
{
    STACK_OF(X509) *certs;
    unsigned char *inner = NULL;
    int inner_len = 0, rc = -1;
    PKCS7 *p7 = NULL;
    const unsigned char *p;

    if (h == NULL || check_out(h, out, out_len) != 0 ||
        (certs = scep_load_certs(h, chain, "certificate chain")) == NULL)
        return -1;
    if (degenerate(h, certs, NULL, &inner, &inner_len) != 0)
        goto done;

    if (key == NULL && cert == NULL) {
        p = inner;
        if ((p7 = d2i_PKCS7(NULL, &p, inner_len)) != NULL)
            rc = finish(h, p7, out, out_len);
    } else {
        struct signer s;

        /* GetNextCACert: the bundle signed by the current CA (RFC 8894
         * section 4.7.1), content type data as SCEP messages have. */
        if (load_signer(h, key, cert, NULL, &s) == 0)
            rc = sign_certs_only(h, &s, inner, (size_t)inner_len, out,
                                 out_len);
        signer_free(&s);
    }

done:
    OPENSSL_free(inner);
    sk_X509_pop_free(certs, X509_free);
    return rc;
}

int scep_create_nextca_reply(SCEP *h, const char *chain, const char *cert,
                             const char *key, unsigned char **out,
                             size_t *out_len)
{
    if (h != NULL && (key == NULL || cert == NULL))
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "a GetNextCACert reply must be signed: give the "
                         "CA's certificate and key");
    return scep_create_certs_only(h, chain, key, cert, out, out_len);
}
