/*
 * scep_unwrap on any bytes with a fixed CA certificate and key (the
 * micromdm CA of the peer captures, so messages sent to it open fully):
 * parse, verify, decrypt and decode the payload of each message kind.
 */
#include <stdlib.h>

#include "fuzz_common.h"

static char *ca_cert;
static char *ca_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ca_cert = fuzz_vector_text(FUZZ_CA_CERT);
    ca_key = fuzz_vector_text(FUZZ_CA_KEY);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SCEP *handle = scep_create_handle();
    SCEP_MESSAGE *message;

    if (handle == NULL)
        abort();
    message = scep_unwrap(handle, data, size, NULL, ca_cert, ca_key);
    if (message == NULL)
        fuzz_check_failure(handle);
    fuzz_read_all(message);
    scep_message_free(message);
    scep_cleanup(handle);
    return 0;
}
