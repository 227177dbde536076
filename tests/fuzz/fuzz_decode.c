/*
 * scep_decode_input on any bytes: the detector of DER, PEM and base64 in
 * every spelling (URL-safe, unpadded, %-escaped, message=...).  What it
 * returns must be a DER SEQUENCE no larger than the limit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SCEP *handle = scep_create_handle();
    unsigned char *der = NULL;
    size_t der_len = 0;

    if (handle == NULL)
        abort();
    if (scep_decode_input(handle, data, size, &der, &der_len) != 0) {
        fuzz_check_failure(handle);
    } else if (der_len == 0 || der_len > SCEP_MAX_MESSAGE_SIZE ||
               der[0] != 0x30) {
        fprintf(stderr, "fuzz: decoded %zu bytes that are not a DER "
                        "SEQUENCE within the limit\n", der_len);
        abort();
    }
    scep_free(der);
    scep_cleanup(handle);
    return 0;
}
