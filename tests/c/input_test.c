/*
 * Message input in every spelling deployed software uses: DER, PEM with
 * any label, and base64 standard or URL-safe, padded or not, broken into
 * lines with LF, CRLF or their %-escapes, with or without "message=".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness.h"

static unsigned char *der;
static size_t der_len;

/* Standard base64 of the DER message, one line. */
static char *base64(void)
{
    char *text = malloc(der_len / 3 * 4 + 8);

    EVP_EncodeBlock((unsigned char *)text, der, (int)der_len);
    return text;
}

/* text with sep inserted every 64 characters. */
static char *wrapped(const char *text, const char *sep)
{
    size_t len = strlen(text), lines = len / 64 + 1;
    char *out = malloc(len + lines * strlen(sep) + 1), *p = out;
    size_t i;

    for (i = 0; i < len; i += 64) {
        size_t n = len - i < 64 ? len - i : 64;

        memcpy(p, text + i, n);
        p += n;
        strcpy(p, sep);
        p += strlen(sep);
    }
    *p = '\0';
    return out;
}

static void url_safe(char *text, int keep_padding)
{
    char *p;

    for (p = text; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    if (!keep_padding && (p = strchr(text, '=')) != NULL)
        *p = '\0';
}

static void decodes(const char *what, const char *text)
{
    SCEP *h = scep_create_handle();
    unsigned char *out = NULL;
    size_t len = 0;

    harness_checks++;
    if (scep_decode_input(h, (const unsigned char *)text, strlen(text), &out,
                          &len) != 0)
        harness_fail(__FILE__, __LINE__, "%s: %s", what, scep_last_error(h));
    else if (len != der_len || memcmp(out, der, len) != 0)
        harness_fail(__FILE__, __LINE__, "%s: decoded to other bytes", what);
    scep_free(out);
    scep_cleanup(h);
}

static char *joined(const char *a, const char *b, const char *c)
{
    char *out = malloc(strlen(a) + strlen(b) + strlen(c) + 1);

    sprintf(out, "%s%s%s", a, b, c);
    return out;
}

int main(void)
{
    char *plain, *text;
    const char *const separators[] = {"\n", "\r\n", "%0A", "%0D%0A"};
    size_t i;

    der = (unsigned char *)vector_file("peers/captured/sscep-pkcsreq.der",
                                       &der_len);
    plain = base64();
    decodes("one line", plain);

    for (i = 0; i < 4; i++) {
        text = wrapped(plain, separators[i]);
        decodes(separators[i], text);
        free(text);
    }

    text = wrapped(plain, "\n");
    free(plain);
    plain = joined("-----BEGIN PKCS7-----\n", text,
                   "-----END PKCS7-----\n");
    decodes("PEM", plain);
    free(plain);
    plain = joined("junk before\n-----BEGIN SCEP MESSAGE-----\n", text,
                   "-----END SCEP MESSAGE-----\n");
    decodes("PEM with another label", plain);
    free(plain);
    free(text);

    plain = base64();
    text = joined("message=", plain, "");
    decodes("message= prefix", text);
    free(text);
    url_safe(plain, 1);
    decodes("URL-safe, padded", plain);
    url_safe(plain, 0);
    decodes("URL-safe, unpadded", plain);
    free(plain);

    free(der);
    return harness_result("input");
}
