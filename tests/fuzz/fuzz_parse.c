/*
 * scep_parse on any bytes: format detection, the BER shape check, the
 * SignedData, its attributes and the signature, then every accessor.
 */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SCEP *handle = scep_create_handle();
    SCEP_MESSAGE *message;

    if (handle == NULL)
        abort();
    message = scep_parse(handle, data, size, NULL);
    if (message == NULL)
        fuzz_check_failure(handle);
    fuzz_read_all(message);
    scep_message_free(message);
    scep_cleanup(handle);
    return 0;
}
