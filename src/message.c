/*
 * The parsed message: its accessors and its destructor.  Text values are
 * made on first use and kept on the message, so a caller may read them as
 * often as it likes without freeing anything.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "internal.h"

static void free_texts(SCEP_MESSAGE *m)
{
    char **texts[] = {&m->text_signer,  &m->text_csr,     &m->text_certs,
                      &m->text_crl,     &m->text_subject, &m->text_issuer,
                      &m->text_serial,  &m->text_challenge, &m->text_ca,
                      &m->text_ra_sign, &m->text_ra_enc};
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        free(*texts[i]);
}

/* The addresses of m's members are only taken once m is known not NULL:
 * &m->member on a NULL m is undefined behaviour. */
void scep_message_free(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return;
    free_texts(m);
    free(m->type_name);
    free(m->transaction_id);
    free(m->fail_info_text);
    free(m->sender_nonce);
    free(m->recipient_nonce);
    free(m->digest);
    free(m->cipher);
    X509_free(m->signer);
    sk_X509_pop_free(m->certs, X509_free);
    X509_CRL_free(m->crl);
    X509_REQ_free(m->csr);
    X509_NAME_free(m->subject);
    X509_NAME_free(m->issuer);
    ASN1_INTEGER_free(m->serial);
    free(m);
}

int scep_message_last_status(const SCEP_MESSAGE *m)
{
    return m == NULL ? SCEP_ERR_ARGUMENT : m->status;
}

const char *scep_message_last_error(const SCEP_MESSAGE *m)
{
    return m == NULL ? "no message given" : m->error;
}

static const char *ok(SCEP_MESSAGE *m, const char *value)
{
    m->status = SCEP_OK;
    m->error[0] = '\0';
    return value;
}

static const char *absent(SCEP_MESSAGE *m, const char *what)
{
    const char *type = m->type_name != NULL ? m->type_name : "message";

    scep_message_fail(m, SCEP_ERR_STATE, "this %s has no %s", type, what);
    return NULL;
}

/* Returns *cache, making it with make(object) the first time. */
static const char *text(SCEP_MESSAGE *m, char **cache, const char *what,
                        const void *object, char *(*make)(const void *))
{
    if (object == NULL)
        return absent(m, what);
    if (*cache == NULL && (*cache = make(object)) == NULL) {
        scep_message_fail(m, SCEP_ERR_MEMORY, "cannot print the %s", what);
        return NULL;
    }
    return ok(m, *cache);
}

static char *make_cert(const void *x)
{
    return scep_cert_pem(x);
}

static char *make_certs(const void *x)
{
    return scep_certs_pem((STACK_OF(X509) *)x);
}

static char *make_csr(const void *x)
{
    return scep_csr_pem(x);
}

static char *make_crl(const void *x)
{
    return scep_crl_pem(x);
}

static char *make_name(const void *x)
{
    return scep_oneline(x);
}

static char *make_serial(const void *x)
{
    return scep_serial_text(x);
}

const char *scep_get_transaction_id(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->transaction_id == NULL)
        return absent(m, "transactionID");
    return ok(m, m->transaction_id);
}

const char *scep_get_message_type(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    return ok(m, m->type_name);
}

const char *scep_get_pki_status(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->pki_status < 0)
        return absent(m, "pkiStatus");
    return ok(m, scep_status_text(m->pki_status));
}

const char *scep_get_fail_info(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->fail_info < 0)
        return absent(m, "failInfo");
    return ok(m, scep_fail_info_name(m->fail_info));
}

const char *scep_get_fail_info_text(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->fail_info_text == NULL)
        return absent(m, "failInfoText");
    return ok(m, m->fail_info_text);
}

static int copy_nonce(SCEP_MESSAGE *m, const unsigned char *nonce,
                      size_t len, const char *what, unsigned char **out,
                      size_t *out_len)
{
    if (out == NULL || out_len == NULL)
        return scep_message_fail(m, SCEP_ERR_ARGUMENT,
                                 "no output buffer given");
    if (nonce == NULL) {
        absent(m, what);
        return -1;
    }
    if ((*out = malloc(len)) == NULL)
        return scep_message_fail(m, SCEP_ERR_MEMORY, "out of memory");
    memcpy(*out, nonce, len);
    *out_len = len;
    ok(m, NULL);
    return 0;
}

int scep_get_sender_nonce(SCEP_MESSAGE *m, unsigned char **out,
                          size_t *out_len)
{
    if (m == NULL)
        return -1;
    return copy_nonce(m, m->sender_nonce, m->sender_nonce_len,
                      "senderNonce", out, out_len);
}

int scep_get_recipient_nonce(SCEP_MESSAGE *m, unsigned char **out,
                             size_t *out_len)
{
    if (m == NULL)
        return -1;
    return copy_nonce(m, m->recipient_nonce, m->recipient_nonce_len,
                      "recipientNonce", out, out_len);
}

const char *scep_get_digest(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->digest == NULL)
        return absent(m, "signature digest");
    return ok(m, m->digest);
}

const char *scep_get_cipher(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->cipher == NULL)
        return absent(m, "envelope cipher");
    return ok(m, m->cipher);
}

int scep_get_signature_verified(SCEP_MESSAGE *m)
{
    return m != NULL && m->verified;
}

const char *scep_get_signer_cert(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    return text(m, &m->text_signer, "signer certificate", m->signer,
                make_cert);
}

const char *scep_get_pkcs10(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->csr == NULL && !m->unwrapped && m->type == SCEP_TYPE_PKCSREQ)
        return absent(m, "certificate request until it is unwrapped");
    return text(m, &m->text_csr, "certificate request", m->csr, make_csr);
}

const char *scep_get_cert(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    return text(m, &m->text_certs, "certificate", m->certs, make_certs);
}

const char *scep_get_crl(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    return text(m, &m->text_crl, "CRL", m->crl, make_crl);
}

const char *scep_get_subject(SCEP_MESSAGE *m)
{
    const X509_NAME *name;

    if (m == NULL)
        return NULL;
    name = m->subject;
    if (name == NULL && m->csr != NULL)
        name = X509_REQ_get_subject_name(m->csr);
    if (name == NULL && m->certs != NULL)
        name = X509_get_subject_name(sk_X509_value(m->certs, 0));
    return text(m, &m->text_subject, "subject", name, make_name);
}

const char *scep_get_issuer(SCEP_MESSAGE *m)
{
    const X509_NAME *name;

    if (m == NULL)
        return NULL;
    name = m->issuer;
    if (name == NULL && m->certs != NULL)
        name = X509_get_issuer_name(sk_X509_value(m->certs, 0));
    return text(m, &m->text_issuer, "issuer", name, make_name);
}

const char *scep_get_getcert_serial(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    return text(m, &m->text_serial, "serial number", m->serial,
                make_serial);
}

static char *make_challenge(const void *x)
{
    X509_REQ *csr = (X509_REQ *)x;
    int index = X509_REQ_get_attr_by_NID(csr, NID_pkcs9_challengePassword,
                                         -1);
    X509_ATTRIBUTE *attr = X509_REQ_get_attr(csr, index);
    ASN1_TYPE *value = attr ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
    unsigned char *utf8 = NULL;
    int len;
    char *copy;

    if (value == NULL || value->type == V_ASN1_OBJECT ||
        value->type == V_ASN1_BOOLEAN || value->type == V_ASN1_NULL)
        return NULL;
    /* PrintableString, UTF8String or BMPString all come out as UTF-8. */
    if ((len = ASN1_STRING_to_UTF8(&utf8, value->value.asn1_string)) < 0)
        return NULL;
    if ((copy = malloc((size_t)len + 1)) != NULL) {
        memcpy(copy, utf8, (size_t)len);
        copy[len] = '\0';
    }
    OPENSSL_free(utf8);
    return copy;
}

const char *scep_get_challenge_password(SCEP_MESSAGE *m)
{
    if (m == NULL)
        return NULL;
    if (m->csr == NULL)
        return absent(m, "certificate request");
    if (m->text_challenge == NULL &&
        (m->text_challenge = make_challenge(m->csr)) == NULL)
        return absent(m, "challengePassword");
    return ok(m, m->text_challenge);
}
