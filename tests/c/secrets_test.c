/*
 * Key passwords and PINs never reach the log or an error message: every
 * encrypted key kind is opened with the right password, a wrong one, one
 * from the environment and none, PKCS#11 PINs are given to a token that
 * cannot take them, all at log level DEBUG into a file and a callback; then
 * every error text and every logged line is searched for the secrets (and
 * for private key text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define RIGHT "correct-horse"
#define WRONG "wrong-battery-staple-0815"
#define PIN "pin-4711-never-logged"
#define PASSWORD_VARIABLE "SCEP_SECRETS_TEST_PASSWORD"

static const char *const secrets[] = {RIGHT, WRONG, PIN, "PRIVATE KEY"};

static char *callback_lines;
static size_t callback_len;
static int error_texts;

static void collect(void *userdata, int level, const char *line)
{
    size_t len = strlen(line);

    (void)userdata;
    (void)level;
    callback_lines = realloc(callback_lines, callback_len + len + 2);
    memcpy(callback_lines + callback_len, line, len);
    callback_len += len;
    callback_lines[callback_len++] = '\n';
    callback_lines[callback_len] = '\0';
}

static void no_secret_in(const char *where, const char *text)
{
    size_t i;

    for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        harness_checks++;
        if (text != NULL && strstr(text, secrets[i]) != NULL)
            harness_fail(__FILE__, __LINE__, "%s contains \"%s\": %s",
                         where, secrets[i], text);
    }
}

static int build(SCEP *h, const char *key)
{
    char *cert = vector_file(CLIENT_CERT, NULL);
    char *ca = vector_file(CA_CERT, NULL);
    char *csr = vector_file(CLIENT_CSR, NULL);
    unsigned char *out = NULL;
    size_t out_len = 0;
    int rc = scep_pkcsreq(h, key, cert, ca, csr, &out, &out_len);

    if (rc != 0) {
        error_texts++;
        no_secret_in("error message", scep_last_error(h));
    }
    scep_free(out);
    free(cert);
    free(ca);
    free(csr);
    return rc;
}

/* One encrypted key with every way of giving (or not) its password. */
static void try_key(SCEP *h, const char *file)
{
    char *key = vector_file(file, NULL);

    CHECK(scep_set_key_password(h, RIGHT) == 0);
    CHECK(build(h, key) == 0);

    CHECK(scep_set_key_password(h, WRONG) == 0);
    CHECK(build(h, key) == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "wrong password");

    CHECK(scep_set_key_password(h, NULL) == 0);
    CHECK(build(h, key) == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "no password was given");

    setenv(PASSWORD_VARIABLE, RIGHT, 1);
    CHECK(scep_set_key_password_env(h, PASSWORD_VARIABLE) == 0);
    CHECK(build(h, key) == 0);
    setenv(PASSWORD_VARIABLE, WRONG, 1);
    CHECK(scep_set_key_password_env(h, PASSWORD_VARIABLE) == 0);
    CHECK(build(h, key) == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "wrong password");
    unsetenv(PASSWORD_VARIABLE);
    CHECK(build(h, key) == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "not set");
    CHECK(scep_set_key_password(h, NULL) == 0);
    free(key);
}

/* A PIN given to a module or token that cannot use it, and a PIN in a
 * URI, which the library must refuse without repeating it. */
static void try_pins(SCEP *h)
{
    if (scep_set_pkcs11(h, "/nonexistent/pkcs11-module.so", PIN, "none",
                        -1) != 0) {
        error_texts++;
        no_secret_in("error message", scep_last_error(h));
    }
    CHECK(build(h, "pkcs11:token=none;id=%01;type=private") == -1);
    CHECK(build(h, "pkcs11:token=none;id=%01;type=private?pin-value=" PIN)
          == -1);
    CHECK(build(h, "01") == -1);
}

static void run_all(SCEP *h)
{
    CHECK(scep_set_log_level(h, SCEP_LOG_DEBUG) == 0);
    try_key(h, "keys/client-aes256.pem");
    try_key(h, "keys/client-pkcs8-des3.pem");
    try_key(h, "keys/client-des3.pem");
    try_key(h, "keys/client-des.pem");
    try_pins(h);
}

int main(void)
{
    char log_path[] = "/tmp/scep-secrets-test-XXXXXX";
    int fd = mkstemp(log_path);
    SCEP *h = scep_create_handle();
    size_t log_len = 0;
    char *log;

    CHECK(fd >= 0 && h != NULL);
    close(fd);

    CHECK(scep_set_log_file(h, log_path) == 0);
    run_all(h);
    scep_cleanup(h);

    h = scep_create_handle();
    CHECK(scep_set_log_callback(h, collect, NULL) == 0);
    run_all(h);
    scep_cleanup(h);

    /* The log must hold something, or searching it proves nothing. */
    log = read_whole_file(log_path, &log_len);
    CHECK(log != NULL && strstr(log, "DEBUG") != NULL &&
          strstr(log, "ERROR") != NULL);
    CHECK(callback_lines != NULL && strstr(callback_lines, "loaded"));
    no_secret_in("the log file", log);
    no_secret_in("the log callback", callback_lines);
    CHECK(error_texts >= 20);
    printf("secrets_test: %zu log bytes, %zu callback bytes, %d error "
           "messages searched\n", log_len, callback_len, error_texts);

    unlink(log_path);
    free(log);
    free(callback_lines);
    return harness_result("secrets_test");
}
