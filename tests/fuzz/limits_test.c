/*
 * SCEP_MAX_MESSAGE_SIZE and SCEP_MAX_NESTING_DEPTH hold at every entry
 * point that reads outside data, before OpenSSL decodes anything:
 * messages (parse, unwrap, certs-only, the input detector, replies built
 * from a request), GetCACaps text, and keys, certificates, CSRs and CRLs
 * given as PEM or base64 text.  Just inside the limits must still pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "scep.h"

static int failures, checks;

static void expect(int line, SCEP *h, int failed, int status,
                   const char *text)
{
    checks++;
    if (failed && scep_last_status(h) == status &&
        strstr(scep_last_error(h), text) != NULL)
        return;
    failures++;
    fprintf(stderr, "FAIL line %d: %s %s \"%s\", expected %s \"%s\"\n",
            line, failed ? "failed with" : "succeeded;",
            scep_status_name(scep_last_status(h)), scep_last_error(h),
            scep_status_name(status), text);
}
#define EXPECT(h, failed, status, text) \
    expect(__LINE__, h, failed, status, text)

/* levels SEQUENCEs around a NULL, definite lengths, built inside out. */
static unsigned char *nested(int levels, size_t *len)
{
    size_t total = (size_t)levels * 4 + 2, at = total - 2, inner = 2;
    unsigned char *der = malloc(total);

    der[at] = 0x05;
    der[at + 1] = 0x00;
    while (at > 0) {
        at -= 4;
        der[at] = 0x30;
        der[at + 1] = 0x82;
        der[at + 2] = (unsigned char)(inner >> 8);
        der[at + 3] = (unsigned char)inner;
        inner += 4;
    }
    *len = total;
    return der;
}

static char *as_pem(const char *label, const unsigned char *der,
                    size_t len)
{
    size_t b64 = (len + 2) / 3 * 4;
    char *pem = malloc(b64 + 2 * strlen(label) + 64);
    int n = sprintf(pem, "-----BEGIN %s-----\n", label);

    n += EVP_EncodeBlock((unsigned char *)pem + n, der, (int)len);
    sprintf(pem + n, "\n-----END %s-----\n", label);
    return pem;
}

static void messages(SCEP *h)
{
    size_t big_len = SCEP_MAX_MESSAGE_SIZE + 1, len;
    unsigned char *big = calloc(1, big_len), *out = NULL, *deep, *text;

    big[0] = 0x30;
    EXPECT(h, scep_parse(h, big, big_len, NULL) == NULL, SCEP_ERR_LIMIT,
           "more than the limit");
    EXPECT(h, scep_unwrap(h, big, big_len, NULL, NULL, NULL) == NULL,
           SCEP_ERR_LIMIT, "more than the limit");
    EXPECT(h, scep_read_ca_certs(h, big, big_len) == NULL, SCEP_ERR_LIMIT,
           "more than the limit");
    EXPECT(h, scep_decode_input(h, big, big_len, &out, &len) != 0,
           SCEP_ERR_LIMIT, "more than the limit");
    EXPECT(h, scep_create_pending_reply(h, "k", "c", big, big_len, &out,
                                        &len) != 0,
           SCEP_ERR_LIMIT, "more than the limit");
    /* Base64 within twice the limit, of a DER over it. */
    text = malloc(big_len / 3 * 4 + 8);
    len = (size_t)EVP_EncodeBlock(text, big, (int)big_len);
    EXPECT(h, scep_parse(h, text, len, NULL) == NULL, SCEP_ERR_LIMIT,
           "more than the limit");
    EXPECT(h, scep_parse_capabilities(h, (char *)text, len) == -1,
           SCEP_ERR_LIMIT, "longer than 64 KiB");
    free(text);
    free(big);

    deep = nested(SCEP_MAX_NESTING_DEPTH, &len);
    EXPECT(h, scep_parse(h, deep, len, NULL) == NULL, SCEP_ERR_LIMIT,
           "nests deeper than 32");
    EXPECT(h, scep_read_ca_certs(h, deep, len) == NULL, SCEP_ERR_LIMIT,
           "nests deeper than 32");
    free(deep);
    deep = nested(SCEP_MAX_NESTING_DEPTH - 1, &len);
    EXPECT(h, scep_parse(h, deep, len, NULL) == NULL, SCEP_ERR_FORMAT,
           "not a PKCS#7");
    free(deep);
}

/* Every text argument: the CSR, the signer key and certificate, the
 * encryption certificate, a chain and a CRL. */
static void texts(SCEP *h)
{
    size_t len;
    unsigned char *deep = nested(SCEP_MAX_NESTING_DEPTH + 8, &len);
    char *cert = as_pem("CERTIFICATE", deep, len);
    char *key = as_pem("PRIVATE KEY", deep, len);
    char *csr = as_pem("CERTIFICATE REQUEST", deep, len);
    char *crl = as_pem("X509 CRL", deep, len);
    char *bare = as_pem("X", deep, len);
    char *huge = malloc(2 * SCEP_MAX_MESSAGE_SIZE + 2);
    unsigned char *out = NULL, nonce[16] = {0};
    size_t out_len;

    EXPECT(h, scep_pkcsreq(h, key, cert, cert, csr, &out, &out_len) != 0,
           SCEP_ERR_LIMIT, "nests deeper than 32");
    EXPECT(h, scep_parse(h, deep, len, cert) == NULL, SCEP_ERR_LIMIT,
           "certificate nests deeper than 32");
    EXPECT(h, scep_create_certs_only(h, cert, NULL, NULL, &out,
                                     &out_len) != 0,
           SCEP_ERR_LIMIT, "nests deeper than 32");
    EXPECT(h, scep_create_crl_reply_wop7(h, key, cert, "T", nonce, 16, cert,
                                         crl, &out, &out_len) != 0,
           SCEP_ERR_LIMIT, "nests deeper than 32");

    /* Bare base64 (no PEM lines) is checked the same way. */
    bare[strlen(bare) - strlen("\n-----END X-----\n")] = '\0';
    EXPECT(h, scep_parse(h, deep, len, bare + strlen("-----BEGIN X-----\n"))
                  == NULL,
           SCEP_ERR_LIMIT, "certificate nests deeper than 32");

    memset(huge, 'A', 2 * SCEP_MAX_MESSAGE_SIZE + 1);
    huge[2 * SCEP_MAX_MESSAGE_SIZE + 1] = '\0';
    EXPECT(h, scep_parse(h, deep, len, huge) == NULL, SCEP_ERR_LIMIT,
           "bytes of text, more than the limit");
    EXPECT(h, scep_pkcsreq(h, huge, huge, huge, huge, &out, &out_len) != 0,
           SCEP_ERR_LIMIT, "more than the limit");

    free(deep);
    free(cert);
    free(key);
    free(csr);
    free(crl);
    free(bare);
    free(huge);
}

int main(void)
{
    SCEP *h = scep_create_handle();

    messages(h);
    texts(h);
    scep_cleanup(h);
    printf("limits_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
