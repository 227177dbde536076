/*
 * scep_read_ca_certs on any bytes: a GetCACert answer as a bare
 * certificate or a certs-only SignedData, signed or not, and the choice of
 * the CA and RA certificates by key usage.
 */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SCEP *handle = scep_create_handle();
    SCEP_MESSAGE *message;

    if (handle == NULL)
        abort();
    message = scep_read_ca_certs(handle, data, size);
    if (message == NULL)
        fuzz_check_failure(handle);
    fuzz_read_all(message);
    scep_message_free(message);
    scep_cleanup(handle);
    return 0;
}
