/*
 * scep_parse_capabilities on any bytes: the GetCACaps reader the command
 * line tool uses on a server's answer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SCEP *handle = scep_create_handle();
    int flags;

    if (handle == NULL)
        abort();
    flags = scep_parse_capabilities(handle, (const char *)data, size);
    if (flags < 0)
        fuzz_check_failure(handle);
    else if (flags >= SCEP_CAP_UPDATE << 1) {
        fprintf(stderr, "fuzz: capability flags 0x%x out of range\n", flags);
        abort();
    }
    scep_cleanup(handle);
    return 0;
}
