/*
 * Keys, certificates, CSRs and CRLs: loading them from the PEM text callers
 * pass (with the handle's key password and its cache), and printing them
 * back the way the openssl command does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "internal.h"

enum scep_cache_kind { CACHE_KEY = 1, CACHE_CERT = 2, CACHE_CSR = 3 };

/* ---- The cache -------------------------------------------------------- */

static void cache_entry_free(struct scep_key_cache_entry *e)
{
    if (e->kind == CACHE_KEY)
        EVP_PKEY_free(e->object);
    else if (e->kind == CACHE_CERT)
        X509_free(e->object);
    else if (e->kind == CACHE_CSR)
        X509_REQ_free(e->object);
    memset(e, 0, sizeof(*e));
}

void scep_cache_clear(SCEP *h)
{
    size_t i;

    for (i = 0; i < SCEP_CACHE_SLOTS; i++)
        cache_entry_free(&h->cache[i]);
    h->cache_next = 0;
}

static int fingerprint(int kind, const char *text, unsigned char *out)
{
    unsigned char tag = (unsigned char)kind;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, &tag, 1) &&
             EVP_DigestUpdate(ctx, text, strlen(text)) &&
             EVP_DigestFinal_ex(ctx, out, NULL);

    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* Returns a new reference to the cached object, or NULL. */
static void *cache_get(SCEP *h, int kind, const unsigned char *print)
{
    size_t i;

    for (i = 0; i < SCEP_CACHE_SLOTS; i++) {
        struct scep_key_cache_entry *e = &h->cache[i];

        if (e->kind != kind || memcmp(e->fingerprint, print, 32) != 0)
            continue;
        if (kind == CACHE_KEY && EVP_PKEY_up_ref(e->object))
            return e->object;
        if (kind == CACHE_CERT && X509_up_ref(e->object))
            return e->object;
        return NULL;
    }
    return NULL;
}

static void cache_put(SCEP *h, int kind, const unsigned char *print,
                      void *object)
{
    struct scep_key_cache_entry *e = &h->cache[h->cache_next];
    int referenced = kind == CACHE_KEY ? EVP_PKEY_up_ref(object)
                                       : X509_up_ref(object);

    if (!referenced)
        return;
    cache_entry_free(e);
    e->kind = kind;
    e->object = object;
    memcpy(e->fingerprint, print, 32);
    h->cache_next = (h->cache_next + 1) % SCEP_CACHE_SLOTS;
}

/* ---- Text to BIO: PEM as it is, bare base64 as DER -------------------- */

static int is_pem(const char *text)
{
    return strstr(text, "-----BEGIN") != NULL;
}

/* A BIO over the DER bytes of a bare base64 text; what names the text in
 * the error when it is not base64 of DER either. */
static BIO *base64_bio(SCEP *h, const char *text, const char *what)
{
    size_t len = strlen(text);
    unsigned char *der = NULL;
    size_t der_len = 0;
    BIO *bio;

    if (scep_decode_message(h, (const unsigned char *)text, len, &der,
                            &der_len) != 0) {
        scep_fail(h, SCEP_ERR_FORMAT,
                  "the %s is neither PEM nor base64-encoded DER", what);
        return NULL;
    }
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || BIO_write(bio, der, (int)der_len) != (int)der_len) {
        BIO_free(bio);
        bio = NULL;
    }
    free(der);
    return bio;
}

static BIO *text_bio(const char *text)
{
    return BIO_new_mem_buf(text, -1);
}

/* True (and the handle says why) when the text is absent, or too large
 * or too deeply nested to be given to OpenSSL. */
static int absent(SCEP *h, const char *text, const char *what)
{
    if (text != NULL && *text != '\0')
        return 0;
    scep_fail(h, SCEP_ERR_ARGUMENT, text == NULL ? "no %s given"
                                                 : "the %s is empty", what);
    return 1;
}

/* The text is absent or, checked before OpenSSL decodes it, too large or
 * too deep (cached objects skip this: they were checked when decoded). */
static int missing(SCEP *h, const char *text, const char *what)
{
    return absent(h, text, what) || scep_check_text(h, text, what) != 0;
}

/* ---- Private keys ----------------------------------------------------- */

struct password_request {
    SCEP *h;
    int no_password;
    int variable_unset;
};

static int password_callback(char *buf, int size, int rwflag, void *arg)
{
    struct password_request *req = arg;
    const char *password = req->h->password;
    size_t len;

    (void)rwflag;
    if (req->h->password_env != NULL) {
        password = getenv(req->h->password_env);
        req->variable_unset = password == NULL;
    }
    if (password == NULL) {
        req->no_password = 1;
        return -1;
    }
    len = strlen(password);
    if (len > (size_t)size)
        len = (size_t)size;
    memcpy(buf, password, len);
    return (int)len;
}

static EVP_PKEY *read_key(SCEP *h, const char *text,
                          struct password_request *req)
{
    BIO *bio = is_pem(text) ? text_bio(text)
                            : base64_bio(h, text, "private key");
    EVP_PKEY *key = NULL;

    if (bio == NULL)
        return NULL;
    if (is_pem(text))
        key = PEM_read_bio_PrivateKey(bio, NULL, password_callback, req);
    else
        key = d2i_PrivateKey_bio(bio, NULL);
    BIO_free(bio);
    return key;
}

static int is_encrypted(const char *text)
{
    return strstr(text, "ENCRYPTED") != NULL;
}

static EVP_PKEY *decode_key(SCEP *h, const char *text, const char *what)
{
    struct password_request req = {h, 0, 0};
    EVP_PKEY *key = read_key(h, text, &req);

    /* DES-encrypted PEM keys need the legacy provider: load it only
     * when such a key failed to open. */
    if (key == NULL && is_encrypted(text) && !req.no_password &&
        scep_need_legacy(h) == 0) {
        ERR_clear_error();
        key = read_key(h, text, &req);
    }
    if (key != NULL)
        return key;

    if (req.variable_unset)
        scep_fail(h, SCEP_ERR_KEY,
                  "the %s is encrypted and the password variable %s is "
                  "not set", what, h->password_env);
    else if (req.no_password)
        scep_fail(h, SCEP_ERR_KEY,
                  "the %s is encrypted and no password was given", what);
    else if (is_encrypted(text))
        scep_fail(h, SCEP_ERR_KEY,
                  "the %s cannot be decrypted: wrong password", what);
    else if (scep_pkcs11_looks_like_id(text))
        scep_fail(h, SCEP_ERR_KEY,
                  "the %s looks like a PKCS#11 key id, but the handle has "
                  "no token (configure one with scep_set_pkcs11)", what);
    else
        scep_fail(h, SCEP_ERR_KEY, "the %s is not a readable private key",
                  what);
    return NULL;
}

EVP_PKEY *scep_load_key(SCEP *h, const char *text, const char *what)
{
    unsigned char print[32];
    EVP_PKEY *key;
    int printed;

    if (absent(h, text, what))
        return NULL;
    if (scep_pkcs11_is_reference(h, text))
        return scep_pkcs11_load_key(h, text, what);

    printed = fingerprint(CACHE_KEY, text, print) == 0;
    if (printed && (key = cache_get(h, CACHE_KEY, print)) != NULL)
        return key;
    if (scep_check_text(h, text, what) != 0 ||
        (key = decode_key(h, text, what)) == NULL)
        return NULL;
    if (printed)
        cache_put(h, CACHE_KEY, print, key);
    scep_log(h, SCEP_LOG_DEBUG, "%s loaded (%d-bit %s)", what,
             EVP_PKEY_get_bits(key), EVP_PKEY_get0_type_name(key));
    return key;
}

/* ---- Certificates ----------------------------------------------------- */

static X509 *decode_cert(SCEP *h, const char *text, const char *what)
{
    BIO *bio = is_pem(text) ? text_bio(text) : base64_bio(h, text, what);
    X509 *cert = NULL;

    if (bio == NULL) {
        scep_fail(h, SCEP_ERR_CERT, "the %s is neither PEM nor base64",
                  what);
        return NULL;
    }
    if (is_pem(text))
        cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    else
        cert = d2i_X509_bio(bio, NULL);
    BIO_free(bio);

    if (cert == NULL)
        scep_fail(h, SCEP_ERR_CERT, "the %s is not a readable X.509 "
                                    "certificate", what);
    return cert;
}

X509 *scep_load_cert(SCEP *h, const char *text, const char *what)
{
    unsigned char print[32];
    X509 *cert;
    int printed;

    if (absent(h, text, what))
        return NULL;
    if (strncmp(text, "pkcs11:", 7) == 0)
        return scep_pkcs11_load_cert(h, text, what);

    printed = fingerprint(CACHE_CERT, text, print) == 0;
    if (printed && (cert = cache_get(h, CACHE_CERT, print)) != NULL)
        return cert;
    if (scep_check_text(h, text, what) != 0 ||
        (cert = decode_cert(h, text, what)) == NULL)
        return NULL;
    if (printed)
        cache_put(h, CACHE_CERT, print, cert);
    return cert;
}

/* True when the PEM reader stopped because no block was left. */
static int ended_cleanly(void)
{
    unsigned long err = ERR_peek_last_error();

    return err == 0 || (ERR_GET_LIB(err) == ERR_LIB_PEM &&
                         ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
}

STACK_OF(X509) *scep_load_certs(SCEP *h, const char *text, const char *what)
{
    STACK_OF(X509) *certs;
    X509 *cert;
    BIO *bio;

    if (missing(h, text, what))
        return NULL;
    if (!is_pem(text)) {
        certs = sk_X509_new_null();
        if (certs == NULL || (cert = decode_cert(h, text, what)) == NULL ||
            !sk_X509_push(certs, cert)) {
            sk_X509_pop_free(certs, X509_free);
            return NULL;
        }
        return certs;
    }

    if ((bio = text_bio(text)) == NULL ||
        (certs = sk_X509_new_null()) == NULL) {
        BIO_free(bio);
        scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
        return NULL;
    }
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        if (!sk_X509_push(certs, cert)) {
            X509_free(cert);
            break;
        }
    BIO_free(bio);

    if (sk_X509_num(certs) == 0) {
        sk_X509_free(certs);
        scep_fail(h, SCEP_ERR_CERT, "the %s holds no readable certificate",
                  what);
        return NULL;
    }
    /* Reading stops at the end of the text or at a block it cannot
     * decode; a chain silently cut short there would lose its RA or
     * intermediate certificates. */
    if (!ended_cleanly()) {
        scep_fail(h, SCEP_ERR_CERT, "certificate %d of the %s is not "
                                    "readable", sk_X509_num(certs) + 1,
                  what);
        sk_X509_pop_free(certs, X509_free);
        return NULL;
    }
    ERR_clear_error();
    return certs;
}

/*
 * X509_REQ has no reference count, so a cached CSR is lent out instead of
 * shared: scep_load_csr takes it out of its slot and scep_keep_csr puts it
 * back when the caller is done, so no two users ever hold it at once.
 */
static X509_REQ *cache_take_csr(SCEP *h, const unsigned char *print)
{
    size_t i;
    X509_REQ *csr;

    for (i = 0; i < SCEP_CACHE_SLOTS; i++) {
        struct scep_key_cache_entry *e = &h->cache[i];

        if (e->kind != CACHE_CSR || memcmp(e->fingerprint, print, 32) != 0)
            continue;
        csr = e->object;
        memset(e, 0, sizeof(*e));
        return csr;
    }
    return NULL;
}

static X509_REQ *decode_csr(SCEP *h, const char *text)
{
    BIO *bio;
    X509_REQ *csr;

    bio = is_pem(text) ? text_bio(text)
                       : base64_bio(h, text, "certificate request");
    if (bio == NULL)
        return NULL;
    csr = is_pem(text) ? PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)
                       : d2i_X509_REQ_bio(bio, NULL);
    BIO_free(bio);
    if (csr == NULL)
        scep_fail(h, SCEP_ERR_CERT,
                  "the certificate request is not a readable PKCS#10 CSR");
    return csr;
}

X509_REQ *scep_load_csr(SCEP *h, const char *text)
{
    unsigned char print[32];
    X509_REQ *csr;

    if (absent(h, text, "certificate request"))
        return NULL;
    if (fingerprint(CACHE_CSR, text, print) == 0 &&
        (csr = cache_take_csr(h, print)) != NULL)
        return csr;
    if (scep_check_text(h, text, "certificate request") != 0)
        return NULL;
    return decode_csr(h, text);
}

/* Takes csr, read unchanged from text, back into the cache. */
void scep_keep_csr(SCEP *h, const char *text, X509_REQ *csr)
{
    unsigned char print[32];
    struct scep_key_cache_entry *e;

    if (csr == NULL)
        return;
    if (fingerprint(CACHE_CSR, text, print) != 0) {
        X509_REQ_free(csr);
        return;
    }
    e = &h->cache[h->cache_next];
    cache_entry_free(e);
    e->kind = CACHE_CSR;
    e->object = csr;
    memcpy(e->fingerprint, print, 32);
    h->cache_next = (h->cache_next + 1) % SCEP_CACHE_SLOTS;
}

/* A CSR whose signature fails was altered or made without the key: a CA
 * must not certify it, and a client must not send it. */
int scep_check_csr_signature(SCEP *h, X509_REQ *csr)
{
    EVP_PKEY *key = X509_REQ_get0_pubkey(csr);

    if (key == NULL || X509_REQ_verify(csr, key) != 1)
        return scep_fail(h, SCEP_ERR_VERIFY,
                         "the CSR's own signature does not verify: no "
                         "proof that the requester holds its key");
    return 0;
}

X509_CRL *scep_load_crl(SCEP *h, const char *text)
{
    BIO *bio;
    X509_CRL *crl;

    if (missing(h, text, "CRL"))
        return NULL;
    if ((bio = is_pem(text) ? text_bio(text) : base64_bio(h, text, "CRL")) ==
        NULL)
        return NULL;
    crl = is_pem(text) ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)
                       : d2i_X509_CRL_bio(bio, NULL);
    BIO_free(bio);
    if (crl == NULL)
        scep_fail(h, SCEP_ERR_CERT, "the CRL is not a readable X.509 CRL");
    return crl;
}

/* ---- Output ----------------------------------------------------------- */

/* The contents of a memory BIO as a malloc'ed, NUL-terminated buffer. */
static char *bio_text(BIO *bio, size_t *len_out)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    char *copy;

    if (len < 0 || (copy = malloc((size_t)len + 1)) == NULL)
        return NULL;
    memcpy(copy, data, (size_t)len);
    copy[len] = '\0';
    if (len_out != NULL)
        *len_out = (size_t)len;
    return copy;
}

int scep_output_p7(SCEP *h, PKCS7 *p7, unsigned char **out, size_t *out_len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    int written;

    if (bio == NULL)
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    if (h->output_format == SCEP_FORMAT_DER)
        written = i2d_PKCS7_bio(bio, p7);
    else
        written = PEM_write_bio_PKCS7(bio, p7);
    if (written)
        *out = (unsigned char *)bio_text(bio, out_len);
    BIO_free(bio);

    if (!written || *out == NULL)
        return scep_fail(h, SCEP_ERR_INTERNAL, "cannot encode the message");
    return 0;
}

typedef int (*pem_writer)(BIO *, const void *);

static char *pem_text(pem_writer write, const void *object)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *text = NULL;

    if (bio != NULL && write(bio, object))
        text = bio_text(bio, NULL);
    BIO_free(bio);
    return text;
}

static int write_cert(BIO *bio, const void *cert)
{
    return PEM_write_bio_X509(bio, (X509 *)cert);
}

static int write_csr(BIO *bio, const void *csr)
{
    return PEM_write_bio_X509_REQ(bio, (X509_REQ *)csr);
}

static int write_crl(BIO *bio, const void *crl)
{
    return PEM_write_bio_X509_CRL(bio, (X509_CRL *)crl);
}

static int write_certs(BIO *bio, const void *certs)
{
    STACK_OF(X509) *stack = (STACK_OF(X509) *)certs;
    int i;

    for (i = 0; i < sk_X509_num(stack); i++)
        if (!PEM_write_bio_X509(bio, sk_X509_value(stack, i)))
            return 0;
    return 1;
}

char *scep_cert_pem(const X509 *cert)
{
    return pem_text(write_cert, cert);
}

char *scep_certs_pem(STACK_OF(X509) *certs)
{
    return pem_text(write_certs, certs);
}

char *scep_csr_pem(const X509_REQ *csr)
{
    return pem_text(write_csr, csr);
}

char *scep_crl_pem(const X509_CRL *crl)
{
    return pem_text(write_crl, crl);
}

char *scep_oneline(const X509_NAME *name)
{
    char *line = X509_NAME_oneline(name, NULL, 0);
    char *copy;

    if (line == NULL)
        return NULL;
    copy = scep_strdup(line);
    OPENSSL_free(line);
    return copy;
}

char *scep_serial_text(const ASN1_INTEGER *serial)
{
    char *text = i2s_ASN1_INTEGER(NULL, serial);
    char *copy;

    if (text == NULL)
        return NULL;
    copy = scep_strdup(text);
    OPENSSL_free(text);
    return copy;
}
