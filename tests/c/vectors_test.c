/*
 * Checks every vector of tests/vectors/manifest.json: peer captures,
 * messages this library made, and hostile input, each against the values
 * or the error the manifest expects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "harness.h"

static const char *field(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_get_string(v);
}

static void expect(const char *name, const char *what, const char *actual,
                   const char *expected, SCEP_MESSAGE *m)
{
    if (expected == NULL)
        return;
    harness_checks++;
    if (actual == NULL || strcmp(actual, expected) != 0)
        harness_fail(__FILE__, __LINE__, "%s: %s is \"%s\", not \"%s\" %s",
                     name, what, actual ? actual : "(null)", expected,
                     actual ? "" : scep_message_last_error(m));
}

/* The one-line subjects of the certificates in a PEM text, in order,
 * separated by newlines; caller frees. */
static char *subjects(const char *pem)
{
    SCEP *h = scep_create_handle();
    char *all = calloc(1, 1);
    const char *begin = pem;

    while (begin != NULL && (begin = strstr(begin, "-----BEGIN")) != NULL) {
        const char *end = strstr(begin, "-----END");
        SCEP_MESSAGE *c = scep_read_ca_certs(
            h, (const unsigned char *)begin,
            end ? (size_t)(end - begin) + strcspn(end, "\n")
                : strlen(begin));
        const char *subject = c ? scep_get_subject(c) : "(unreadable)";
        size_t len = strlen(all);

        all = realloc(all, len + strlen(subject) + 2);
        sprintf(all + len, "%s%s", len ? "\n" : "", subject);
        scep_message_free(c);
        begin = end;
    }
    scep_cleanup(h);
    return all;
}

static char *joined(json_object *list)
{
    char *all = calloc(1, 1);
    size_t i;

    for (i = 0; i < json_object_array_length(list); i++) {
        const char *s = json_object_get_string(
            json_object_array_get_idx(list, i));
        size_t len = strlen(all);

        all = realloc(all, len + strlen(s) + 2);
        sprintf(all + len, "%s%s", len ? "\n" : "", s);
    }
    return all;
}

static void check_nonce(const char *name, SCEP_MESSAGE *m, json_object *exp,
                        const char *len_key, const char *hex_key,
                        int (*get)(SCEP_MESSAGE *, unsigned char **,
                                   size_t *))
{
    unsigned char *nonce = NULL;
    size_t len = 0, i;
    char text[160];
    json_object *v;

    if (!json_object_object_get_ex(exp, len_key, &v) &&
        !json_object_object_get_ex(exp, hex_key, &v))
        return;
    harness_checks++;
    if (get(m, &nonce, &len) != 0 || len > 64) {
        harness_fail(__FILE__, __LINE__, "%s: no %s: %s", name, hex_key,
                     scep_message_last_error(m));
        return;
    }
    for (i = 0; i < len; i++)
        sprintf(text + 2 * i, "%02x", nonce[i]);
    text[2 * len] = '\0';
    if (json_object_object_get_ex(exp, len_key, &v))
        CHECK(len == (size_t)json_object_get_int(v));
    expect(name, hex_key, text, field(exp, hex_key), m);
    free(nonce);
}

static void check_signer(const char *name, SCEP_MESSAGE *m, json_object *exp)
{
    json_object *list;
    const char *pem = scep_get_signer_cert(m);
    char *subject = pem ? subjects(pem) : NULL;
    size_t i;
    int found = 0;

    expect(name, "signer", subject, field(exp, "signer_subject"), m);
    if (json_object_object_get_ex(exp, "signer_subject_one_of", &list)) {
        for (i = 0; subject && i < json_object_array_length(list); i++)
            found |= strcmp(subject, json_object_get_string(
                                         json_object_array_get_idx(list, i)))
                     == 0;
        harness_checks++;
        if (!found)
            harness_fail(__FILE__, __LINE__, "%s: signer %s not expected",
                         name, subject ? subject : "(none)");
    }
    free(subject);
}

static void check_parsed(const char *name, SCEP_MESSAGE *m, json_object *exp)
{
    expect(name, "messageType", scep_get_message_type(m),
           field(exp, "message_type"), m);
    expect(name, "transactionID", scep_get_transaction_id(m),
           field(exp, "transaction_id"), m);
    expect(name, "pkiStatus",
           field(exp, "pki_status") ? scep_get_pki_status(m) : NULL,
           field(exp, "pki_status"), m);
    expect(name, "failInfo",
           field(exp, "fail_info") ? scep_get_fail_info(m) : NULL,
           field(exp, "fail_info"), m);
    expect(name, "digest", field(exp, "digest") ? scep_get_digest(m) : NULL,
           field(exp, "digest"), m);
    expect(name, "cipher", field(exp, "cipher") ? scep_get_cipher(m) : NULL,
           field(exp, "cipher"), m);
    check_nonce(name, m, exp, "sender_nonce_len", "sender_nonce",
                scep_get_sender_nonce);
    check_nonce(name, m, exp, "recipient_nonce_len", "recipient_nonce",
                scep_get_recipient_nonce);
    CHECK(scep_get_signature_verified(m) == 1);
    check_signer(name, m, exp);
}

static void check_unwrapped(const char *name, SCEP_MESSAGE *m,
                            json_object *exp)
{
    json_object *list;

    if (field(exp, "subject"))
        expect(name, "subject", scep_get_subject(m), field(exp, "subject"),
               m);
    if (field(exp, "issuer"))
        expect(name, "issuer", scep_get_issuer(m), field(exp, "issuer"), m);
    if (field(exp, "serial"))
        expect(name, "serial", scep_get_getcert_serial(m),
               field(exp, "serial"), m);
    if (field(exp, "challenge_password"))
        expect(name, "challengePassword", scep_get_challenge_password(m),
               field(exp, "challenge_password"), m);
    if (json_object_object_get_ex(exp, "certificates", &list)) {
        const char *pem = scep_get_cert(m);
        char *actual = pem ? subjects(pem) : NULL;
        char *wanted = joined(list);

        expect(name, "certificates", actual, wanted, m);
        free(actual);
        free(wanted);
    }
    if (field(exp, "crl_issuer"))
        CHECK(scep_get_crl(m) != NULL);
}

static char *optional_vector(json_object *o, const char *key)
{
    const char *path = field(o, key);

    return path ? vector_file(path, NULL) : NULL;
}

static void check_error(const char *name, SCEP *h, json_object *error)
{
    const char *status = field(error, "status");

    harness_checks++;
    if (strcmp(scep_status_name(scep_last_status(h)), status) != 0 ||
        strstr(scep_last_error(h), field(error, "message")) == NULL)
        harness_fail(__FILE__, __LINE__,
                     "%s: error %s \"%s\", expected %s \"%s\"", name,
                     scep_status_name(scep_last_status(h)),
                     scep_last_error(h), status, field(error, "message"));
}

static SCEP_MESSAGE *unwrap(SCEP *h, json_object *v, const unsigned char *data,
                            size_t len, json_object *how)
{
    char *verify = optional_vector(v, "verify_cert");
    char *cert = optional_vector(how, "cert");
    char *key = optional_vector(how, "key");
    SCEP_MESSAGE *m;

    scep_set_key_password(h, field(how, "password"));
    m = scep_unwrap(h, data, len, verify, cert, key);
    free(verify);
    free(cert);
    free(key);
    return m;
}

static void check_message(const char *name, json_object *v,
                          const unsigned char *data, size_t len)
{
    SCEP *h = scep_create_handle();
    json_object *parse, *how, *error;
    char *verify = optional_vector(v, "verify_cert");
    SCEP_MESSAGE *m;

    if (json_object_object_get_ex(v, "error", &error)) {
        const char *op = field(error, "operation");

        m = strcmp(op, "unwrap") == 0 &&
                    json_object_object_get_ex(v, "unwrap", &how)
                ? unwrap(h, v, data, len, how)
                : strcmp(op, "ca-certs") == 0
                      ? scep_read_ca_certs(h, data, len)
                      : scep_parse(h, data, len, verify);
        CHECK(m == NULL);
        if (m == NULL)
            check_error(name, h, error);
        scep_message_free(m);
        goto done;
    }

    m = scep_parse(h, data, len, verify);
    if (m == NULL)
        harness_fail(__FILE__, __LINE__, "%s: parse: %s", name,
                     scep_last_error(h));
    else if (json_object_object_get_ex(v, "parse", &parse))
        check_parsed(name, m, parse);
    scep_message_free(m);

    if (json_object_object_get_ex(v, "unwrap", &how)) {
        json_object *exp = NULL;

        m = unwrap(h, v, data, len, how);
        if (m == NULL)
            harness_fail(__FILE__, __LINE__, "%s: unwrap: %s", name,
                         scep_last_error(h));
        else if (json_object_object_get_ex(how, "expected", &exp))
            check_unwrapped(name, m, exp);
        if (m != NULL && json_object_object_get_ex(v, "parse", &parse))
            check_parsed(name, m, parse);
        scep_message_free(m);
    }

done:
    free(verify);
    scep_cleanup(h);
}

static void check_encoding(const char *name, json_object *v,
                           const unsigned char *data, size_t len)
{
    SCEP *h = scep_create_handle();
    size_t der_len = 0, out_len = 0;
    char *der = vector_file(field(v, "decodes_to"), &der_len);
    unsigned char *out = NULL;

    if (scep_decode_input(h, data, len, &out, &out_len) != 0)
        harness_fail(__FILE__, __LINE__, "%s: %s", name, scep_last_error(h));
    else
        CHECK(out_len == der_len && memcmp(out, der, der_len) == 0);
    scep_free(out);
    free(der);
    scep_cleanup(h);
}

static void check_ca_certs(const char *name, json_object *v,
                           const unsigned char *data, size_t len)
{
    SCEP *h = scep_create_handle();
    SCEP_MESSAGE *m = scep_read_ca_certs(h, data, len);
    json_object *count;

    if (m == NULL) {
        harness_fail(__FILE__, __LINE__, "%s: %s", name, scep_last_error(h));
        scep_cleanup(h);
        return;
    }
    const struct {
        const char *key;
        const char *(*get)(SCEP_MESSAGE *);
    } roles[] = {{"ca_subject", scep_get_ca_cert},
                 {"ra_signing_subject", scep_get_ra_signing_cert},
                 {"ra_encryption_subject", scep_get_ra_encryption_cert}};
    size_t i;

    for (i = 0; i < 3; i++) {
        const char *pem = field(v, roles[i].key) ? roles[i].get(m) : NULL;
        char *subject = pem ? subjects(pem) : NULL;

        expect(name, roles[i].key, subject, field(v, roles[i].key), m);
        free(subject);
    }
    if (json_object_object_get_ex(v, "count", &count)) {
        char *all = subjects(scep_get_cert(m));
        int lines = 1;
        char *p;

        for (p = all; *p; p++)
            lines += *p == '\n';
        CHECK(lines == json_object_get_int(count));
        free(all);
    }
    scep_message_free(m);
    scep_cleanup(h);
}

static const struct {
    const char *name;
    int flag;
} cap_names[] = {
    {"AES", SCEP_CAP_AES},
    {"DES3", SCEP_CAP_DES3},
    {"GetNextCACert", SCEP_CAP_GETNEXTCACERT},
    {"POSTPKIOperation", SCEP_CAP_POSTPKIOPERATION},
    {"Renewal", SCEP_CAP_RENEWAL},
    {"SHA-1", SCEP_CAP_SHA1},
    {"SHA-256", SCEP_CAP_SHA256},
    {"SHA-512", SCEP_CAP_SHA512},
    {"SCEPStandard", SCEP_CAP_SCEPSTANDARD},
    {"Update", SCEP_CAP_UPDATE},
};

static void check_caps(const char *name, json_object *v, const char *text,
                       size_t len)
{
    SCEP *h = scep_create_handle();
    int flags = scep_parse_capabilities(h, text, len), wanted = 0;
    json_object *list;
    size_t i, j;

    json_object_object_get_ex(v, "capabilities", &list);
    for (i = 0; i < json_object_array_length(list); i++)
        for (j = 0; j < sizeof(cap_names) / sizeof(cap_names[0]); j++)
            if (strcmp(cap_names[j].name,
                       json_object_get_string(
                           json_object_array_get_idx(list, i))) == 0)
                wanted |= cap_names[j].flag;
    harness_checks++;
    if (flags != wanted)
        harness_fail(__FILE__, __LINE__, "%s: capabilities 0x%x, not 0x%x",
                     name, (unsigned)flags, (unsigned)wanted);
    scep_cleanup(h);
}

int main(void)
{
    char path[4096];
    json_object *manifest, *vectors;
    size_t i, count;

    snprintf(path, sizeof(path), "%s/manifest.json", SCEP_VECTORS);
    manifest = json_object_from_file(path);
    if (manifest == NULL ||
        !json_object_object_get_ex(manifest, "vectors", &vectors)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    count = json_object_array_length(vectors);
    for (i = 0; i < count; i++) {
        json_object *v = json_object_array_get_idx(vectors, i);
        const char *name = field(v, "name"), *kind = field(v, "kind");
        size_t len = 0;
        char *data = vector_file(field(v, "file"), &len);
        const unsigned char *bytes = (const unsigned char *)data;

        if (strcmp(kind, "message") == 0)
            check_message(name, v, bytes, len);
        else if (strcmp(kind, "encoding") == 0)
            check_encoding(name, v, bytes, len);
        else if (strcmp(kind, "ca-certs") == 0)
            check_ca_certs(name, v, bytes, len);
        else if (strcmp(kind, "caps") == 0)
            check_caps(name, v, data, len);
        else
            harness_fail(__FILE__, __LINE__, "%s: unknown kind %s", name,
                         kind);
        free(data);
    }
    printf("%zu vectors\n", count);
    json_object_put(manifest);
    return harness_result("vectors");
}
