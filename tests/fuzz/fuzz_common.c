/*
 * Helpers shared by the fuzz targets (see fuzz_common.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#ifndef SCEP_FUZZ_VECTORS
#error "SCEP_FUZZ_VECTORS must name the tests/vectors folder"
#endif

char *fuzz_vector_text(const char *relative_path)
{
    char path[4096];
    FILE *file;
    char *text;
    long size;

    snprintf(path, sizeof(path), "%s/%s", SCEP_FUZZ_VECTORS, relative_path);
    if ((file = fopen(path, "rb")) == NULL || fseek(file, 0, SEEK_END) != 0 ||
        (size = ftell(file)) < 0 || fseek(file, 0, SEEK_SET) != 0 ||
        (text = malloc((size_t)size + 1)) == NULL ||
        fread(text, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        exit(2);
    }
    fclose(file);
    text[size] = '\0';
    return text;
}

char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

void fuzz_check_failure(const SCEP *handle)
{
    const char *error = scep_last_error(handle);

    if (scep_last_status(handle) == SCEP_OK || error == NULL ||
        error[0] == '\0') {
        fprintf(stderr, "fuzz: a call failed without saying why\n");
        abort();
    }
}

static void check_string(SCEP_MESSAGE *message, const char *value)
{
    if (value == NULL && (scep_message_last_status(message) == SCEP_OK ||
                          scep_message_last_error(message)[0] == '\0')) {
        fprintf(stderr, "fuzz: an accessor gave NULL without an error\n");
        abort();
    }
}

static void check_nonce(SCEP_MESSAGE *message,
                        int (*get)(SCEP_MESSAGE *, unsigned char **,
                                   size_t *))
{
    unsigned char *nonce = NULL;
    size_t len = 0;

    if (get(message, &nonce, &len) == 0)
        scep_free(nonce);
    else
        check_string(message, NULL);
}

void fuzz_read_all(SCEP_MESSAGE *message)
{
    const char *(*const getters[])(SCEP_MESSAGE *) = {
        scep_get_transaction_id,   scep_get_message_type,
        scep_get_pki_status,       scep_get_fail_info,
        scep_get_fail_info_text,   scep_get_digest,
        scep_get_cipher,           scep_get_signer_cert,
        scep_get_pkcs10,           scep_get_cert,
        scep_get_crl,              scep_get_subject,
        scep_get_issuer,           scep_get_getcert_serial,
        scep_get_challenge_password, scep_get_ca_cert,
        scep_get_ra_signing_cert,  scep_get_ra_encryption_cert,
    };
    size_t i;

    if (message == NULL)
        return;
    for (i = 0; i < sizeof(getters) / sizeof(getters[0]); i++)
        check_string(message, getters[i](message));
    check_nonce(message, scep_get_sender_nonce);
    check_nonce(message, scep_get_recipient_nonce);
    (void)scep_get_signature_verified(message);
}
