/*
 * The benchmark's shared declarations: the keys and certificates it runs
 * with, made fresh with OpenSSL at start (or read from a folder, so that
 * every language measures the same material).
 */
#ifndef SCEP_BENCH_H
#define SCEP_BENCH_H

#include <openssl/evp.h>

/* Everything one key size needs, as PEM text as callers hold it. */
struct material {
    int bits;

    char *ca_key; /* the CA's key and self-signed certificate */
    char *ca_cert;
    char *client_key;  /* the requester's key, its CSR, the self- */
    char *client_csr;  /* signed certificate it signs its request */
    char *client_cert; /* with, and the certificate the CA issues */
    char *issued_cert;
    char *ra_cert; /* an RA certificate for the GetCACert bundle */

    EVP_PKEY *ca_pkey; /* the same keys decoded, for the floor */
    EVP_PKEY *client_pkey;
};

/* Makes fresh keys and certificates; 0 or -1 with a message printed. */
int material_generate(struct material *m, int bits);

/* Writes the PEM files to dir/<bits>/ or reads them from there. */
int material_save(const struct material *m, const char *dir);
int material_load(struct material *m, const char *dir, int bits);

void material_free(struct material *m);

#endif /* SCEP_BENCH_H */
