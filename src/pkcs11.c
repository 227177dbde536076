/*
 * Private keys and certificates in PKCS#11 tokens, through libp11.
 *
 * A PKCS#11 module may be initialised only once per process, and
 * C_Finalize or C_CloseAllSessions from one user ends the sessions of
 * every other.  So a loaded module is shared by all handles that name the
 * same file, counted, and unloaded when the last of them lets go.  The
 * login state of a token is shared the same way (PKCS#11 keeps it per
 * process), which is why each token remembers a salted digest of the PIN
 * it was opened with: a handle giving another PIN is refused instead of
 * riding on someone else's login.
 *
 * Every libp11 call made here runs under one lock; errors are composed
 * after it is released, so a log callback never runs while it is held.
 * The signatures and decryptions themselves run in OpenSSL through the
 * RSA_METHOD libp11 attaches to the key, outside the lock.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libp11.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "internal.h"

/* Return values of C_Login that mean the PIN itself is at fault
 * (PKCS#11 2.40, section 5.1); libp11 passes them on as the reason of
 * its error. */
#define P11_PIN_INCORRECT 0xA0
#define P11_PIN_LEN_RANGE 0xA2
#define P11_PIN_LOCKED 0xA4

#define MAX_ID_BYTES 64
#define MAX_TEXT 256

/* One loaded module and what is known about its tokens. */
struct module {
    char *path; /* as realpath() gives it */
    PKCS11_CTX *ctx;
    PKCS11_SLOT *slots;
    unsigned nslots;
    unsigned char *opened;          /* per slot: session pool set up */
    unsigned char *logged_in;       /* per slot */
    unsigned char (*pin_print)[32]; /* per slot: digest of its PIN */
    unsigned char salt[16];
    unsigned users;
    struct module *next;
};

/* A handle's token; module is NULL while only a PIN variable is known. */
struct scep_pkcs11 {
    struct module *module;
    unsigned slot; /* the handle's token */
    char *pin;     /* cleansed on free */
    char *pin_env;
};

/* A key or certificate reference, taken apart. */
struct reference {
    unsigned char id[MAX_ID_BYTES];
    size_t id_len;
    int has_id;
    char object[MAX_TEXT];
    char type[16];
    char token[MAX_TEXT];
    char manufacturer[MAX_TEXT];
    char serial[MAX_TEXT];
    char model[MAX_TEXT];
    char slot_description[MAX_TEXT];
    char slot_manufacturer[MAX_TEXT];
    char slot_id[32];
};

/* What went wrong while the lock was held, reported after. */
struct failure {
    int status;
    char text[SCEP_ERROR_SIZE];
};

static pthread_mutex_t modules_lock = PTHREAD_MUTEX_INITIALIZER;
static struct module *modules;

static int failed(struct failure *f, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int failed(struct failure *f, int status, const char *fmt, ...)
{
    va_list ap;

    f->status = status;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof(f->text), fmt, ap);
    va_end(ap);
    return -1;
}

static int report(SCEP *h, const struct failure *f)
{
    return scep_fail(h, f->status, "%s", f->text);
}

static char *copy_secret(const char *secret)
{
    return secret == NULL ? NULL : scep_strdup(secret);
}

static void free_secret(char *secret)
{
    if (secret == NULL)
        return;
    OPENSSL_cleanse(secret, strlen(secret));
    free(secret);
}

/* ---- The shared modules ------------------------------------------------ */

static void module_free(struct module *m)
{
    if (m->slots != NULL)
        PKCS11_release_all_slots(m->ctx, m->slots, m->nslots);
    if (m->ctx != NULL) {
        PKCS11_CTX_unload(m->ctx);
        PKCS11_CTX_free(m->ctx);
    }
    if (m->pin_print != NULL)
        OPENSSL_cleanse(m->pin_print, m->nslots * sizeof(*m->pin_print));
    free(m->pin_print);
    free(m->logged_in);
    free(m->opened);
    free(m->path);
    free(m);
}

static struct module *module_load(const char *path, const char *shown,
                                  struct failure *f)
{
    struct module *m = calloc(1, sizeof(*m));

    if (m == NULL || (m->path = scep_strdup(path)) == NULL ||
        (m->ctx = PKCS11_CTX_new()) == NULL ||
        RAND_bytes(m->salt, sizeof(m->salt)) != 1) {
        failed(f, SCEP_ERR_MEMORY, "out of memory");
        goto fail;
    }
    if (PKCS11_CTX_load(m->ctx, path) != 0) {
        PKCS11_CTX_free(m->ctx);
        m->ctx = NULL;
        failed(f, SCEP_ERR_PKCS11, "cannot load the PKCS#11 module %s", shown);
        goto fail;
    }
    if (PKCS11_enumerate_slots(m->ctx, &m->slots, &m->nslots) != 0) {
        m->slots = NULL;
        failed(f, SCEP_ERR_PKCS11,
               "the PKCS#11 module %s cannot list its slots", shown);
        goto fail;
    }

    m->opened = calloc(m->nslots + 1, 1);
    m->logged_in = calloc(m->nslots + 1, 1);
    m->pin_print = calloc(m->nslots + 1, sizeof(*m->pin_print));
    if (m->opened == NULL || m->logged_in == NULL || m->pin_print == NULL) {
        failed(f, SCEP_ERR_MEMORY, "out of memory");
        goto fail;
    }
    return m;

fail:
    if (m != NULL)
        module_free(m);
    return NULL;
}

/* Called with the lock held.  shown is the path as the caller gave it. */
static struct module *module_acquire(const char *shown, struct failure *f)
{
    char path[PATH_MAX];
    struct module *m;

    /* Two spellings of one file are one module: dlopen() gives the same
     * instance for both.  A bare name is left to the dynamic linker. */
    if (strchr(shown, '/') == NULL) {
        snprintf(path, sizeof(path), "%s", shown);
    } else if (realpath(shown, path) == NULL) {
        failed(f, SCEP_ERR_PKCS11, "cannot load the PKCS#11 module %s: %s",
               shown, strerror(errno));
        return NULL;
    }
    for (m = modules; m != NULL; m = m->next)
        if (strcmp(m->path, path) == 0) {
            m->users++;
            return m;
        }

    if ((m = module_load(path, shown, f)) == NULL)
        return NULL;
    m->users = 1;
    m->next = modules;
    modules = m;
    return m;
}

/* Called with the lock held. */
static void module_release(struct module *m)
{
    struct module **link;

    if (m == NULL || --m->users > 0)
        return;
    for (link = &modules; *link != NULL; link = &(*link)->next)
        if (*link == m) {
            *link = m->next;
            break;
        }
    module_free(m);
}

static const char *label_of(const struct module *m, unsigned slot)
{
    const PKCS11_TOKEN *token = m->slots[slot].token;

    return token != NULL && token->label != NULL ? token->label : "";
}

/* ---- References: PKCS#11 URIs (RFC 7512) and bare hex ids --------------- */

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int is_hex_id(const char *text)
{
    size_t len = strspn(text, "0123456789abcdefABCDEF");

    return len > 0 && len <= 2 * MAX_ID_BYTES && text[len] == '\0';
}

/* Percent-decodes value[0..len) into out; returns the decoded length. */
static long pct_decode(const char *value, size_t len, unsigned char *out,
                       size_t size)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        int c = (unsigned char)value[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= len)
                return -1;
            hi = hex_value(value[i + 1]);
            lo = hex_value(value[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi << 4 | lo;
            i += 2;
        }
        if (n == size)
            return -1;
        out[n++] = (unsigned char)c;
    }
    return (long)n;
}

static int set_text(char *field, size_t size, const char *value, size_t len,
                    const char *name, struct failure *f)
{
    long n = pct_decode(value, len, (unsigned char *)field, size - 1);

    if (n < 0 || memchr(field, '\0', (size_t)n) != NULL)
        return failed(f, SCEP_ERR_ARGUMENT,
                      "the PKCS#11 URI has a malformed or overlong %s", name);
    field[n] = '\0';
    return 0;
}

static int set_id(struct reference *r, const char *value, size_t len,
                  struct failure *f)
{
    long n = pct_decode(value, len, r->id, sizeof(r->id));

    if (n <= 0)
        return failed(f, SCEP_ERR_ARGUMENT,
                      "the PKCS#11 URI has an empty, malformed or overlong "
                      "id (at most %d bytes)",
                      MAX_ID_BYTES);
    r->id_len = (size_t)n;
    r->has_id = 1;
    return 0;
}

static char *text_field(struct reference *r, const char *name, size_t len)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"object", offsetof(struct reference, object)},
        {"token", offsetof(struct reference, token)},
        {"manufacturer", offsetof(struct reference, manufacturer)},
        {"serial", offsetof(struct reference, serial)},
        {"model", offsetof(struct reference, model)},
        {"slot-description", offsetof(struct reference, slot_description)},
        {"slot-manufacturer", offsetof(struct reference, slot_manufacturer)},
    };
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strlen(fields[i].name) == len &&
            memcmp(fields[i].name, name, len) == 0)
            return (char *)r + fields[i].offset;
    return NULL;
}

static int parse_attribute(struct reference *r, const char *attr, size_t len,
                           struct failure *f)
{
    const char *eq = memchr(attr, '=', len);
    size_t name_len = eq == NULL ? len : (size_t)(eq - attr);
    const char *value = eq == NULL ? NULL : eq + 1;
    size_t value_len = eq == NULL ? 0 : len - name_len - 1;
    char *field;

    if (value == NULL)
        return failed(f, SCEP_ERR_ARGUMENT,
                      "the PKCS#11 URI attribute '%.*s' has no value", (int)len,
                      attr);
    if (name_len == 2 && memcmp(attr, "id", 2) == 0)
        return set_id(r, value, value_len, f);
    if (name_len == 4 && memcmp(attr, "type", 4) == 0)
        return set_text(r->type, sizeof(r->type), value, value_len, "type", f);
    if (name_len == 7 && memcmp(attr, "slot-id", 7) == 0)
        return strspn(value, "0123456789") >= value_len
                   ? set_text(r->slot_id, sizeof(r->slot_id), value, value_len,
                              "slot-id", f)
                   : failed(f, SCEP_ERR_ARGUMENT,
                            "the PKCS#11 URI has a malformed slot-id");
    /* One module per handle: the library-* attributes have nothing
     * left to choose. */
    if (name_len > 8 && memcmp(attr, "library-", 8) == 0)
        return 0;
    if ((field = text_field(r, attr, name_len)) != NULL)
        return set_text(field, MAX_TEXT, value, value_len, "attribute", f);
    return failed(f, SCEP_ERR_ARGUMENT,
                  "the PKCS#11 URI has an unknown attribute '%.*s'",
                  (int)name_len, attr);
}

static int parse_uri(struct reference *r, const char *uri, struct failure *f)
{
    const char *p = uri + strlen("pkcs11:");

    /* A query (pin-value, module-path, ...) would bypass the handle's
     * configuration, and may hold a PIN that must not be echoed. */
    if (strchr(p, '?') != NULL)
        return failed(f, SCEP_ERR_ARGUMENT,
                      "PKCS#11 URI query attributes (after '?') are not "
                      "used: give the module and PIN to scep_set_pkcs11()");
    while (*p != '\0') {
        size_t len = strcspn(p, ";");

        if (len > 0 && parse_attribute(r, p, len, f) != 0)
            return -1;
        p += len;
        if (*p == ';')
            p++;
    }
    return 0;
}

static int parse_reference(struct reference *r, const char *text,
                           struct failure *f)
{
    size_t i;

    memset(r, 0, sizeof(*r));
    if (strncmp(text, "pkcs11:", 7) == 0)
        return parse_uri(r, text, f);

    if (strlen(text) % 2 != 0)
        return failed(f, SCEP_ERR_ARGUMENT,
                      "the key id %s has an odd number of hex digits", text);
    for (i = 0; text[2 * i] != '\0'; i++)
        r->id[i] = (unsigned char)(hex_value(text[2 * i]) << 4 |
                                   hex_value(text[2 * i + 1]));
    r->id_len = i;
    r->has_id = 1;
    return 0;
}

/* "id 01ab, label 'ca'" for messages. */
static void describe(const struct reference *r, char *out, size_t size)
{
    size_t i, used = 0;

    out[0] = '\0';
    if (r->has_id) {
        used = (size_t)snprintf(out, size, "id ");
        for (i = 0; i < r->id_len && used + 3 < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%02x", r->id[i]);
    }
    if (r->object[0] != '\0' && used < size)
        snprintf(out + used, size - used, "%slabel '%s'", used > 0 ? ", " : "",
                 r->object);
}

static int matches(const char *wanted, const char *have)
{
    return wanted[0] == '\0' || (have != NULL && strcmp(wanted, have) == 0);
}

static int object_matches(const struct reference *r, const char *label,
                          const unsigned char *id, size_t id_len)
{
    if (r->has_id && (id_len != r->id_len || memcmp(id, r->id, id_len) != 0))
        return 0;
    return matches(r->object, label);
}

/* ---- Tokens and login (lock held) ------------------------------------- */

static int names_token(const struct reference *r)
{
    return r->token[0] || r->manufacturer[0] || r->serial[0] || r->model[0] ||
           r->slot_description[0] || r->slot_manufacturer[0] || r->slot_id[0];
}

static int slot_matches(const struct module *m, unsigned i,
                        const struct reference *r)
{
    PKCS11_SLOT *slot = &m->slots[i];
    PKCS11_TOKEN *t = slot->token;
    char id[32];

    snprintf(id, sizeof(id), "%lu", PKCS11_get_slotid_from_slot(slot));
    return t != NULL && matches(r->token, t->label) &&
           matches(r->manufacturer, t->manufacturer) &&
           matches(r->serial, t->serialnr) && matches(r->model, t->model) &&
           matches(r->slot_description, slot->description) &&
           matches(r->slot_manufacturer, slot->manufacturer) &&
           matches(r->slot_id, id);
}

/* The slot a reference names, or the handle's own token. */
static int pick_slot(const struct scep_pkcs11 *p, const struct reference *r,
                     unsigned *slot, struct failure *f)
{
    const struct module *m = p->module;
    unsigned i;

    if (!names_token(r)) {
        *slot = p->slot;
        return 0;
    }
    for (i = 0; i < m->nslots; i++)
        if (slot_matches(m, i, r)) {
            *slot = i;
            return 0;
        }
    return failed(f, SCEP_ERR_PKCS11,
                  "no token in the PKCS#11 module %s matches the URI%s%s%s",
                  m->path, r->token[0] ? " (token '" : "", r->token,
                  r->token[0] ? "')" : "");
}

static int pin_digest(const struct module *m, const char *pin,
                      unsigned char *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, m->salt, sizeof(m->salt)) &&
             EVP_DigestUpdate(ctx, pin, strlen(pin)) &&
             EVP_DigestFinal_ex(ctx, out, NULL);

    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

static int login_failed(const struct module *m, unsigned slot,
                        struct failure *f)
{
    unsigned long code = ERR_peek_last_error();
    int reason = ERR_GET_REASON(code);
    const char *label = label_of(m, slot);

    if (reason == P11_PIN_INCORRECT || reason == P11_PIN_LEN_RANGE)
        return failed(f, SCEP_ERR_PKCS11, "wrong PIN for token '%s'", label);
    if (reason == P11_PIN_LOCKED)
        return failed(f, SCEP_ERR_PKCS11, "the PIN of token '%s' is locked",
                      label);
    return failed(f, SCEP_ERR_PKCS11, "cannot log in to token '%s'", label);
}

/* Logs in to the token unless this PIN already did; no PIN, no login.
 * An unset PIN variable is an error only when a key is wanted now. */
static int login(struct scep_pkcs11 *p, unsigned slot, int now,
                 struct failure *f)
{
    struct module *m = p->module;
    PKCS11_SLOT *s = &m->slots[slot];
    const char *pin = p->pin_env ? getenv(p->pin_env) : p->pin;
    unsigned char print[32];
    int rc = 0;

    if (pin == NULL && p->pin_env != NULL && now)
        return failed(f, SCEP_ERR_PKCS11, "the PIN variable %s is not set",
                      p->pin_env);
    if (pin == NULL)
        return 0;
    if (pin_digest(m, pin, print) != 0)
        return failed(f, SCEP_ERR_INTERNAL, "cannot digest the PIN");

    if (m->logged_in[slot]) {
        if (CRYPTO_memcmp(print, m->pin_print[slot], sizeof(print)) != 0)
            rc = failed(f, SCEP_ERR_PKCS11,
                        "wrong PIN for token '%s' (it is open with "
                        "another PIN in this process)",
                        label_of(m, slot));
        goto done;
    }

    /* Read-only sessions throughout: asking libp11 for another mode
     * later would close every session of the token. */
    if (!m->opened[slot] && PKCS11_open_session(s, 0) != 0) {
        rc = failed(f, SCEP_ERR_PKCS11, "cannot open a session with token '%s'",
                    label_of(m, slot));
        goto done;
    }
    m->opened[slot] = 1;
    if (PKCS11_login(s, 0, pin) != 0) {
        rc = login_failed(m, slot, f);
        goto done;
    }
    m->logged_in[slot] = 1;
    memcpy(m->pin_print[slot], print, sizeof(print));

done:
    OPENSSL_cleanse(print, sizeof(print));
    return rc;
}

/* ---- Finding objects (lock held) -------------------------------------- */

static int check_type(const struct reference *r, const char *type,
                      const char *what, struct failure *f)
{
    if (r->type[0] == '\0' || strcmp(r->type, type) == 0)
        return 0;
    return failed(f, SCEP_ERR_ARGUMENT,
                  "the %s refers to a PKCS#11 object of type '%s', "
                  "not '%s'",
                  what, r->type, type);
}

/* Exactly one object must match; else says what went wrong.  kind is
 * "private key" or "certificate". */
static int one_match(unsigned count, const char *kind,
                     const struct reference *r, const char *token,
                     const char *hint, const char *what, struct failure *f)
{
    char wanted[2 * MAX_ID_BYTES + MAX_TEXT + 32];

    describe(r, wanted, sizeof(wanted));
    if (count == 0)
        return failed(f, SCEP_ERR_PKCS11, "no %s with %s on token '%s'%s", kind,
                      wanted[0] ? wanted : "any id", token, hint);
    if (count > 1)
        return failed(f, SCEP_ERR_PKCS11,
                      "%u %ss on token '%s' match the "
                      "%s; give an id or a label",
                      count, kind, token, what);
    return 0;
}

static EVP_PKEY *find_key(struct scep_pkcs11 *p, const struct reference *r,
                          unsigned slot, const char *what, struct failure *f)
{
    const char *label = label_of(p->module, slot);
    PKCS11_KEY *keys = NULL, *found = NULL;
    unsigned n = 0, i, count = 0;
    EVP_PKEY *key;

    if (PKCS11_enumerate_keys(p->module->slots[slot].token, &keys, &n)) {
        failed(f, SCEP_ERR_PKCS11, "cannot list the keys of token '%s'", label);
        return NULL;
    }
    for (i = 0; i < n; i++)
        if (object_matches(r, keys[i].label, keys[i].id, keys[i].id_len) &&
            count++ == 0)
            found = &keys[i];

    /* Private keys are invisible until a login. */
    if (one_match(count, "private key", r, label,
                  p->module->logged_in[slot] ? "" : " (no PIN was given)", what,
                  f) != 0)
        return NULL;
    if ((key = PKCS11_get_private_key(found)) == NULL)
        failed(f, SCEP_ERR_PKCS11, "the %s on token '%s' cannot be used", what,
               label);
    return key;
}

static X509 *find_cert(struct scep_pkcs11 *p, const struct reference *r,
                       unsigned slot, const char *what, struct failure *f)
{
    const char *label = label_of(p->module, slot);
    PKCS11_CERT *certs = NULL, *found = NULL;
    unsigned n = 0, i, count = 0;
    X509 *cert;

    if (PKCS11_enumerate_certs(p->module->slots[slot].token, &certs, &n)) {
        failed(f, SCEP_ERR_PKCS11, "cannot list the certificates of token '%s'",
               label);
        return NULL;
    }
    for (i = 0; i < n; i++)
        if (object_matches(r, certs[i].label, certs[i].id, certs[i].id_len) &&
            count++ == 0)
            found = &certs[i];

    if (one_match(count, "certificate", r, label, "", what, f) != 0)
        return NULL;
    if ((cert = X509_dup(found->x509)) == NULL)
        failed(f, SCEP_ERR_MEMORY, "out of memory");
    return cert;
}

/* ---- The hooks objects.c calls ----------------------------------------- */

static int has_token(const SCEP *h)
{
    return h->pkcs11 != NULL && h->pkcs11->module != NULL;
}

int scep_pkcs11_is_reference(SCEP *h, const char *text)
{
    if (strncmp(text, "pkcs11:", 7) == 0)
        return 1;
    /* DER always starts with a SEQUENCE (0x30), so base64 DER starts
     * with 'M': an all-hex text is never a key, and short ones are ids. */
    return has_token(h) && is_hex_id(text);
}

int scep_pkcs11_looks_like_id(const char *text)
{
    return is_hex_id(text);
}

static int need_token(SCEP *h, const char *what)
{
    if (has_token(h))
        return 0;
    return scep_fail(h, SCEP_ERR_PKCS11,
                     "the %s is a PKCS#11 reference but the handle has no "
                     "token (see scep_set_pkcs11())",
                     what);
}

/* Parses the reference, picks the token and logs in: lock held. */
static int prepare(SCEP *h, const char *text, struct reference *r,
                   unsigned *slot, struct failure *f)
{
    if (parse_reference(r, text, f) != 0 ||
        pick_slot(h->pkcs11, r, slot, f) != 0 ||
        login(h->pkcs11, *slot, 1, f) != 0)
        return -1;
    return 0;
}

EVP_PKEY *scep_pkcs11_load_key(SCEP *h, const char *text, const char *what)
{
    struct failure f = {0, ""};
    struct reference r;
    EVP_PKEY *key = NULL;
    unsigned slot = 0;

    if (need_token(h, what) != 0)
        return NULL;

    pthread_mutex_lock(&modules_lock);
    if (prepare(h, text, &r, &slot, &f) == 0 &&
        check_type(&r, "private", what, &f) == 0)
        key = find_key(h->pkcs11, &r, slot, what, &f);
    pthread_mutex_unlock(&modules_lock);

    if (key == NULL) {
        report(h, &f);
        return NULL;
    }
    scep_log(h, SCEP_LOG_DEBUG, "%s taken from token '%s' (%d-bit %s)", what,
             label_of(h->pkcs11->module, slot), EVP_PKEY_get_bits(key),
             EVP_PKEY_get0_type_name(key));
    return key;
}

X509 *scep_pkcs11_load_cert(SCEP *h, const char *text, const char *what)
{
    struct failure f = {0, ""};
    struct reference r;
    X509 *cert = NULL;
    unsigned slot = 0;

    if (need_token(h, what) != 0)
        return NULL;

    pthread_mutex_lock(&modules_lock);
    if (prepare(h, text, &r, &slot, &f) == 0 &&
        check_type(&r, "cert", what, &f) == 0)
        cert = find_cert(h->pkcs11, &r, slot, what, &f);
    pthread_mutex_unlock(&modules_lock);

    if (cert == NULL)
        report(h, &f);
    return cert;
}

void scep_pkcs11_free(struct scep_pkcs11 *p)
{
    if (p == NULL)
        return;

    pthread_mutex_lock(&modules_lock);
    module_release(p->module);
    pthread_mutex_unlock(&modules_lock);

    free_secret(p->pin);
    free(p->pin_env);
    free(p);
}

/* ---- Configuration ----------------------------------------------------- */

/* Lock held. */
static int choose_slot(struct scep_pkcs11 *p, const char *label, int slot,
                       const char *path, struct failure *f)
{
    const struct module *m = p->module;
    unsigned i;

    for (i = 0; label != NULL && i < m->nslots; i++)
        if (m->slots[i].token != NULL && strcmp(label_of(m, i), label) == 0)
            break;
    if (label != NULL && i == m->nslots)
        return failed(f, SCEP_ERR_PKCS11,
                      "no token labelled '%s' in the PKCS#11 module %s", label,
                      path);
    if (label == NULL && slot >= 0) {
        i = (unsigned)slot;
        if (i >= m->nslots || m->slots[i].token == NULL)
            return failed(f, SCEP_ERR_PKCS11,
                          "no token in slot %d of the PKCS#11 module %s "
                          "(it has %u slots)",
                          slot, path, m->nslots);
    }
    if (label == NULL && slot < 0) {
        PKCS11_SLOT *first = PKCS11_find_token(m->ctx, m->slots, m->nslots);

        if (first == NULL)
            return failed(f, SCEP_ERR_PKCS11,
                          "the PKCS#11 module %s has no token", path);
        i = (unsigned)(first - m->slots);
    }
    p->slot = i;
    return 0;
}

/* Takes pin_env over, whatever the outcome. */
static struct scep_pkcs11 *configure(const char *path, const char *pin,
                                     char *pin_env, const char *label, int slot,
                                     struct failure *f)
{
    struct scep_pkcs11 *p = calloc(1, sizeof(*p));

    if (p == NULL || (pin != NULL && (p->pin = copy_secret(pin)) == NULL)) {
        failed(f, SCEP_ERR_MEMORY, "out of memory");
        free(pin_env);
        free(p);
        return NULL;
    }
    p->pin_env = pin_env;

    pthread_mutex_lock(&modules_lock);
    if ((p->module = module_acquire(path, f)) == NULL ||
        choose_slot(p, label, slot, path, f) != 0 ||
        login(p, p->slot, 0, f) != 0) {
        module_release(p->module);
        p->module = NULL;
    }
    pthread_mutex_unlock(&modules_lock);

    if (p->module == NULL) {
        scep_pkcs11_free(p);
        return NULL;
    }
    return p;
}

int scep_set_pkcs11(SCEP *h, const char *module_path, const char *pin,
                    const char *token_label, int slot)
{
    struct failure f = {0, ""};
    struct scep_pkcs11 *p = NULL;
    char *pin_env = NULL;

    if (h == NULL)
        return -1;
    if (module_path != NULL && *module_path == '\0')
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "the PKCS#11 module path is empty");

    /* A PIN variable named before stays, unless a PIN is given now. */
    if (h->pkcs11 != NULL && pin == NULL && module_path != NULL) {
        pin_env = h->pkcs11->pin_env;
        h->pkcs11->pin_env = NULL;
    }
    /* The old token goes first: a failed reconfiguration must not leave
     * the handle signing with a token the caller meant to replace. */
    scep_pkcs11_free(h->pkcs11);
    h->pkcs11 = NULL;
    if (module_path == NULL) {
        scep_ok(h);
        return 0;
    }

    p = configure(module_path, pin, pin_env, token_label, slot, &f);
    if (p == NULL)
        return report(h, &f);
    h->pkcs11 = p;
    scep_log(h, SCEP_LOG_INFO, "PKCS#11 token '%s' of %s",
             label_of(p->module, p->slot), module_path);
    scep_ok(h);
    return 0;
}

int scep_set_pkcs11_pin_env(SCEP *h, const char *variable)
{
    char *copy = NULL;

    if (h == NULL)
        return -1;
    if (variable != NULL && *variable == '\0')
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "the PIN variable name is empty");
    if (variable != NULL && (copy = scep_strdup(variable)) == NULL)
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");

    /* Named before scep_set_pkcs11(), the variable waits for it. */
    if (h->pkcs11 == NULL &&
        (h->pkcs11 = calloc(1, sizeof(*h->pkcs11))) == NULL) {
        free(copy);
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    }
    free(h->pkcs11->pin_env);
    h->pkcs11->pin_env = copy;
    if (copy != NULL) {
        free_secret(h->pkcs11->pin);
        h->pkcs11->pin = NULL;
    }
    scep_ok(h);
    return 0;
}
