/*
 * Certificate names for display.  The library hands certificates over as
 * PEM; only the tool needs to show their names, so it reads them here with
 * OpenSSL rather than widening the library's interface.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"

static X509 *load_cert(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *cert = NULL;

    if (bio != NULL)
        cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return cert;
}

/* The same one-line form the library uses: /C=DE/O=Example/CN=host. */
static char *name_text(const X509_NAME *name)
{
    char *line = X509_NAME_oneline(name, NULL, 0);
    char *copy = line != NULL ? strdup(line) : NULL;

    OPENSSL_free(line);
    return copy;
}

char *cert_subject(const char *pem)
{
    X509 *cert = load_cert(pem);
    char *text = cert != NULL ? name_text(X509_get_subject_name(cert))
                              : NULL;

    X509_free(cert);
    return text;
}

char *cert_issuer(const char *pem)
{
    X509 *cert = load_cert(pem);
    char *text = cert != NULL ? name_text(X509_get_issuer_name(cert))
                              : NULL;

    X509_free(cert);
    return text;
}

char *cert_serial(const char *pem)
{
    X509 *cert = load_cert(pem);
    BIGNUM *bn = NULL;
    char *dec = NULL, *text = NULL;

    if (cert != NULL &&
        (bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL)) &&
        (dec = BN_bn2dec(bn)) != NULL)
        text = strdup(dec);
    OPENSSL_free(dec);
    BN_free(bn);
    X509_free(cert);
    return text;
}

char *pem_nth_cert(const char *pem, int n)
{
    static const char end_marker[] = "-----END CERTIFICATE-----";
    const char *start = pem, *end;
    char *copy;
    size_t len;

    for (;;) {
        start = strstr(start, "-----BEGIN CERTIFICATE-----");
        if (start == NULL || (end = strstr(start, end_marker)) == NULL)
            return NULL;
        end += sizeof(end_marker) - 1;
        if (n-- == 0)
            break;
        start = end;
    }

    len = (size_t)(end - start);
    if ((copy = malloc(len + 2)) == NULL)
        return NULL;
    memcpy(copy, start, len);
    copy[len] = '\n';
    copy[len + 1] = '\0';
    return copy;
}

char *base64_encode(const unsigned char *bytes, size_t len)
{
    char *text = malloc(4 * ((len + 2) / 3) + 1);

    if (text != NULL)
        EVP_EncodeBlock((unsigned char *)text, bytes, (int)len);
    return text;
}
