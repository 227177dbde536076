/*
 * The handle: version, status names, algorithm names, key passwords in
 * every form, output format, logging, GetCACaps parsing, and NULL safety.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <openssl/err.h>

#include "harness.h"

#define PASSWORD "correct-horse"

static void test_version_and_names(void)
{
    CHECK_STR(scep_version(), SCEP_VERSION_STRING);
    CHECK_STR(scep_status_name(SCEP_OK), "SCEP_OK");
    CHECK_STR(scep_status_name(SCEP_ERR_VERIFY), "SCEP_ERR_VERIFY");
    CHECK_STR(scep_status_name(SCEP_ERR_INTERNAL), "SCEP_ERR_INTERNAL");
    CHECK_STR(scep_status_name(99), "SCEP_ERR_UNKNOWN");
}

static void test_algorithm_names(void)
{
    SCEP *h = scep_create_handle();

    CHECK(scep_get_sigalg(h) == NULL && scep_get_encalg(h) == NULL);
    CHECK(scep_set_sigalg(h, "sha384") == 0);
    CHECK_STR(scep_get_sigalg(h), "sha384");
    CHECK(scep_set_encalg(h, "des-ede3-cbc") == 0);
    CHECK_STR(scep_get_encalg(h), "des-ede3-cbc");

    CHECK(scep_set_sigalg(h, "sha3-999") == -1);
    CHECK_ERROR(h, SCEP_ERR_ALGORITHM, "unknown signing digest \"sha3-999\"");
    CHECK_STR(scep_get_sigalg(h), "sha384");    /* unchanged */
    CHECK(scep_set_encalg(h, "rot13") == -1);
    CHECK_ERROR(h, SCEP_ERR_ALGORITHM, "unknown content cipher \"rot13\"");
    CHECK(scep_set_sigalg(h, NULL) == 0 && scep_get_sigalg(h) == NULL);
    CHECK(scep_last_status(h) == SCEP_OK && *scep_last_error(h) == '\0');
    scep_cleanup(h);
}

/* Builds a PKCSReq with the key file; returns 0 on success. */
static int sign_with(SCEP *h, const char *key_file)
{
    char *key = vector_file(key_file, NULL);
    unsigned char *out = NULL;
    size_t len = 0;
    int rc = scep_pkcsreq(h, key, NULL, ca_cert, csr, &out, &len);

    scep_free(out);
    free(key);
    return rc;
}

static void test_key_passwords(void)
{
    static const char *const encrypted[] = {
        "keys/client-aes256.pem", "keys/client-des3.pem",
        "keys/client-pkcs8-des3.pem", "keys/client-des.pem"};
    SCEP *h = scep_create_handle();
    size_t i;

    for (i = 0; i < sizeof(encrypted) / sizeof(encrypted[0]); i++) {
        scep_set_key_password(h, NULL);
        CHECK(sign_with(h, encrypted[i]) == -1);
        CHECK_ERROR(h, SCEP_ERR_KEY, "encrypted and no password was given");

        scep_set_key_password(h, "wrong");
        CHECK(sign_with(h, encrypted[i]) == -1);
        CHECK_ERROR(h, SCEP_ERR_KEY, "wrong password");

        scep_set_key_password(h, PASSWORD);
        CHECK(sign_with(h, encrypted[i]) == 0);
    }

    /* From the environment, read when the key is loaded. */
    scep_set_key_password_env(h, "SCEP_TEST_PASSWORD");
    unsetenv("SCEP_TEST_PASSWORD");
    CHECK(sign_with(h, "keys/client-aes256.pem") == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "variable SCEP_TEST_PASSWORD is not set");
    setenv("SCEP_TEST_PASSWORD", PASSWORD, 1);
    CHECK(sign_with(h, "keys/client-aes256.pem") == 0);
    unsetenv("SCEP_TEST_PASSWORD");
    CHECK(scep_set_key_password_env(h, "") == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "variable name is empty");

    /* An unencrypted key needs no password and ignores one. */
    scep_set_key_password(h, "unused");
    CHECK(sign_with(h, CLIENT_KEY) == 0);
    CHECK(sign_with(h, CLIENT_CSR) == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "signer key is not a readable private key");
    scep_cleanup(h);
}

static void test_output_format(void)
{
    SCEP *h = scep_create_handle();

    CHECK(scep_set_output_format(h, 7) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "neither PEM (0) nor DER (1)");
    scep_cleanup(h);
}

struct log_lines {
    int count;
    int debug;
    char text[8192];
};

static void collect(void *userdata, int level, const char *line)
{
    struct log_lines *log = userdata;
    size_t used = strlen(log->text);

    log->count++;
    log->debug += level == SCEP_LOG_DEBUG;
    snprintf(log->text + used, sizeof(log->text) - used, "%s\n", line);
}

static void test_logging(void)
{
    SCEP *h = scep_create_handle();
    struct log_lines log;
    char path[] = "/tmp/scep-log-XXXXXX";
    int fd = mkstemp(path);
    char *written;

    memset(&log, 0, sizeof(log));
    scep_set_log_callback(h, collect, &log);
    CHECK(sign_with(h, CLIENT_KEY) == 0);
    CHECK(log.count == 0);    /* silent by default */

    scep_set_log_level(h, SCEP_LOG_DEBUG);
    scep_set_key_password(h, PASSWORD);
    CHECK(sign_with(h, "keys/client-aes256.pem") == 0);
    CHECK(log.debug > 0);
    CHECK(strstr(log.text, PASSWORD) == NULL);
    CHECK(strstr(log.text, "PRIVATE KEY") == NULL);

    scep_set_log_level(h, SCEP_LOG_ERROR);
    log.count = 0;
    CHECK(sign_with(h, CLIENT_CSR) == -1);
    CHECK(log.count == 1 && strstr(log.text, "not a readable") != NULL);
    CHECK(scep_set_log_level(h, 9) == -1);

    close(fd);
    CHECK(scep_set_log_file(h, path) == 0);
    scep_set_log_level(h, SCEP_LOG_INFO);
    CHECK(sign_with(h, CLIENT_KEY) == 0);
    CHECK(scep_set_log_file(h, NULL) == 0);
    written = read_whole_file(path, NULL);
    CHECK(written != NULL && strstr(written, "libscep") != NULL);
    free(written);
    unlink(path);
    CHECK(scep_set_log_file(h, "/nonexistent/dir/log") == -1);
    CHECK_ERROR(h, SCEP_ERR_IO, "cannot open log file");
    scep_cleanup(h);
}

static void test_error_queue_left_clean(void)
{
    SCEP *h = scep_create_handle();

    ERR_clear_error();
    CHECK(sign_with(h, CLIENT_CSR) == -1);
    CHECK(ERR_peek_error() == 0);
    CHECK(strstr(scep_last_error(h), "OpenSSL") != NULL);
    scep_cleanup(h);
}

static void test_capabilities(void)
{
    SCEP *h = scep_create_handle();
    const char *crlf = "postpkioperation\r\nSHA-512\r\nDES3\r\nX-Unknown\r\n";
    const char *standard = "SCEPStandard";

    CHECK(scep_parse_capabilities(h, crlf, strlen(crlf)) ==
          (SCEP_CAP_POSTPKIOPERATION | SCEP_CAP_SHA512 | SCEP_CAP_DES3));
    CHECK(scep_parse_capabilities(h, standard, strlen(standard)) ==
          (SCEP_CAP_SCEPSTANDARD | SCEP_CAP_AES | SCEP_CAP_SHA256 |
           SCEP_CAP_POSTPKIOPERATION));
    CHECK(scep_parse_capabilities(h, "", 0) == 0);
    CHECK(scep_parse_capabilities(h, "<html>", 6) == -1);
    CHECK_ERROR(h, SCEP_ERR_FORMAT, "not a GetCACaps keyword list");
    scep_cleanup(h);
}

static void test_null_safety(void)
{
    unsigned char *out = NULL;
    size_t len = 0;

    scep_cleanup(NULL);
    scep_message_free(NULL);
    scep_free(NULL);
    CHECK(scep_last_status(NULL) == SCEP_ERR_ARGUMENT);
    CHECK(scep_parse(NULL, (const unsigned char *)"x", 1, NULL) == NULL);
    CHECK(scep_pkcsreq(NULL, "k", NULL, "c", "r", &out, &len) == -1);
    CHECK(scep_get_transaction_id(NULL) == NULL);
    CHECK(scep_message_last_status(NULL) == SCEP_ERR_ARGUMENT);
}

int main(void)
{
    load_test_keys();

    test_version_and_names();
    test_algorithm_names();
    test_key_passwords();
    test_output_format();
    test_logging();
    test_error_queue_left_clean();
    test_capabilities();
    test_null_safety();

    free_test_keys();
    return harness_result("handle");
}
