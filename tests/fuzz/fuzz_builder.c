/*
 * The loaders of keys, certificates, CSRs and CRLs given as text, reached
 * through the builders that use them.  The first byte chooses which
 * argument gets the fuzzed text; the others are fixed, valid values.  A
 * PKCSReq the builder accepts must unwrap again with the CA key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static char *client_key, *client_cert, *ca_cert, *ca_key, *csr;

enum role { CSR, SIGNER_KEY, SIGNER_CERT, ENC_CERT, CHAIN, CRL, ROLES };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    client_key = fuzz_vector_text(FUZZ_CLIENT_KEY);
    client_cert = fuzz_vector_text(FUZZ_CLIENT_CERT);
    ca_cert = fuzz_vector_text(FUZZ_CA_CERT);
    ca_key = fuzz_vector_text(FUZZ_CA_KEY);
    csr = fuzz_vector_text("peers/captured/keys/micromdm-client/csr.pem");
    return 0;
}

static void check_round_trip(const unsigned char *out, size_t out_len)
{
    SCEP *handle = scep_create_handle();
    SCEP_MESSAGE *message;

    if (handle == NULL)
        abort();
    message = scep_unwrap(handle, out, out_len, NULL, ca_cert, ca_key);
    if (message == NULL) {
        fprintf(stderr, "fuzz: a PKCSReq the builder made does not "
                        "unwrap: %s\n", scep_last_error(handle));
        abort();
    }
    fuzz_read_all(message);
    scep_message_free(message);
    scep_cleanup(handle);
}

static int build_request(SCEP *handle, enum role role, const char *text,
                         unsigned char **out, size_t *out_len)
{
    const char *key = role == SIGNER_KEY ? text : client_key;
    const char *cert = role == SIGNER_CERT ? text : client_cert;
    const char *enc = role == ENC_CERT ? text : ca_cert;
    const char *request = role == CSR ? text : csr;
    int rc = scep_pkcsreq(handle, key, cert, enc, request, out, out_len);

    if (rc == 0 && role == CSR)
        check_round_trip(*out, *out_len);
    return rc;
}

static int build(SCEP *handle, enum role role, const char *text,
                 unsigned char **out, size_t *out_len)
{
    static const unsigned char nonce[16] = {1, 2, 3, 4, 5, 6, 7, 8,
                                            9, 10, 11, 12, 13, 14, 15, 16};

    switch (role) {
    case CHAIN:
        return scep_create_certs_only(handle, text, NULL, NULL, out,
                                      out_len);
    case CRL:
        return scep_create_crl_reply_wop7(handle, ca_key, ca_cert, "FUZZ",
                                          nonce, sizeof(nonce), client_cert,
                                          text, out, out_len);
    default:
        return build_request(handle, role, text, out, out_len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SCEP *handle;
    unsigned char *out = NULL;
    size_t out_len = 0;
    char *text;

    if (size < 1)
        return 0;
    if ((handle = scep_create_handle()) == NULL ||
        scep_set_output_format(handle, SCEP_FORMAT_DER) != 0 ||
        scep_set_key_password(handle, "correct-horse") != 0)
        abort();
    text = fuzz_text(data + 1, size - 1);

    if (build(handle, (enum role)(data[0] % ROLES), text, &out,
              &out_len) != 0)
        fuzz_check_failure(handle);
    scep_free(out);
    free(text);
    scep_cleanup(handle);
    return 0;
}
