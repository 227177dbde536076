/*
 * Every truncation of real messages, at every length: each prefix must be
 * refused with a format error that says so, and never crash, leak or be
 * accepted.  The committed hostile vectors hold a representative set of
 * lengths for the other languages; this covers all of them in C.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scep.h"

#define CA_CERT "peers/captured/keys/micromdm-ca/ca.pem"
#define CA_KEY "peers/captured/keys/micromdm-ca/ca-key-plain.pem"

static int failures;

static unsigned char *read_vector(const char *name, size_t *len)
{
    char path[4096];
    FILE *file;
    unsigned char *data;
    long size;

    snprintf(path, sizeof(path), "%s/%s", SCEP_FUZZ_VECTORS, name);
    if ((file = fopen(path, "rb")) == NULL || fseek(file, 0, SEEK_END) != 0 ||
        (size = ftell(file)) < 0 || fseek(file, 0, SEEK_SET) != 0 ||
        (data = malloc((size_t)size + 1)) == NULL ||
        fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "truncate_test: cannot read %s\n", path);
        exit(1);
    }
    fclose(file);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

static void refused(const char *name, size_t length, SCEP *h,
                    SCEP_MESSAGE *m, const char *operation)
{
    int status = scep_last_status(h);

    if (m == NULL && status == SCEP_ERR_FORMAT &&
        scep_last_error(h)[0] != '\0')
        return;
    failures++;
    if (failures <= 20)
        fprintf(stderr, "FAIL %s cut at %zu: %s %s (%s: %s)\n", name,
                length, operation, m ? "accepted it" : "refused it",
                scep_status_name(status), scep_last_error(h));
}

/* Every prefix of the message; the whole message must still open. */
static void every_length(const char *name, const char *key,
                         const char *cert)
{
    size_t len, cut;
    unsigned char *data = read_vector(name, &len);
    SCEP *h = scep_create_handle();
    SCEP_MESSAGE *m;

    for (cut = 0; cut < len; cut++) {
        /* A fresh copy of exactly cut bytes, so that reading past the
         * end is a fault the sanitizers and valgrind see. */
        unsigned char *prefix = malloc(cut ? cut : 1);

        memcpy(prefix, data, cut);
        m = scep_parse(h, prefix, cut, NULL);
        refused(name, cut, h, m, "parse");
        scep_message_free(m);
        m = scep_unwrap(h, prefix, cut, NULL, cert, key);
        refused(name, cut, h, m, "unwrap");
        scep_message_free(m);
        free(prefix);
    }

    m = scep_unwrap(h, data, len, NULL, cert, key);
    if (m == NULL) {
        failures++;
        fprintf(stderr, "FAIL %s whole: %s\n", name, scep_last_error(h));
    }
    printf("%s: %zu truncations refused\n", name, len);
    scep_message_free(m);
    scep_cleanup(h);
    free(data);
}

int main(void)
{
    char *cert, *key;
    size_t len;

    cert = (char *)read_vector(CA_CERT, &len);
    key = (char *)read_vector(CA_KEY, &len);
    every_length("peers/captured/sscep-pkcsreq.der", key, cert);
    every_length("peers/captured/micromdm-client-pkcsreq-get-urlsafe.b64.txt",
                 key, cert);
    free(cert);
    free(key);
    if (failures > 0) {
        printf("truncate_test: %d failures\n", failures);
        return 1;
    }
    printf("truncate_test: all passed\n");
    return 0;
}
