#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

int harness_failures;
int harness_checks;

void harness_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    harness_failures++;
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void harness_check_error(const char *file, int line, int status,
                         const char *message, int expected_status,
                         const char *expected_text)
{
    harness_checks++;
    if (status != expected_status)
        harness_fail(file, line, "status %s, expected %s (\"%s\")",
                     scep_status_name(status),
                     scep_status_name(expected_status), message);
    else if (strstr(message, expected_text) == NULL)
        harness_fail(file, line, "error \"%s\" does not say \"%s\"",
                     message, expected_text);
}

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long size;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        fclose(f);
        return NULL;
    }
    data[size] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)size;
    return data;
}

char *vector_file(const char *path, size_t *len)
{
    char full[4096];
    char *data;

    snprintf(full, sizeof(full), "%s/%s", SCEP_VECTORS, path);
    if ((data = read_whole_file(full, len)) == NULL) {
        fprintf(stderr, "cannot read test file %s\n", full);
        exit(2);
    }
    return data;
}

char *ca_cert, *ca_key, *client_key, *client_cert, *csr;

void load_test_keys(void)
{
    ca_cert = vector_file(CA_CERT, NULL);
    ca_key = vector_file(CA_KEY, NULL);
    client_key = vector_file(CLIENT_KEY, NULL);
    client_cert = vector_file(CLIENT_CERT, NULL);
    csr = vector_file(CLIENT_CSR, NULL);
}

void free_test_keys(void)
{
    free(ca_cert);
    free(ca_key);
    free(client_key);
    free(client_cert);
    free(csr);
}

int harness_result(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, harness_checks,
           harness_failures);
    return harness_failures == 0 ? 0 : 1;
}

int harness_built(const char *file, int line, SCEP *h, int rc,
                  const char *what)
{
    harness_checks++;
    if (rc != 0)
        harness_fail(file, line, "%s failed: %s", what, scep_last_error(h));
    return rc == 0;
}
