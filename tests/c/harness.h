/*
 * A small test harness for the C tests: checks that report and go on,
 * files read relative to tests/vectors, and the test keys by name.
 */
#ifndef SCEP_TEST_HARNESS_H
#define SCEP_TEST_HARNESS_H

#include <stddef.h>

#include "scep.h"

extern int harness_failures;
extern int harness_checks;

void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                     \
    do {                                                                \
        harness_checks++;                                               \
        if (!(cond))                                                    \
            harness_fail(__FILE__, __LINE__, "%s", #cond);              \
    } while (0)

#define CHECK_STR(actual, expected)                                     \
    do {                                                                \
        const char *a_ = (actual), *e_ = (expected);                    \
        harness_checks++;                                               \
        if (a_ == NULL || e_ == NULL || strcmp(a_, e_) != 0)            \
            harness_fail(__FILE__, __LINE__, "%s is \"%s\", not \"%s\"", \
                         #actual, a_ ? a_ : "(null)", e_ ? e_ : "(null)"); \
    } while (0)

/* The last call on h failed with status and a message containing text. */
#define CHECK_ERROR(h, status, text)                                    \
    harness_check_error(__FILE__, __LINE__, scep_last_status(h),       \
                        scep_last_error(h), status, text)
#define CHECK_MESSAGE_ERROR(m, status, text)                            \
    harness_check_error(__FILE__, __LINE__, scep_message_last_status(m), \
                        scep_message_last_error(m), status, text)

void harness_check_error(const char *file, int line, int status,
                         const char *message, int expected_status,
                         const char *expected_text);

/* Reads tests/vectors/<path>; NUL-terminated; aborts if missing. */
char *vector_file(const char *path, size_t *len);
/* Reads any file; NULL if missing. */
char *read_whole_file(const char *path, size_t *len);

/* Test keys and certificates by role. */
#define CA_CERT "peers/captured/keys/micromdm-ca/ca.pem"
#define CA_KEY "peers/captured/keys/micromdm-ca/ca-key-plain.pem"
#define CLIENT_KEY "peers/captured/keys/libscep-client/key1.pem"
#define CLIENT_CSR "peers/captured/keys/libscep-client/csr1.pem"
#define CLIENT_CERT "peers/captured/keys/libscep-client/selfsigned-signer-1.pem"
#define OTHER_KEY "peers/captured/keys/libscep-client/key2.pem"
#define OTHER_CERT "peers/captured/keys/libscep-client/selfsigned-signer-2.pem"

/* The test keys by role, as PEM text: load_test_keys() reads them. */
extern char *ca_cert, *ca_key, *client_key, *client_cert, *csr;
void load_test_keys(void);
void free_test_keys(void);

int harness_result(const char *name);

#endif

/* A message built by the call, as bytes; NULL and a failure otherwise. */
struct built {
    unsigned char *data;
    size_t len;
};

/* Records a failure with the handle's error when rc != 0. */
int harness_built(const char *file, int line, SCEP *h, int rc,
                  const char *what);
#define BUILT(h, rc, what) harness_built(__FILE__, __LINE__, h, rc, what)

/* Uppercase hex SHA-256 of the DER SubjectPublicKeyInfo of a PEM CSR,
 * computed here with OpenSSL directly, independent of the library. */
char *expected_key_transaction_id(const char *csr_pem);
/* SHA-256 over DER issuer name, DER serial INTEGER and "21"/"22". */
char *expected_serial_transaction_id(const char *issuer_pem, long serial,
                                     int type);
