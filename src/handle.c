/*
 * The handle: configuration, the last error, logging, and the choice of
 * algorithms (with OpenSSL's legacy provider loaded only when an old
 * algorithm is really asked for).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "internal.h"

const char *scep_version(void)
{
    return SCEP_VERSION_STRING;
}

static const char *const status_names[] = {
    "SCEP_OK",           "SCEP_ERR_ARGUMENT", "SCEP_ERR_MEMORY",
    "SCEP_ERR_FORMAT",   "SCEP_ERR_KEY",      "SCEP_ERR_CERT",
    "SCEP_ERR_ALGORITHM", "SCEP_ERR_ATTRIBUTE", "SCEP_ERR_VERIFY",
    "SCEP_ERR_DECRYPT",  "SCEP_ERR_CONTENT",  "SCEP_ERR_STATE",
    "SCEP_ERR_LIMIT",    "SCEP_ERR_IO",       "SCEP_ERR_PKCS11",
    "SCEP_ERR_INTERNAL",
};

const char *scep_status_name(int status)
{
    if (status < 0 || (size_t)status >= sizeof(status_names) /
                                            sizeof(status_names[0]))
        return "SCEP_ERR_UNKNOWN";
    return status_names[status];
}

SCEP *scep_create_handle(void)
{
    SCEP *h = calloc(1, sizeof(*h));

    if (h == NULL)
        return NULL;
    h->output_format = SCEP_FORMAT_PEM;
    return h;
}

static void forget_password(SCEP *h)
{
    if (h->password != NULL) {
        OPENSSL_cleanse(h->password, strlen(h->password));
        free(h->password);
        h->password = NULL;
    }
    free(h->password_env);
    h->password_env = NULL;
}

void scep_cleanup(SCEP *h)
{
    if (h == NULL)
        return;

    forget_password(h);
    scep_cache_clear(h);
    scep_pkcs11_free(h->pkcs11);
    free(h->sigalg_name);
    free(h->encalg_name);
    if (h->log_file != NULL)
        fclose(h->log_file);
    free(h);
}

int scep_last_status(const SCEP *h)
{
    return h == NULL ? SCEP_ERR_ARGUMENT : h->status;
}

const char *scep_last_error(const SCEP *h)
{
    return h == NULL ? "no handle given" : h->error;
}

/* ---- Errors ---------------------------------------------------------- */

void scep_drain_openssl(char *error, size_t size)
{
    unsigned long code;
    size_t used = strlen(error);
    int first = 1;

    while ((code = ERR_get_error()) != 0) {
        char reason[256];

        if (used + 8 >= size)
            continue;    /* keep draining, stop appending */
        ERR_error_string_n(code, reason, sizeof(reason));
        snprintf(error + used, size - used, "%s%s",
                 first ? " (OpenSSL: " : "; ", reason);
        used = strlen(error);
        first = 0;
    }
    if (!first && used + 2 < size)
        strcat(error, ")");
}

int scep_fail(SCEP *h, int status, const char *fmt, ...)
{
    va_list ap;

    h->status = status;
    va_start(ap, fmt);
    vsnprintf(h->error, sizeof(h->error), fmt, ap);
    va_end(ap);

    scep_drain_openssl(h->error, sizeof(h->error));
    scep_log(h, SCEP_LOG_ERROR, "%s", h->error);
    return -1;
}

void scep_ok(SCEP *h)
{
    h->status = SCEP_OK;
    h->error[0] = '\0';
    ERR_clear_error();
}

int scep_message_fail(SCEP_MESSAGE *m, int status, const char *fmt, ...)
{
    va_list ap;

    m->status = status;
    va_start(ap, fmt);
    vsnprintf(m->error, sizeof(m->error), fmt, ap);
    va_end(ap);
    scep_drain_openssl(m->error, sizeof(m->error));
    return -1;
}

/* ---- Logging --------------------------------------------------------- */

static const char *const level_names[] = {
    "NONE", "FATAL", "ERROR", "WARN", "INFO", "DEBUG"
};

void scep_log(SCEP *h, int level, const char *fmt, ...)
{
    char line[SCEP_ERROR_SIZE + 64];
    va_list ap;

    if (level > h->log_level || level <= SCEP_LOG_NONE)
        return;
    if (h->log_file == NULL && h->log_fn == NULL)
        return;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    if (h->log_fn != NULL) {
        h->log_fn(h->log_userdata, level, line);
        return;
    }
    fprintf(h->log_file, "libscep %s: %s\n", level_names[level], line);
    fflush(h->log_file);
}

int scep_set_log_level(SCEP *h, int level)
{
    if (h == NULL)
        return -1;
    if (level < SCEP_LOG_NONE || level > SCEP_LOG_DEBUG)
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "log level %d is not between 0 (NONE) and "
                         "5 (DEBUG)", level);
    h->log_level = level;
    scep_ok(h);
    return 0;
}

int scep_set_log_file(SCEP *h, const char *path)
{
    FILE *file = NULL;

    if (h == NULL)
        return -1;
    if (path != NULL && (file = fopen(path, "a")) == NULL)
        return scep_fail(h, SCEP_ERR_IO, "cannot open log file %s", path);

    if (h->log_file != NULL)
        fclose(h->log_file);
    h->log_file = file;
    h->log_fn = NULL;
    scep_ok(h);
    return 0;
}

int scep_set_log_callback(SCEP *h, scep_log_callback fn, void *userdata)
{
    if (h == NULL)
        return -1;
    if (h->log_file != NULL) {
        fclose(h->log_file);
        h->log_file = NULL;
    }
    h->log_fn = fn;
    h->log_userdata = userdata;
    scep_ok(h);
    return 0;
}

/* ---- Passwords and output ------------------------------------------- */

int scep_set_key_password(SCEP *h, const char *password)
{
    if (h == NULL)
        return -1;
    forget_password(h);
    if (password != NULL && (h->password = scep_strdup(password)) == NULL)
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    scep_cache_clear(h);
    scep_ok(h);
    return 0;
}

int scep_set_key_password_env(SCEP *h, const char *variable)
{
    if (h == NULL)
        return -1;
    forget_password(h);
    if (variable != NULL && *variable == '\0')
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "the password variable name is empty");
    if (variable != NULL &&
        (h->password_env = scep_strdup(variable)) == NULL)
        return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    scep_cache_clear(h);
    scep_ok(h);
    return 0;
}

int scep_set_output_format(SCEP *h, int format)
{
    if (h == NULL)
        return -1;
    if (format != SCEP_FORMAT_PEM && format != SCEP_FORMAT_DER)
        return scep_fail(h, SCEP_ERR_ARGUMENT,
                         "output format %d is neither PEM (0) nor DER (1)",
                         format);
    h->output_format = format;
    scep_ok(h);
    return 0;
}

/* ---- Algorithms ------------------------------------------------------ */

static CRYPTO_ONCE legacy_once = CRYPTO_ONCE_STATIC_INIT;
static OSSL_PROVIDER *default_provider, *legacy_provider;

static void load_legacy(void)
{
    /* Loading any provider explicitly stops OpenSSL from loading the
     * default one implicitly, so both are loaded.  They stay loaded for
     * the life of the process: other handles may be using them. */
    default_provider = OSSL_PROVIDER_load(NULL, "default");
    legacy_provider = OSSL_PROVIDER_load(NULL, "legacy");
}

int scep_need_legacy(SCEP *h)
{
    if (!CRYPTO_THREAD_run_once(&legacy_once, load_legacy) ||
        default_provider == NULL || legacy_provider == NULL)
        return scep_fail(h, SCEP_ERR_ALGORITHM,
                         "OpenSSL's legacy provider, needed for single DES "
                         "and old PEM key encryption, cannot be loaded");
    scep_log(h, SCEP_LOG_DEBUG, "legacy provider loaded");
    return 0;
}

struct alias {
    const char *name;
    const char *openssl;
    int legacy;
};

static const struct alias digest_aliases[] = {
    {"md5", "MD5", 0},       {"sha1", "SHA1", 0},
    {"sha-1", "SHA1", 0},    {"sha224", "SHA224", 0},
    {"sha256", "SHA256", 0}, {"sha-256", "SHA256", 0},
    {"sha384", "SHA384", 0}, {"sha512", "SHA512", 0},
    {"sha-512", "SHA512", 0},
};

static const struct alias cipher_aliases[] = {
    {"des", "DES-CBC", 1},           {"des-cbc", "DES-CBC", 1},
    {"des3", "DES-EDE3-CBC", 0},     {"3des", "DES-EDE3-CBC", 0},
    {"des-ede3", "DES-EDE3-CBC", 0}, {"des-ede3-cbc", "DES-EDE3-CBC", 0},
    {"aes", "AES-128-CBC", 0},       {"aes128", "AES-128-CBC", 0},
    {"aes-128-cbc", "AES-128-CBC", 0}, {"aes192", "AES-192-CBC", 0},
    {"aes-192-cbc", "AES-192-CBC", 0}, {"aes256", "AES-256-CBC", 0},
    {"aes-256-cbc", "AES-256-CBC", 0},
};

static const struct alias *find_alias(const struct alias *table,
                                      size_t count, const char *name)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (strcasecmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const EVP_MD *scep_digest_by_name(SCEP *h, const char *name)
{
    const struct alias *a = find_alias(
        digest_aliases, sizeof(digest_aliases) / sizeof(*digest_aliases),
        name);
    const EVP_MD *md;

    if (a == NULL) {
        scep_fail(h, SCEP_ERR_ALGORITHM,
                  "unknown signing digest \"%s\" (use md5, sha1, sha224, "
                  "sha256, sha384 or sha512)", name);
        return NULL;
    }
    md = EVP_get_digestbyname(a->openssl);
    if (md == NULL)
        scep_fail(h, SCEP_ERR_ALGORITHM, "digest %s is not available",
                  a->openssl);
    return md;
}

const EVP_CIPHER *scep_cipher_by_name(SCEP *h, const char *name)
{
    const struct alias *a = find_alias(
        cipher_aliases, sizeof(cipher_aliases) / sizeof(*cipher_aliases),
        name);
    const EVP_CIPHER *cipher;

    if (a == NULL) {
        scep_fail(h, SCEP_ERR_ALGORITHM,
                  "unknown content cipher \"%s\" (use des, des3, aes128, "
                  "aes192 or aes256)", name);
        return NULL;
    }
    if (a->legacy && scep_need_legacy(h) != 0)
        return NULL;
    cipher = EVP_get_cipherbyname(a->openssl);
    if (cipher == NULL)
        scep_fail(h, SCEP_ERR_ALGORITHM, "cipher %s is not available",
                  a->openssl);
    return cipher;
}

int scep_set_sigalg(SCEP *h, const char *name)
{
    const EVP_MD *md = NULL;
    char *copy = NULL;

    if (h == NULL)
        return -1;
    if (name != NULL) {
        if ((md = scep_digest_by_name(h, name)) == NULL)
            return -1;
        if ((copy = scep_strdup(name)) == NULL)
            return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    }
    free(h->sigalg_name);
    h->sigalg_name = copy;
    h->sigalg = md;
    scep_ok(h);
    return 0;
}

int scep_set_encalg(SCEP *h, const char *name)
{
    const EVP_CIPHER *cipher = NULL;
    char *copy = NULL;

    if (h == NULL)
        return -1;
    if (name != NULL) {
        if ((cipher = scep_cipher_by_name(h, name)) == NULL)
            return -1;
        if ((copy = scep_strdup(name)) == NULL)
            return scep_fail(h, SCEP_ERR_MEMORY, "out of memory");
    }
    free(h->encalg_name);
    h->encalg_name = copy;
    h->encalg = cipher;
    scep_ok(h);
    return 0;
}

const char *scep_get_sigalg(const SCEP *h)
{
    return h == NULL ? NULL : h->sigalg_name;
}

const char *scep_get_encalg(const SCEP *h)
{
    return h == NULL ? NULL : h->encalg_name;
}

const EVP_MD *scep_request_digest(SCEP *h)
{
    return h->sigalg != NULL ? h->sigalg : EVP_sha256();
}

const EVP_CIPHER *scep_request_cipher(SCEP *h)
{
    return h->encalg != NULL ? h->encalg : EVP_aes_128_cbc();
}

char *scep_algorithm_name(int nid)
{
    const char *sn = OBJ_nid2sn(nid);
    char *name, *p;

    if (nid == NID_undef || sn == NULL)
        return scep_strdup("unknown");
    if ((name = scep_strdup(sn)) == NULL)
        return NULL;
    for (p = name; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    return name;
}

void scep_free(void *buffer)
{
    free(buffer);
}
