/*
 * GetCACert and GetNextCACert answers: a bare certificate or a certs-only
 * SignedData (possibly signed, with the bundle as its content).  Which
 * certificate is the CA, which the RA signer and which the RA encryption
 * certificate is decided by basicConstraints and key usage, never by the
 * order the server happened to use.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "internal.h"

static STACK_OF(X509) *take_certs(PKCS7 *p7)
{
    STACK_OF(X509) *certs = p7->d.sign->cert;

    p7->d.sign->cert = NULL;
    return certs;
}

/* A signed GetNextCACert answer carries the bundle as its content. */
static STACK_OF(X509) *nested_certs(SCEP *h, PKCS7 *p7)
{
    int present;
    PKCS7 *inner = scep_inner_p7(p7, &present);
    STACK_OF(X509) *certs = NULL;

    if (inner != NULL && PKCS7_type_is_signed(inner) &&
        inner->d.sign != NULL)
        certs = take_certs(inner);
    else if (present)
        scep_fail(h, SCEP_ERR_CONTENT,
                  "the signed bundle's content is not a certs-only "
                  "SignedData");
    PKCS7_free(inner);
    return certs;
}

static STACK_OF(X509) *bundle_certs(SCEP *h, const unsigned char *der,
                                    size_t len)
{
    const unsigned char *p = der;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
    STACK_OF(X509) *certs = NULL;
    X509 *cert;

    if (p7 == NULL) {
        p = der;
        if ((cert = d2i_X509(NULL, &p, (long)len)) == NULL) {
            scep_fail(h, SCEP_ERR_FORMAT, "the answer is neither a "
                                          "certificate nor a PKCS#7 "
                                          "bundle");
            return NULL;
        }
        if ((certs = sk_X509_new_null()) == NULL ||
            !sk_X509_push(certs, cert)) {
            X509_free(cert);
            sk_X509_free(certs);
            return NULL;
        }
        return certs;
    }

    if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL)
        scep_fail(h, SCEP_ERR_FORMAT, "the bundle is not SignedData");
    else if (sk_PKCS7_SIGNER_INFO_num(PKCS7_get_signer_info(p7)) > 0)
        certs = nested_certs(h, p7);
    else
        certs = take_certs(p7);
    PKCS7_free(p7);
    if (certs != NULL && sk_X509_num(certs) == 0) {
        sk_X509_free(certs);
        certs = NULL;
    }
    if (certs == NULL && h->status == SCEP_OK)
        scep_fail(h, SCEP_ERR_CONTENT, "the bundle holds no certificate");
    return certs;
}

static int is_ca(X509 *cert)
{
    return X509_check_ca(cert) > 0;
}

static int has_usage(X509 *cert, uint32_t usage)
{
    return (X509_get_key_usage(cert) & usage) != 0;
}

/* The first non-CA certificate with the usage, else the CA. */
static X509 *ra_cert(STACK_OF(X509) *certs, uint32_t usage, X509 *ca)
{
    int i;

    for (i = 0; i < sk_X509_num(certs); i++) {
        X509 *cert = sk_X509_value(certs, i);

        if (!is_ca(cert) && has_usage(cert, usage))
            return cert;
    }
    return ca;
}

/* The CA: a CA certificate that issued another one of the bundle, else
 * the first CA certificate, else the only certificate. */
static X509 *ca_cert(STACK_OF(X509) *certs)
{
    X509 *first_ca = NULL;
    int i, j;

    for (i = 0; i < sk_X509_num(certs); i++) {
        X509 *candidate = sk_X509_value(certs, i);

        if (!is_ca(candidate))
            continue;
        if (first_ca == NULL)
            first_ca = candidate;
        for (j = 0; j < sk_X509_num(certs); j++)
            if (j != i && X509_check_issued(candidate,
                                            sk_X509_value(certs, j)) ==
                              X509_V_OK)
                return candidate;
    }
    if (first_ca == NULL && sk_X509_num(certs) == 1)
        return sk_X509_value(certs, 0);
    return first_ca;
}

static int keep_pem(SCEP *h, X509 *cert, char **text)
{
    if (cert == NULL)
        return 0;
    if ((*text = scep_cert_pem(cert)) == NULL)
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    return 0;
}

SCEP_MESSAGE *scep_read_ca_certs(SCEP *h, const unsigned char *data,
                                 size_t len)
{
    unsigned char *der = NULL;
    size_t der_len = 0;
    SCEP_MESSAGE *m = NULL;
    STACK_OF(X509) *certs = NULL;
    X509 *ca;

    if (h == NULL)
        return NULL;
    h->status = SCEP_OK;
    if (scep_decode_message(h, data, len, &der, &der_len) != 0 ||
        scep_check_ber(h, der, der_len) != 0 ||
        (certs = bundle_certs(h, der, der_len)) == NULL)
        goto done;
    if ((m = scep_message_new()) == NULL ||
        (m->type_name = scep_strdup("CertsOnly")) == NULL) {
        scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
        goto done;
    }
    m->type = SCEP_TYPE_CERTSONLY;
    m->certs = certs;
    certs = NULL;

    ca = ca_cert(m->certs);
    if (keep_pem(h, ca, &m->text_ca) != 0 ||
        keep_pem(h, ra_cert(m->certs, KU_DIGITAL_SIGNATURE, ca),
                 &m->text_ra_sign) != 0 ||
        keep_pem(h, ra_cert(m->certs, KU_KEY_ENCIPHERMENT, ca),
                 &m->text_ra_enc) != 0) {
        scep_message_free(m);
        m = NULL;
        goto done;
    }
    scep_ok(h);

done:
    sk_X509_pop_free(certs, X509_free);
    free(der);
    return m;
}

static const char *bundle_text(SCEP_MESSAGE *m, const char *text,
                               const char *what)
{
    if (m == NULL)
        return NULL;
    if (text == NULL) {
        scep_message_fail(m, SCEP_ERR_STATE, "this %s has no %s",
                          m->type_name ? m->type_name : "message", what);
        return NULL;
    }
    m->status = SCEP_OK;
    m->error[0] = '\0';
    return text;
}

const char *scep_get_ca_cert(SCEP_MESSAGE *m)
{
    return bundle_text(m, m ? m->text_ca : NULL, "CA certificate");
}

const char *scep_get_ra_signing_cert(SCEP_MESSAGE *m)
{
    return bundle_text(m, m ? m->text_ra_sign : NULL,
                       "RA signing certificate");
}

const char *scep_get_ra_encryption_cert(SCEP_MESSAGE *m)
{
    return bundle_text(m, m ? m->text_ra_enc : NULL,
                       "RA encryption certificate");
}
