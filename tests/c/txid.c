/* Transaction IDs computed straight from OpenSSL, to hold the library's
 * own computation to the rule in DESIGN.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "harness.h"

char *expected_key_transaction_id(const char *csr_pem)
{
    BIO *bio = BIO_new_mem_buf(csr_pem, -1);
    X509_REQ *csr = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
    unsigned char *spki = NULL, md[32];
    int len = csr ? i2d_PUBKEY(X509_REQ_get0_pubkey(csr), &spki) : -1;
    char *text = malloc(65);
    int i;

    EVP_Digest(spki, (size_t)len, md, NULL, EVP_sha256(), NULL);
    for (i = 0; i < 32; i++)
        sprintf(text + 2 * i, "%02X", md[i]);
    OPENSSL_free(spki);
    X509_REQ_free(csr);
    BIO_free(bio);
    return text;
}

char *expected_serial_transaction_id(const char *issuer_pem, long serial,
                                     int type)
{
    BIO *bio = BIO_new_mem_buf(issuer_pem, -1);
    X509 *issuer = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    ASN1_INTEGER *number = ASN1_INTEGER_new();
    unsigned char *name_der = NULL, *serial_der = NULL, md[32];
    int name_len = i2d_X509_NAME(X509_get_subject_name(issuer), &name_der);
    int serial_len;
    char type_text[8], *text = malloc(65);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int i;

    ASN1_INTEGER_set(number, serial);
    serial_len = i2d_ASN1_INTEGER(number, &serial_der);
    snprintf(type_text, sizeof(type_text), "%d", type);
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, name_der, (size_t)name_len);
    EVP_DigestUpdate(ctx, serial_der, (size_t)serial_len);
    EVP_DigestUpdate(ctx, type_text, strlen(type_text));
    EVP_DigestFinal_ex(ctx, md, NULL);
    for (i = 0; i < 32; i++)
        sprintf(text + 2 * i, "%02X", md[i]);
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(name_der);
    OPENSSL_free(serial_der);
    ASN1_INTEGER_free(number);
    X509_free(issuer);
    BIO_free(bio);
    return text;
}
