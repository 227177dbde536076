/*
 * Reading what callers hand in (messages as DER, BER, PEM or base64 in the
 * spellings deployed clients use; keys, certificates, CSRs and CRLs as PEM)
 * and writing what the library hands back (PEM as openssl prints it, DER,
 * one-line names, serials).
 *
 * Keys and certificates given again and again as the same text are decoded
 * once and kept on the handle in a small cache keyed by the SHA-256 of the
 * text, so a server answering many requests with one CA key pays for the
 * PEM decoding (and the key's password derivation) only once.
 */
#define _GNU_SOURCE    /* memmem */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "internal.h"

char *scep_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);

    if (copy != NULL)
        memcpy(copy, s, len);
    return copy;
}

/* ---- base64 in every spelling seen in the field ----------------------- */

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int base64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')    /* '-' and '_': URL-safe alphabet */
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/*
 * Decodes base64, standard or URL-safe, with or without padding, ignoring
 * white space and undoing %-escapes (sscep sends %0A, libscep %0D%0A,
 * others %2B, %2F, %3D).  Returns the byte count or -1.
 */
static long base64_decode(const unsigned char *in, size_t len,
                          unsigned char *out)
{
    unsigned long bits = 0;
    int nbits = 0, padding = 0;
    long n = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        int c = in[i], v;

        if (c == '%' && i + 2 < len && hex_value(in[i + 1]) >= 0 &&
            hex_value(in[i + 2]) >= 0) {
            c = hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]);
            i += 2;
        }
        if (isspace(c))
            continue;
        if (c == '=') {
            padding++;
            continue;
        }
        if (padding > 0 || (v = base64_value(c)) < 0)
            return -1;    /* data after padding, or not base64 at all */
        bits = (bits << 6) | (unsigned long)v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out[n++] = (unsigned char)(bits >> nbits);
            bits &= (1UL << nbits) - 1;
        }
    }
    if (nbits >= 6 || padding > 2)
        return -1;    /* a lone trailing character cannot be base64 */
    return n;
}

/* Finds the base64 body of the first PEM block, whatever its label. */
static int pem_body(const unsigned char *data, size_t len,
                    const unsigned char **body, size_t *body_len)
{
    const char *text = (const char *)data;
    const char *begin = NULL, *end = NULL;
    size_t i;

    for (i = 0; i + 10 <= len; i++) {
        if (begin == NULL && memcmp(text + i, "-----BEGIN", 10) == 0) {
            const char *eol = memchr(text + i, '\n', len - i);

            if (eol == NULL)
                return -1;
            begin = eol + 1;
            i = (size_t)(eol - text);
        } else if (begin != NULL && memcmp(text + i, "-----END", 8) == 0) {
            end = text + i;
            break;
        }
    }
    if (begin == NULL || end == NULL)
        return -1;
    *body = (const unsigned char *)begin;
    *body_len = (size_t)(end - begin);
    return 0;
}

static int looks_like_html(const unsigned char *data, size_t len)
{
    size_t i = 0;

    while (i < len && isspace(data[i]))
        i++;
    return i < len && data[i] == '<';
}

int scep_decode_message(SCEP *h, const unsigned char *data, size_t len,
                        unsigned char **der, size_t *der_len)
{
    const unsigned char *body = data;
    size_t body_len = len;
    unsigned char *buffer;
    long n;

    if (data == NULL || len == 0)
        return scep_fail(h, SCEP_ERR_FORMAT, "the message is empty");
    if (len > 2 * (size_t)SCEP_MAX_MESSAGE_SIZE)
        return scep_fail(h, SCEP_ERR_LIMIT,
                         "the message is %zu bytes, more than the limit of "
                         "%d", len, SCEP_MAX_MESSAGE_SIZE);

    if (data[0] == 0x30) {    /* a SEQUENCE: DER or BER already */
        if (len > SCEP_MAX_MESSAGE_SIZE)
            return scep_fail(h, SCEP_ERR_LIMIT,
                             "the message is %zu bytes, more than the limit "
                             "of %d", len, SCEP_MAX_MESSAGE_SIZE);
        if ((*der = malloc(len)) == NULL)
            return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
        memcpy(*der, data, len);
        *der_len = len;
        return 0;
    }
    if (looks_like_html(data, len))
        return scep_fail(h, SCEP_ERR_FORMAT,
                         "the input is an HTML or XML page, not a SCEP "
                         "message (an error page from the server?)");

    if (memmem(data, len, "-----BEGIN", 10) != NULL &&
        pem_body(data, len, &body, &body_len) != 0)
        return scep_fail(h, SCEP_ERR_FORMAT,
                         "the PEM input has no matching -----END line");
    if (len > 8 && memcmp(body, "message=", 8) == 0) {
        body += 8;
        body_len -= 8;
    }

    if ((buffer = malloc(body_len / 4 * 3 + 4)) == NULL)
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    n = base64_decode(body, body_len, buffer);
    if (n <= 0 || buffer[0] != 0x30) {
        free(buffer);
        return scep_fail(h, SCEP_ERR_FORMAT,
                         "the input is not a SCEP message: neither DER nor "
                         "PEM nor base64 of a DER structure");
    }
    if (n > SCEP_MAX_MESSAGE_SIZE) {
        free(buffer);
        return scep_fail(h, SCEP_ERR_LIMIT,
                         "the message is %ld bytes, more than the limit of "
                         "%d", n, SCEP_MAX_MESSAGE_SIZE);
    }
    *der = buffer;
    *der_len = (size_t)n;
    return 0;
}

int scep_decode_input(SCEP *h, const unsigned char *data, size_t len,
                      unsigned char **out, size_t *out_len)
{
    if (h == NULL)
        return -1;
    if (out == NULL || out_len == NULL)
        return scep_fail(h, SCEP_ERR_ARGUMENT, "no output buffer given");
    if (scep_decode_message(h, data, len, out, out_len) != 0)
        return -1;
    scep_ok(h);
    return 0;
}

/* ---- BER shape check, before OpenSSL decodes anything ----------------- */

struct ber_walk {
    const unsigned char *start;
    const char *problem;
    size_t offset;
    int too_deep;
};

static int ber_element(struct ber_walk *w, const unsigned char **pp,
                       const unsigned char *end, int depth);

static int ber_fail(struct ber_walk *w, const unsigned char *at,
                    const char *problem)
{
    w->problem = problem;
    w->offset = (size_t)(at - w->start);
    return -1;
}

static int ber_children(struct ber_walk *w, const unsigned char **pp,
                        const unsigned char *end, int indefinite,
                        int depth)
{
    while (*pp < end) {
        if (indefinite && end - *pp >= 2 && (*pp)[0] == 0 &&
            (*pp)[1] == 0) {
            *pp += 2;
            return 0;
        }
        if (ber_element(w, pp, end, depth) != 0)
            return -1;
    }
    if (indefinite)
        return ber_fail(w, *pp, "an indefinite length has no end marker");
    return 0;
}

static int ber_element(struct ber_walk *w, const unsigned char **pp,
                       const unsigned char *end, int depth)
{
    const unsigned char *p = *pp;
    int constructed, indefinite = 0;
    size_t length = 0;

    if (depth > SCEP_MAX_NESTING_DEPTH) {
        w->too_deep = 1;
        return ber_fail(w, p, "the structure nests too deeply");
    }
    if (end - p < 2)
        return ber_fail(w, p, "the input ends inside a tag");

    constructed = (*p & 0x20) != 0;
    if ((*p++ & 0x1f) == 0x1f) {    /* high tag number form */
        int count = 0;

        while (p < end && (*p & 0x80) && count++ < 4)
            p++;
        if (p >= end || count > 4)
            return ber_fail(w, p, "a tag number is malformed");
        p++;
    }
    if (p >= end)
        return ber_fail(w, p, "the input ends inside a length");

    if (*p == 0x80) {
        if (!constructed)
            return ber_fail(w, p, "a primitive value has an indefinite "
                                  "length");
        indefinite = 1;
        p++;
    } else if (*p & 0x80) {
        int bytes = *p++ & 0x7f;

        if (bytes > 4 || end - p < bytes)
            return ber_fail(w, p, "a length field is malformed");
        while (bytes-- > 0)
            length = (length << 8) | *p++;
    } else {
        length = *p++;
    }

    if (!indefinite && length > (size_t)(end - p))
        return ber_fail(w, p, "a length runs past the end of the input "
                              "(truncated?)");
    if (!constructed) {
        *pp = p + length;
        return 0;
    }
    if (ber_children(w, &p, indefinite ? end : p + length, indefinite,
                     depth + 1) != 0)
        return -1;
    *pp = p;
    return 0;
}

int scep_check_ber(SCEP *h, const unsigned char *der, size_t len)
{
    struct ber_walk w = {der, NULL, 0, 0};
    const unsigned char *p = der;

    if (ber_element(&w, &p, der + len, 1) == 0)
        return 0;
    if (w.too_deep)
        return scep_fail(h, SCEP_ERR_LIMIT,
                         "the message nests deeper than %d levels (at byte "
                         "%zu)", SCEP_MAX_NESTING_DEPTH, w.offset);
    return scep_fail(h, SCEP_ERR_FORMAT,
                     "the message is not valid BER: %s (at byte %zu)",
                     w.problem, w.offset);
}

/* ---- Limits on keys, certificates, CSRs and CRLs given as text -------- */

/* 1 when the DER nests deeper than the limit; a malformed one is left to
 * the loader, which names what it expected. */
static int too_deep(const unsigned char *der, size_t len)
{
    struct ber_walk w = {der, NULL, 0, 0};
    const unsigned char *p = der;

    return len > 0 && ber_element(&w, &p, der + len, 1) != 0 && w.too_deep;
}

/* Every PEM block but encrypted ones (their body is ciphertext). */
static int pem_too_deep(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    int deep = 0;

    while (!deep && bio != NULL &&
           PEM_read_bio(bio, &name, &header, &data, &len) == 1) {
        deep = header[0] == '\0' && too_deep(data, (size_t)len);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    }
    BIO_free(bio);
    ERR_clear_error();    /* the end of the text, or a block to skip */
    return deep;
}

int scep_check_text(SCEP *h, const char *text, const char *what)
{
    size_t len = strlen(text);
    unsigned char *der;
    long n;
    int deep;

    /* PEM and base64 take 4/3 of the DER and line breaks. */
    if (len > 2 * (size_t)SCEP_MAX_MESSAGE_SIZE)
        return scep_fail(h, SCEP_ERR_LIMIT,
                         "the %s is %zu bytes of text, more than the limit "
                         "of %d", what, len, 2 * SCEP_MAX_MESSAGE_SIZE);

    if (strstr(text, "-----BEGIN") != NULL) {
        deep = pem_too_deep(text);
    } else {
        /* Bare base64, or no base64 at all (a PKCS#11 reference). */
        if ((der = malloc(len / 4 * 3 + 4)) == NULL)
            return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
        n = base64_decode((const unsigned char *)text, len, der);
        deep = n > 0 && too_deep(der, (size_t)n);
        free(der);
    }
    if (deep)
        return scep_fail(h, SCEP_ERR_LIMIT,
                         "the %s nests deeper than %d levels", what,
                         SCEP_MAX_NESTING_DEPTH);
    return 0;
}
