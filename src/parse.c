/*
 * Reading pkiMessages: the SignedData and its attributes (parse), the
 * envelope and the payload of each message kind (unwrap), and GetCACert
 * bundles.  Parse tolerantly, verify strictly: unknown attributes are
 * ignored, a missing or malformed required one is an error naming it, and
 * a signature that does not verify is always an error.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "internal.h"

SCEP_MESSAGE *scep_message_new(void)
{
    SCEP_MESSAGE *m = calloc(1, sizeof(*m));

    if (m != NULL) {
        m->pki_status = -1;
        m->fail_info = -1;
    }
    return m;
}

/* ---- Attributes ------------------------------------------------------- */

static int read_number(SCEP *h, PKCS7_SIGNER_INFO *si, const char *oid,
                       const char *name, int required, int *value)
{
    char *text = NULL, *end;
    long number;
    int found = scep_read_string_attribute(si, oid, &text);

    if (found == 0) {
        if (required)
            return scep_fail(h, SCEP_ERR_ATTRIBUTE, "%s attribute missing",
                             name);
        return 0;
    }
    if (found < 0)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "%s attribute is malformed (not one printable "
                         "string, or duplicated)", name);
    /* Digits only: strtol alone would let " 19" and "+19" through. */
    number = strtol(text, &end, 10);
    if (*end != '\0' || strspn(text, "0123456789") != strlen(text) ||
        strlen(text) > 4) {
        scep_fail(h, SCEP_ERR_ATTRIBUTE, "%s attribute \"%.20s\" is not a "
                                         "number", name, text);
        free(text);
        return -1;
    }
    free(text);
    *value = (int)number;
    return 0;
}

static int read_nonce(SCEP *h, PKCS7_SIGNER_INFO *si, const char *oid,
                      const char *name, unsigned char **nonce, size_t *len)
{
    int found = scep_read_octet_attribute(si, oid, nonce, len);

    if (found < 0)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "%s attribute is malformed (must be one OCTET "
                         "STRING of 4 to 64 bytes)", name);
    return 0;
}

static int read_fail_info_text(SCEP *h, PKCS7_SIGNER_INFO *si,
                               SCEP_MESSAGE *m)
{
    if (scep_read_string_attribute(si, SCEP_OID_FAIL_INFO_TEXT,
                                   &m->fail_info_text) < 0)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "failInfoText attribute is malformed");
    return 0;
}

static int read_attributes(SCEP *h, PKCS7_SIGNER_INFO *si, SCEP_MESSAGE *m)
{
    int found;

    if (read_number(h, si, SCEP_OID_MESSAGE_TYPE, "messageType", 1,
                    &m->type) != 0)
        return -1;
    if (scep_type_name(m->type) == NULL || m->type < 0)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "messageType %d is not a SCEP message type",
                         m->type);
    m->type_name = scep_strdup(scep_type_name(m->type));

    found = scep_read_string_attribute(si, SCEP_OID_TRANSACTION_ID,
                                       &m->transaction_id);
    if (found <= 0)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE, "transactionID attribute %s",
                         found == 0 ? "missing" : "is malformed");
    /* It is logged and often stored by CAs: no line breaks or escapes. */
    if (scep_has_control(m->transaction_id))
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "transactionID attribute holds a control "
                         "character");

    if (read_nonce(h, si, SCEP_OID_SENDER_NONCE, "senderNonce",
                   &m->sender_nonce, &m->sender_nonce_len) != 0 ||
        read_nonce(h, si, SCEP_OID_RECIPIENT_NONCE, "recipientNonce",
                   &m->recipient_nonce, &m->recipient_nonce_len) != 0)
        return -1;
    /* A request must carry a nonce; cryptlib's replies come without. */
    if (m->type != SCEP_TYPE_CERTREP && m->sender_nonce == NULL)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE, "senderNonce attribute "
                                                "missing");
    if (m->type != SCEP_TYPE_CERTREP)
        return 0;

    if (read_number(h, si, SCEP_OID_PKI_STATUS, "pkiStatus", 1,
                    &m->pki_status) != 0)
        return -1;
    if (scep_status_text(m->pki_status) == NULL)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "pkiStatus %d is not SUCCESS (0), FAILURE (2) or "
                         "PENDING (3)", m->pki_status);
    if (m->pki_status == SCEP_PKISTATUS_FAILURE) {
        if (read_number(h, si, SCEP_OID_FAIL_INFO, "failInfo", 1,
                        &m->fail_info) != 0)
            return -1;
        if (scep_fail_info_name(m->fail_info) == NULL)
            return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                             "failInfo %d is not one of badAlg (0) to "
                             "badCertId (4)", m->fail_info);
    }
    return read_fail_info_text(h, si, m);
}

/* ---- The signature ---------------------------------------------------- */

/* The certificate in the message that the SignerInfo names. */
static X509 *included_signer(PKCS7 *p7, PKCS7_SIGNER_INFO *si)
{
    STACK_OF(X509) *certs = p7->d.sign->cert;
    PKCS7_ISSUER_AND_SERIAL *ias = si->issuer_and_serial;

    if (certs == NULL || ias == NULL)
        return NULL;
    return X509_find_by_issuer_and_serial(certs, ias->issuer, ias->serial);
}

static int names_signer(X509 *cert, PKCS7_SIGNER_INFO *si)
{
    PKCS7_ISSUER_AND_SERIAL *ias = si->issuer_and_serial;

    return ias != NULL &&
           X509_NAME_cmp(X509_get_issuer_name(cert), ias->issuer) == 0 &&
           ASN1_INTEGER_cmp(X509_get0_serialNumber(cert), ias->serial) == 0;
}

/*
 * Picks the certificate to verify with.  A reply given a certificate must
 * be signed by exactly that one: accepting any certificate it issued would
 * let every device the CA enrolled sign replies to the others.  A request
 * is signed by the requester's own certificate, which it includes.
 */
static X509 *choose_signer(SCEP *h, PKCS7 *p7, PKCS7_SIGNER_INFO *si,
                           X509 *given, int is_reply)
{
    X509 *included = included_signer(p7, si);

    if (given != NULL && names_signer(given, si))
        return given;
    if (given != NULL && is_reply) {
        scep_fail(h, SCEP_ERR_VERIFY,
                  "the reply is not signed by the certificate given (a "
                  "server with an RA signs with the RA signing certificate "
                  "of its GetCACert answer: give that one)");
        return NULL;
    }
    if (included == NULL)
        scep_fail(h, SCEP_ERR_VERIFY,
                  "the message does not include its signer certificate: "
                  "give the signer's certificate to verify it");
    return included;
}

static int verify(SCEP *h, PKCS7 *p7, X509 *signer)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    BIO *empty = NULL;
    int ok;

    if (certs == NULL || !sk_X509_push(certs, signer)) {
        sk_X509_free(certs);
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    }
    /* FAILURE and PENDING replies may carry no content at all. */
    if (PKCS7_get_detached(p7))
        empty = BIO_new(BIO_s_mem());
    ok = PKCS7_verify(p7, certs, NULL, empty, NULL,
                      PKCS7_NOVERIFY | PKCS7_NOINTERN | PKCS7_NOCHAIN) == 1;
    BIO_free(empty);
    sk_X509_free(certs);
    if (!ok)
        return scep_fail(h, SCEP_ERR_VERIFY, "signature does not verify");
    return 0;
}

/* ---- The SignedData ---------------------------------------------------- */

static PKCS7 *decode_signed_data(SCEP *h, const unsigned char *data,
                                 size_t len)
{
    unsigned char *der = NULL;
    size_t der_len = 0;
    const unsigned char *p;
    PKCS7 *p7 = NULL;

    if (scep_decode_message(h, data, len, &der, &der_len) != 0 ||
        scep_check_ber(h, der, der_len) != 0)
        goto done;
    p = der;
    if ((p7 = d2i_PKCS7(NULL, &p, (long)der_len)) == NULL) {
        scep_fail(h, SCEP_ERR_FORMAT,
                  "the message is not a PKCS#7/CMS structure");
    } else if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL) {
        scep_fail(h, SCEP_ERR_FORMAT, "the message is %s, not SignedData",
                  OBJ_nid2ln(OBJ_obj2nid(p7->type)));
        PKCS7_free(p7);
        p7 = NULL;
    }

done:
    free(der);
    return p7;
}

/*
 * The content of a SignedData decoded as PKCS#7 (the envelope of a SCEP
 * message, the bundle of a GetNextCACert answer).  *present says whether
 * there was any content at all; NULL with *present set means it is not
 * PKCS#7.
 */
PKCS7 *scep_inner_p7(PKCS7 *p7, int *present)
{
    PKCS7 *info = p7->d.sign->contents;
    ASN1_OCTET_STRING *content;
    const unsigned char *p;

    *present = info != NULL && PKCS7_type_is_data(info) &&
               (content = info->d.data) != NULL && content->length > 0;
    if (!*present)
        return NULL;
    p = content->data;
    return d2i_PKCS7(NULL, &p, content->length);
}

static void note_cipher(SCEP_MESSAGE *m, PKCS7 *p7)
{
    int present;
    PKCS7 *env = scep_inner_p7(p7, &present);

    if (env != NULL && PKCS7_type_is_enveloped(env) &&
        env->d.enveloped->enc_data != NULL)
        m->cipher = scep_algorithm_name(
            OBJ_obj2nid(env->d.enveloped->enc_data->algorithm->algorithm));
    PKCS7_free(env);
}

static int read_signed(SCEP *h, PKCS7 *p7, X509 *given, SCEP_MESSAGE *m)
{
    STACK_OF(PKCS7_SIGNER_INFO) *infos = PKCS7_get_signer_info(p7);
    PKCS7_SIGNER_INFO *si;
    X509 *signer;

    if (sk_PKCS7_SIGNER_INFO_num(infos) != 1)
        return scep_fail(h, SCEP_ERR_FORMAT,
                         "the SignedData has %d signers, not one",
                         sk_PKCS7_SIGNER_INFO_num(infos));
    si = sk_PKCS7_SIGNER_INFO_value(infos, 0);
    if (PKCS7_get_signed_attributes(si) == NULL)
        return scep_fail(h, SCEP_ERR_ATTRIBUTE,
                         "the message has no signed attributes: it is not "
                         "a SCEP message");
    if (read_attributes(h, si, m) != 0)
        return -1;

    m->digest = scep_algorithm_name(OBJ_obj2nid(si->digest_alg->algorithm));
    if ((signer = choose_signer(h, p7, si, given,
                                m->type == SCEP_TYPE_CERTREP)) == NULL ||
        verify(h, p7, signer) != 0)
        return -1;
    m->verified = 1;
    if (!X509_up_ref(signer))
        return scep_fail(h, SCEP_ERR_INTERNAL, "cannot keep the signer");
    m->signer = signer;
    note_cipher(m, p7);
    return 0;
}

SCEP_MESSAGE *scep_read_message(SCEP *h, const unsigned char *data,
                                size_t len, X509 *given, PKCS7 **p7_out)
{
    SCEP_MESSAGE *m = scep_message_new();
    PKCS7 *p7 = NULL;

    if (m == NULL) {
        scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
        return NULL;
    }
    if ((p7 = decode_signed_data(h, data, len)) == NULL ||
        read_signed(h, p7, given, m) != 0) {
        PKCS7_free(p7);
        scep_message_free(m);
        return NULL;
    }
    scep_log(h, SCEP_LOG_INFO, "read %s, transactionID %s",
             m->type_name, m->transaction_id);
    if (p7_out != NULL)
        *p7_out = p7;
    else
        PKCS7_free(p7);
    return m;
}

static X509 *optional_cert(SCEP *h, const char *text, const char *what,
                           int *failed)
{
    X509 *cert = NULL;

    /* Only NULL means "none": an empty text (an empty file read in) must
     * not quietly turn off the check against a trusted certificate. */
    *failed = 0;
    if (text != NULL && (cert = scep_load_cert(h, text, what)) == NULL)
        *failed = 1;
    return cert;
}

SCEP_MESSAGE *scep_parse(SCEP *h, const unsigned char *data, size_t len,
                         const char *verify_text)
{
    int failed;
    X509 *given;
    SCEP_MESSAGE *m;

    if (h == NULL)
        return NULL;
    given = optional_cert(h, verify_text, "verification certificate",
                          &failed);
    if (failed)
        return NULL;
    m = scep_read_message(h, data, len, given, NULL);
    X509_free(given);
    if (m != NULL)
        scep_ok(h);
    return m;
}

/* ---- The envelope ------------------------------------------------------ */

static int recipient_listed(PKCS7 *env, X509 *cert)
{
    STACK_OF(PKCS7_RECIP_INFO) *infos = env->d.enveloped->recipientinfo;
    int i;

    for (i = 0; i < sk_PKCS7_RECIP_INFO_num(infos); i++) {
        PKCS7_ISSUER_AND_SERIAL *ias =
            sk_PKCS7_RECIP_INFO_value(infos, i)->issuer_and_serial;

        if (ias != NULL &&
            X509_NAME_cmp(ias->issuer, X509_get_issuer_name(cert)) == 0 &&
            ASN1_INTEGER_cmp(ias->serial, X509_get0_serialNumber(cert)) == 0)
            return 1;
    }
    return 0;
}

static int needs_legacy(int nid)
{
    return nid == NID_des_cbc || nid == NID_rc2_cbc || nid == NID_des_ede_cbc;
}

static void unsupported_cipher(SCEP *h, const X509_ALGOR *algorithm)
{
    char name[80];

    OBJ_obj2txt(name, sizeof(name), algorithm->algorithm, 0);
    scep_fail(h, SCEP_ERR_ALGORITHM,
              "the envelope's cipher %s is not supported", name);
}

/* Opens the envelope in the SignedData; *out is the payload. */
static int open_envelope(SCEP *h, PKCS7 *p7, X509 *cert, EVP_PKEY *key,
                         BIO **out)
{
    int present, nid, rc = -1;
    PKCS7 *env = scep_inner_p7(p7, &present);

    if (!present)
        return scep_fail(h, SCEP_ERR_CONTENT,
                         "the message has no envelope to decrypt");
    if (env == NULL || !PKCS7_type_is_enveloped(env) ||
        env->d.enveloped->enc_data == NULL) {
        PKCS7_free(env);
        return scep_fail(h, SCEP_ERR_CONTENT,
                         "the signed content is not an EnvelopedData");
    }

    nid = OBJ_obj2nid(env->d.enveloped->enc_data->algorithm->algorithm);
    if (!recipient_listed(env, cert)) {
        scep_fail(h, SCEP_ERR_DECRYPT, "no recipient matches this "
                                       "certificate");
    } else if (needs_legacy(nid) && scep_need_legacy(h) != 0) {
        /* scep_need_legacy said why */
    } else if (EVP_get_cipherbynid(nid) == NULL) {
        unsupported_cipher(h, env->d.enveloped->enc_data->algorithm);
    } else if ((*out = BIO_new(BIO_s_mem())) == NULL) {
        scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    } else if (PKCS7_decrypt(env, key, cert, *out, 0) != 1) {
        BIO_free(*out);
        *out = NULL;
        scep_fail(h, SCEP_ERR_DECRYPT,
                  "the envelope cannot be decrypted with this key");
    } else {
        rc = 0;
    }
    PKCS7_free(env);
    return rc;
}

/* ---- Payloads ---------------------------------------------------------- */

/* IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name } */
static int read_issuer_and_subject(SCEP *h, const unsigned char *p,
                                   long len, SCEP_MESSAGE *m)
{
    const unsigned char *end = p + len;
    long body;
    int tag, class;

    if ((ASN1_get_object(&p, &body, &tag, &class, len) & 0x80) ||
        tag != V_ASN1_SEQUENCE || body > end - p ||
        (m->issuer = d2i_X509_NAME(NULL, &p, end - p)) == NULL ||
        (m->subject = d2i_X509_NAME(NULL, &p, end - p)) == NULL)
        return scep_fail(h, SCEP_ERR_CONTENT,
                         "the GetCertInitial content is not an "
                         "IssuerAndSubject");
    return 0;
}

static int read_issuer_and_serial(SCEP *h, const unsigned char *p,
                                  long len, SCEP_MESSAGE *m)
{
    PKCS7_ISSUER_AND_SERIAL *ias = d2i_PKCS7_ISSUER_AND_SERIAL(NULL, &p, len);

    if (ias == NULL)
        return scep_fail(h, SCEP_ERR_CONTENT,
                         "the %s content is not an IssuerAndSerialNumber",
                         m->type_name);
    m->issuer = ias->issuer;
    m->serial = ias->serial;
    ias->issuer = NULL;
    ias->serial = NULL;
    PKCS7_ISSUER_AND_SERIAL_free(ias);
    return 0;
}

/* Moves the certificate for the requester's key to the front. */
static void issued_first(STACK_OF(X509) *certs, EVP_PKEY *key)
{
    int i;

    for (i = 1; key != NULL && i < sk_X509_num(certs); i++) {
        X509 *cert = sk_X509_value(certs, i);

        if (EVP_PKEY_eq(X509_get0_pubkey(cert), key) == 1) {
            sk_X509_delete(certs, i);
            sk_X509_unshift(certs, cert);
            return;
        }
    }
}

static int read_certs_only(SCEP *h, const unsigned char *p, long len,
                           SCEP_MESSAGE *m, EVP_PKEY *key)
{
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, len);
    STACK_OF(X509) *certs;
    STACK_OF(X509_CRL) *crls;

    if (p7 == NULL || !PKCS7_type_is_signed(p7) || p7->d.sign == NULL) {
        PKCS7_free(p7);
        return scep_fail(h, SCEP_ERR_CONTENT,
                         "the SUCCESS content is not a certs-only "
                         "SignedData");
    }
    certs = p7->d.sign->cert;
    crls = p7->d.sign->crl;
    if (sk_X509_num(certs) > 0) {
        m->certs = certs;
        p7->d.sign->cert = NULL;
        issued_first(m->certs, key);
    }
    if (sk_X509_CRL_num(crls) > 0) {
        m->crl = X509_CRL_dup(sk_X509_CRL_value(crls, 0));
    }
    PKCS7_free(p7);
    if (m->certs == NULL && m->crl == NULL)
        return scep_fail(h, SCEP_ERR_CONTENT,
                         "the SUCCESS reply holds neither a certificate nor "
                         "a CRL");
    return 0;
}

static int read_payload(SCEP *h, BIO *payload, SCEP_MESSAGE *m,
                        EVP_PKEY *key)
{
    const unsigned char *p;
    long len = BIO_get_mem_data(payload, (char **)&p);

    if (len <= 0)
        return scep_fail(h, SCEP_ERR_CONTENT, "the envelope is empty");
    switch (m->type) {
    case SCEP_TYPE_PKCSREQ:
    case SCEP_TYPE_RENEWALREQ:
        if ((m->csr = d2i_X509_REQ(NULL, &p, len)) == NULL)
            return scep_fail(h, SCEP_ERR_CONTENT,
                             "the decrypted content is not a PKCS#10 "
                             "request (wrong key?)");
        return scep_check_csr_signature(h, m->csr);
    case SCEP_TYPE_GETCERTINITIAL:
        return read_issuer_and_subject(h, p, len, m);
    case SCEP_TYPE_GETCERT:
    case SCEP_TYPE_GETCRL:
        return read_issuer_and_serial(h, p, len, m);
    default:
        return read_certs_only(h, p, len, m, key);
    }
}

static int unwrap_content(SCEP *h, PKCS7 *p7, SCEP_MESSAGE *m,
                          const char *enc_text, const char *key_text)
{
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    BIO *payload = NULL;
    int rc = -1;

    if ((cert = scep_load_cert(h, enc_text, "decryption certificate")) ==
            NULL ||
        (key = scep_load_key(h, key_text, "decryption key")) == NULL)
        goto done;
    if (!X509_check_private_key(cert, key)) {
        scep_fail(h, SCEP_ERR_KEY, "the decryption key does not belong to "
                                   "the decryption certificate");
        goto done;
    }
    if (open_envelope(h, p7, cert, key, &payload) == 0 &&
        read_payload(h, payload, m, key) == 0)
        rc = 0;

done:
    BIO_free(payload);
    EVP_PKEY_free(key);
    X509_free(cert);
    return rc;
}

SCEP_MESSAGE *scep_unwrap(SCEP *h, const unsigned char *data, size_t len,
                          const char *sig_text, const char *enc_text,
                          const char *key_text)
{
    int failed;
    X509 *given;
    PKCS7 *p7 = NULL;
    SCEP_MESSAGE *m;

    if (h == NULL)
        return NULL;
    given = optional_cert(h, sig_text, "signer certificate", &failed);
    if (failed)
        return NULL;
    m = scep_read_message(h, data, len, given, &p7);
    X509_free(given);
    if (m == NULL)
        return NULL;

    /* FAILURE and PENDING replies are never decrypted. */
    if (m->type != SCEP_TYPE_CERTREP ||
        m->pki_status == SCEP_PKISTATUS_SUCCESS) {
        if (unwrap_content(h, p7, m, enc_text, key_text) != 0) {
            scep_message_free(m);
            m = NULL;
        } else {
            m->unwrapped = 1;
        }
    }
    PKCS7_free(p7);
    if (m != NULL)
        scep_ok(h);
    return m;
}
