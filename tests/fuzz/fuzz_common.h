/*
 * What the fuzz targets share: a handle made once per process, and the
 * fixed keys and certificates some entry points need beside the fuzzed
 * bytes.  The files are read from the vectors folder given at build time.
 */
#ifndef SCEP_FUZZ_COMMON_H
#define SCEP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "scep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The contents of a file under the vectors folder, NUL-terminated; exits
 * when it cannot be read, since a target without its key tests nothing. */
char *fuzz_vector_text(const char *relative_path);

/* A NUL-terminated copy of the fuzzed bytes, for text arguments. */
char *fuzz_text(const uint8_t *data, size_t size);

/* A failed call must leave a status and a message naming the problem;
 * aborts (a finding) when it does not. */
void fuzz_check_failure(const SCEP *handle);

/* Calls every accessor of a message (NULL allowed), as a caller printing
 * it would, and checks that each NULL answer comes with an error. */
void fuzz_read_all(SCEP_MESSAGE *message);

#define FUZZ_CA_CERT "peers/captured/keys/micromdm-ca/ca.pem"
#define FUZZ_CA_KEY "peers/captured/keys/micromdm-ca/ca-key-plain.pem"
#define FUZZ_CLIENT_CERT \
    "peers/captured/keys/micromdm-client/selfsigned-signer.pem"
#define FUZZ_CLIENT_KEY "peers/captured/keys/micromdm-client/client.key"

#endif
