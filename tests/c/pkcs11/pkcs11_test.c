/*
 * Keys in a PKCS#11 token: a throwaway SoftHSM2 token made by
 * scripts/softhsm-token.sh holds the CA key (id 01) and a client key
 * (id 02) with their certificates.  Requests and replies signed with the
 * token keys verify with openssl and with the library; a request
 * encrypted to the CA opens with the token key; configuration errors say
 * what failed and never show the PIN; several handles share the token.
 *
 *   pkcs11_test SOFTHSM_TOKEN_SCRIPT
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "harness.h"

#define LABEL "libscep-test"
#define PIN "p11-test-7731"
#define WRONG_PIN "wrong-pin-5560"
#define CLIENT_URI "pkcs11:token=" LABEL ";id=%02;type=private"

static char dir[] = "/tmp/libscep-pkcs11-XXXXXX";
static char module[1024];
/* ca_cert, ca_key, client_cert, client_key and csr (harness.h) hold the
 * token's material here, read from the token folder. */

/* ---- The token --------------------------------------------------------- */

static char *token_file(const char *name)
{
    char path[1100];
    char *data;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((data = read_whole_file(path, NULL)) == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    return data;
}

/* SCEP_PKCS11_MODULE='...' from the script's token.env. */
static void read_module_path(void)
{
    char *env = token_file("token.env");
    const char *key = "SCEP_PKCS11_MODULE='";
    char *start = strstr(env, key), *end;

    if (start == NULL || (end = strchr(start + strlen(key), '\'')) == NULL) {
        fprintf(stderr, "token.env names no module\n");
        exit(2);
    }
    start += strlen(key);
    snprintf(module, sizeof(module), "%.*s", (int)(end - start), start);
    free(env);
}

static void make_token(const char *script)
{
    char command[2048];
    char conf[1100];

    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(command, sizeof(command), "sh '%s' '%s' '%s' '%s' >/dev/null",
             script, dir, LABEL, PIN);
    if (system(command) != 0) {
        fprintf(stderr, "cannot create the SoftHSM2 token: %s\n", command);
        exit(2);
    }
    snprintf(conf, sizeof(conf), "%s/softhsm2.conf", dir);
    setenv("SOFTHSM2_CONF", conf, 1);
    read_module_path();

    ca_cert = token_file("ca.pem");
    ca_key = token_file("ca-key.pem");
    client_cert = token_file("client.pem");
    client_key = token_file("client-key.pem");
    csr = token_file("client.csr");
}

static void remove_token(void)
{
    char command[1100];

    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    if (system(command) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static SCEP *token_handle(const char *pin)
{
    SCEP *h = scep_create_handle();

    if (scep_set_pkcs11(h, module, pin, LABEL, -1) != 0)
        harness_fail(__FILE__, __LINE__, "scep_set_pkcs11: %s",
                     scep_last_error(h));
    return h;
}

/* ---- Checks with openssl and with the library ------------------------- */

/* openssl checks the signature of a DER message; 1 when it verifies. */
static int openssl_verifies(const struct built *b)
{
    char path[1100], command[2400];
    FILE *f;
    int rc;

    snprintf(path, sizeof(path), "%s/message.der", dir);
    if ((f = fopen(path, "wb")) == NULL)
        return 0;
    fwrite(b->data, 1, b->len, f);
    fclose(f);
    snprintf(command, sizeof(command),
             "openssl cms -verify -noverify -inform DER -in '%s' "
             "-out /dev/null 2>/dev/null",
             path);
    rc = system(command);
    unlink(path);
    return rc == 0;
}

/* The library reads it back and checks the signer is the expected one. */
static void library_verifies(const struct built *b, const char *type,
                             const char *verify_cert)
{
    SCEP *h = scep_create_handle();
    SCEP_MESSAGE *m = scep_parse(h, b->data, b->len, verify_cert);

    if (m == NULL) {
        harness_fail(__FILE__, __LINE__, "parse: %s", scep_last_error(h));
        scep_cleanup(h);
        return;
    }
    CHECK(scep_get_signature_verified(m) == 1);
    CHECK_STR(scep_get_message_type(m), type);
    scep_message_free(m);
    scep_cleanup(h);
}

/* A PKCSReq from the client's PEM key, encrypted to the CA. */
static struct built plain_request(const char *cipher)
{
    SCEP *h = scep_create_handle();
    struct built b = {NULL, 0};

    scep_set_output_format(h, SCEP_FORMAT_DER);
    scep_set_encalg(h, cipher);
    BUILT(
        h,
        scep_pkcsreq(h, client_key, client_cert, ca_cert, csr, &b.data, &b.len),
        "pkcsreq with a PEM key");
    scep_cleanup(h);
    return b;
}

/* ---- Signing and decrypting with token keys ---------------------------- */

static void sign_request_with(const char *key, const char *cert)
{
    SCEP *h = token_handle(PIN);
    SCEP *ca = scep_create_handle();
    struct built b = {NULL, 0};
    SCEP_MESSAGE *m;
    char *txid = expected_key_transaction_id(csr);

    scep_set_output_format(h, SCEP_FORMAT_DER);
    if (BUILT(h, scep_pkcsreq(h, key, cert, ca_cert, csr, &b.data, &b.len),
              key)) {
        CHECK(openssl_verifies(&b));
        library_verifies(&b, "PKCSReq", NULL);

        /* The CA, with its PEM key, opens it. */
        m = scep_unwrap(ca, b.data, b.len, client_cert, ca_cert, ca_key);
        CHECK(m != NULL);
        if (m != NULL) {
            CHECK_STR(scep_get_transaction_id(m), txid);
            CHECK(strstr(scep_get_signer_cert(m), "BEGIN CERTIFICATE"));
            CHECK(scep_get_pkcs10(m) != NULL);
        }
        scep_message_free(m);
    }
    scep_free(b.data);
    free(txid);
    scep_cleanup(ca);
    scep_cleanup(h);
}

static void test_sign_request(void)
{
    sign_request_with("02", client_cert);
    sign_request_with("0002" + 2, client_cert);
    sign_request_with(CLIENT_URI, client_cert);
    sign_request_with("pkcs11:object=client;type=private", client_cert);
    sign_request_with("pkcs11:id=%02", "pkcs11:id=%02;type=cert");
    sign_request_with("pkcs11:token=" LABEL ";object=client",
                      "pkcs11:token=" LABEL ";object=client;type=cert");
    /* Percent-escapes, the token's other attributes, library-* ignored. */
    sign_request_with("pkcs11:manufacturer=SoftHSM%20project;"
                      "model=SoftHSM%20v2;object=cl%69ent;"
                      "library-manufacturer=anyone",
                      client_cert);
}

static void test_unwrap_with_token(void)
{
    static const char *const ciphers[] = {"aes128", "aes256", "des3"};
    SCEP *ca = token_handle(PIN);
    size_t i;

    for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
        struct built req = plain_request(ciphers[i]);
        SCEP_MESSAGE *m =
            scep_unwrap(ca, req.data, req.len, NULL, ca_cert, "01");

        if (m == NULL) {
            harness_fail(__FILE__, __LINE__, "unwrap (%s): %s", ciphers[i],
                         scep_last_error(ca));
        } else {
            CHECK_STR(scep_get_message_type(m), "PKCSReq");
            CHECK(scep_get_pkcs10(m) != NULL &&
                  strcmp(scep_get_pkcs10(m), csr) == 0);
        }
        scep_message_free(m);

        /* The same with the certificate taken from the token too. */
        m = scep_unwrap(ca, req.data, req.len, NULL, "pkcs11:id=%01;type=cert",
                        "pkcs11:object=ca");
        CHECK(m != NULL && scep_get_pkcs10(m) != NULL);
        scep_message_free(m);
        scep_free(req.data);
    }
    scep_cleanup(ca);
}

/* The client opens a reply signed by the token key. */
static void client_reads(const struct built *reply, const char *status)
{
    SCEP *h = scep_create_handle();
    SCEP_MESSAGE *m = scep_unwrap(h, reply->data, reply->len, ca_cert,
                                  client_cert, client_key);

    if (m == NULL) {
        harness_fail(__FILE__, __LINE__, "client reads %s: %s", status,
                     scep_last_error(h));
    } else {
        CHECK_STR(scep_get_pki_status(m), status);
        CHECK(scep_get_signature_verified(m) == 1);
        if (strcmp(status, "SUCCESS") == 0)
            CHECK(scep_get_cert(m) != NULL &&
                  strcmp(scep_get_cert(m), client_cert) == 0);
        if (strcmp(status, "FAILURE") == 0)
            CHECK_STR(scep_get_fail_info(m), "badRequest");
    }
    scep_message_free(m);
    scep_cleanup(h);
}

static void test_replies(void)
{
    SCEP *ca = token_handle(PIN);
    struct built req = plain_request(NULL), reply = {NULL, 0};

    scep_set_output_format(ca, SCEP_FORMAT_DER);
    if (BUILT(ca,
              scep_create_pending_reply(ca, "01", ca_cert, req.data, req.len,
                                        &reply.data, &reply.len),
              "pending")) {
        CHECK(openssl_verifies(&reply));
        library_verifies(&reply, "CertRep", ca_cert);
        client_reads(&reply, "PENDING");
    }
    scep_free(reply.data);

    if (BUILT(ca,
              scep_create_error_reply(ca, "pkcs11:id=%01", ca_cert, req.data,
                                      req.len, "badRequest", &reply.data,
                                      &reply.len),
              "failure")) {
        CHECK(openssl_verifies(&reply));
        client_reads(&reply, "FAILURE");
    }
    scep_free(reply.data);

    /* The issued certificate is the client's own: what matters here is
     * that the reply is signed by the token and opens for the client. */
    if (BUILT(ca,
              scep_create_certificate_reply(ca, "01", "pkcs11:id=%01;type=cert",
                                            req.data, req.len, client_cert,
                                            &reply.data, &reply.len),
              "success")) {
        CHECK(openssl_verifies(&reply));
        client_reads(&reply, "SUCCESS");
    }
    scep_free(reply.data);
    scep_free(req.data);
    scep_cleanup(ca);
}

/* ---- Errors ------------------------------------------------------------ */

static const char *last_log;
static int pin_logged;

static void watch_log(void *userdata, int level, const char *line)
{
    (void)userdata;
    (void)level;
    last_log = line;
    if (strstr(line, PIN) || strstr(line, WRONG_PIN))
        pin_logged = 1;
}

static SCEP *watched_handle(void)
{
    SCEP *h = scep_create_handle();

    scep_set_log_level(h, SCEP_LOG_DEBUG);
    scep_set_log_callback(h, watch_log, NULL);
    return h;
}

static int sign(SCEP *h, const char *key)
{
    unsigned char *out = NULL;
    size_t len = 0;
    int rc = scep_pkcsreq(h, key, client_cert, ca_cert, csr, &out, &len);

    scep_free(out);
    return rc;
}

static void test_configuration_errors(void)
{
    SCEP *h = watched_handle();

    CHECK(scep_set_pkcs11(h, "/nonexistent/libnothing.so", PIN, NULL, -1) ==
          -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11,
                "cannot load the PKCS#11 module /nonexistent/libnothing.so");
    /* A shared library that is no PKCS#11 module. */
    CHECK(scep_set_pkcs11(h, "libz.so.1", PIN, NULL, -1) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "cannot load the PKCS#11 module");
    CHECK(scep_set_pkcs11(h, "", PIN, NULL, -1) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "module path is empty");

    CHECK(scep_set_pkcs11(h, module, WRONG_PIN, LABEL, -1) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "wrong PIN for token '" LABEL "'");
    CHECK(strstr(scep_last_error(h), WRONG_PIN) == NULL);
    CHECK(scep_set_pkcs11(h, module, PIN, "no-such-token", -1) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "no token labelled 'no-such-token'");
    CHECK(scep_set_pkcs11(h, module, PIN, NULL, 9) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "no token in slot 9");

    /* A failed configuration leaves the handle without a token. */
    CHECK(sign(h, CLIENT_URI) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "the handle has no token");
    CHECK(scep_set_pkcs11_pin_env(h, "") == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "PIN variable name is empty");

    /* By slot index, and the first token when nothing is named. */
    CHECK(scep_set_pkcs11(h, module, PIN, NULL, 0) == 0);
    CHECK(sign(h, "02") == 0);
    CHECK(scep_set_pkcs11(h, module, PIN, NULL, -1) == 0);
    CHECK(sign(h, "02") == 0);
    CHECK(scep_set_pkcs11(h, NULL, NULL, NULL, -1) == 0);
    CHECK(sign(h, CLIENT_URI) == -1);
    CHECK(!pin_logged);
    scep_cleanup(h);
}

static void test_reference_errors(void)
{
    SCEP *h = watched_handle();
    unsigned char *out = NULL;
    size_t len = 0;

    CHECK(scep_set_pkcs11(h, module, PIN, LABEL, -1) == 0);
    CHECK(sign(h, "ff") == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11,
                "no private key with id ff on token '" LABEL "'");
    CHECK(sign(h, "pkcs11:object=nobody") == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "no private key with label 'nobody'");
    CHECK(sign(h, "123") == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "odd number of hex digits");
    CHECK(sign(h, "pkcs11:id=%02;type=cert") == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "of type 'cert', not 'private'");
    CHECK(sign(h, "pkcs11:token=elsewhere;id=%02") == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "no token in the PKCS#11 module");
    CHECK(sign(h, "pkcs11:id=%0") == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "malformed or overlong id");
    CHECK(sign(h, "pkcs11:colour=blue") == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "unknown attribute 'colour'");
    CHECK(sign(h, "pkcs11:id=%02?pin-value=" PIN) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "query attributes");
    CHECK(strstr(scep_last_error(h), PIN) == NULL);
    /* Two keys, nothing to tell them apart. */
    CHECK(sign(h, "pkcs11:type=private") == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "2 private keys on token");

    CHECK(scep_pkcsreq(h, "02", "pkcs11:id=%09;type=cert", ca_cert, csr, &out,
                       &len) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "no certificate with id 09");
    CHECK(scep_pkcsreq(h, "02", client_cert, "pkcs11:id=%02;type=private", csr,
                       &out, &len) == -1);
    CHECK_ERROR(h, SCEP_ERR_ARGUMENT, "not 'cert'");

    /* The key of id 01 does not belong to the client certificate. */
    CHECK(sign(h, "01") == -1);
    CHECK_ERROR(h, SCEP_ERR_KEY, "");
    CHECK(!pin_logged);
    scep_cleanup(h);
}

/* Hex ids are references only on a handle with a token; PEM and bare
 * base64 keys keep working on one. */
static void test_key_forms(void)
{
    SCEP *plain = scep_create_handle();
    SCEP *h = token_handle(PIN);
    char *base64 = strdup(client_key), *p = base64, *q = base64;

    CHECK(sign(plain, "02") == -1);
    CHECK(scep_last_status(plain) == SCEP_ERR_KEY);
    CHECK(sign(plain, "FFFF") == -1);
    CHECK(scep_last_status(plain) == SCEP_ERR_KEY);
    CHECK(sign(plain, CLIENT_URI) == -1);
    CHECK_ERROR(plain, SCEP_ERR_PKCS11, "the handle has no token");

    CHECK(sign(h, client_key) == 0);
    for (; *p != '\0'; p++) {
        if (*p == '-') { /* skip the armour lines */
            while (*p != '\0' && *p != '\n')
                p++;
            if (*p == '\0')
                break;
            continue;
        }
        if (*p != '\n')
            *q++ = *p;
    }
    *q = '\0';
    CHECK(sign(h, base64) == 0);
    CHECK(sign(h, "02") == 0);
    free(base64);
    scep_cleanup(plain);
    scep_cleanup(h);
}

static void test_pin_from_environment(void)
{
    SCEP *h = watched_handle();

    unsetenv("SCEP_TEST_PIN");
    CHECK(scep_set_pkcs11(h, module, NULL, LABEL, -1) == 0);
    CHECK(scep_set_pkcs11_pin_env(h, "SCEP_TEST_PIN") == 0);
    CHECK(sign(h, "02") == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "the PIN variable SCEP_TEST_PIN");
    setenv("SCEP_TEST_PIN", PIN, 1);
    CHECK(sign(h, "02") == 0);
    CHECK(last_log != NULL);
    scep_cleanup(h);

    /* Named first, the variable serves the token configured next, which
     * logs in at once; a wrong PIN in it fails there. */
    h = watched_handle();
    CHECK(scep_set_pkcs11_pin_env(h, "SCEP_TEST_PIN") == 0);
    CHECK(sign(h, CLIENT_URI) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "the handle has no token");
    CHECK(scep_set_pkcs11(h, module, NULL, LABEL, -1) == 0);
    CHECK(sign(h, "02") == 0);
    setenv("SCEP_TEST_PIN", WRONG_PIN, 1);
    CHECK(scep_set_pkcs11(h, module, NULL, LABEL, -1) == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "wrong PIN for token");
    CHECK(strstr(scep_last_error(h), WRONG_PIN) == NULL);
    CHECK(!pin_logged);
    unsetenv("SCEP_TEST_PIN");
    scep_cleanup(h);

    /* No PIN at all: the private keys stay hidden, and the error says
     * why. */
    h = scep_create_handle();
    CHECK(scep_set_pkcs11(h, module, NULL, LABEL, -1) == 0);
    CHECK(sign(h, "02") == -1);
    CHECK_ERROR(h, SCEP_ERR_PKCS11, "(no PIN was given)");
    scep_cleanup(h);
}

/* ---- Several handles --------------------------------------------------- */

static void test_two_handles(void)
{
    SCEP *a = token_handle(PIN), *b = token_handle(PIN);
    SCEP *plain = scep_create_handle();
    SCEP *wrong = scep_create_handle();

    CHECK(sign(a, "02") == 0);
    CHECK(sign(b, CLIENT_URI) == 0);
    CHECK(sign(plain, client_key) == 0);
    CHECK(sign(a, "02") == 0);

    /* Another handle may not ride on the login with a wrong PIN. */
    CHECK(scep_set_pkcs11(wrong, module, WRONG_PIN, LABEL, -1) == -1);
    CHECK_ERROR(wrong, SCEP_ERR_PKCS11, "wrong PIN for token");

    /* Freeing one handle leaves the other's session alone. */
    scep_cleanup(a);
    CHECK(sign(b, "02") == 0);
    CHECK(sign(plain, client_key) == 0);
    a = token_handle(PIN);
    CHECK(sign(a, "01") == -1); /* the CA key under the client cert */
    CHECK(sign(a, "02") == 0);
    scep_cleanup(b);
    scep_cleanup(a);

    /* And when all are gone the module is loaded afresh. */
    a = token_handle(PIN);
    CHECK(sign(a, "02") == 0);
    scep_cleanup(a);
    scep_cleanup(wrong);
    scep_cleanup(plain);
}

struct worker {
    const char *key;
    int use_token;
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    SCEP *h = w->use_token ? token_handle(PIN) : scep_create_handle();
    int i;

    for (i = 0; i < 8; i++)
        if (sign(h, w->key) != 0)
            w->failures++;
    scep_cleanup(h);
    return NULL;
}

static void test_threads(void)
{
    struct worker workers[3] = {{"02", 1, 0}, {CLIENT_URI, 1, 0}, {NULL, 0, 0}};
    pthread_t threads[3];
    int i;

    workers[2].key = client_key;
    for (i = 0; i < 3; i++)
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    for (i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failures == 0);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOFTHSM_TOKEN_SCRIPT\n", argv[0]);
        return 2;
    }
    make_token(argv[1]);

    test_sign_request();
    test_unwrap_with_token();
    test_replies();
    test_configuration_errors();
    test_reference_errors();
    test_key_forms();
    test_pin_from_environment();
    test_two_handles();
    test_threads();

    remove_token();
    free(ca_cert);
    free(ca_key);
    free(client_cert);
    free(client_key);
    free(csr);
    return harness_result("pkcs11");
}
