/*
 * Writes one message of every kind this library makes into
 * tests/vectors/generated/ (DER), for the round-trip vectors every
 * language reads.  Run by tests/vectors/make-generated.py; its output is
 * committed, and only these files may ever be regenerated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *out_dir;
static char *issued;

static void save(SCEP *h, const char *name, int rc, struct built *b)
{
    char path[4096];
    FILE *f;

    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", name, scep_last_error(h));
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s.der", out_dir, name);
    if ((f = fopen(path, "wb")) == NULL ||
        fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static struct built request(SCEP *h, const char *name, const char *digest,
                            const char *cipher)
{
    struct built b = {NULL, 0};

    scep_set_sigalg(h, digest);
    scep_set_encalg(h, cipher);
    save(h, name, scep_pkcsreq(h, client_key, client_cert, ca_cert, csr,
                               &b.data, &b.len), &b);
    scep_set_sigalg(h, NULL);
    scep_set_encalg(h, NULL);
    return b;
}

static void requests(SCEP *h)
{
    struct built b = {NULL, 0};

    scep_free(request(h, "pkcsreq-sha1-des3", "sha1", "des3").data);
    scep_free(request(h, "pkcsreq-md5-des", "md5", "des").data);
    scep_free(request(h, "pkcsreq-sha512-aes256", "sha512", "aes256").data);
    save(h, "renewalreq", scep_renewalreq(h, client_key, client_cert,
                                          ca_cert, csr, &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "getcertinitial",
         scep_getcertinitial(h, client_key, client_cert, ca_cert, csr,
                             ca_cert, &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "getcert", scep_getcert(h, client_key, client_cert, ca_cert,
                                    ca_cert, "11", &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "getcrl", scep_getcrl(h, client_key, client_cert, ca_cert,
                                  issued, &b.data, &b.len), &b);
    scep_free(b.data);
}

static void replies(SCEP *h)
{
    struct built req = request(h, "pkcsreq", NULL, NULL), b = {NULL, 0};
    char *crl = vector_file("keys/ca.crl", NULL);
    size_t chain_len = strlen(issued) + strlen(ca_cert) + 1;
    char *chain = malloc(chain_len);

    snprintf(chain, chain_len, "%s%s", issued, ca_cert);
    save(h, "certrep-pending",
         scep_create_pending_reply(h, ca_key, ca_cert, req.data, req.len,
                                   &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "certrep-failure",
         scep_create_error_reply(h, ca_key, ca_cert, req.data, req.len,
                                 "badCertId", &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "certrep-success",
         scep_create_certificate_reply(h, ca_key, ca_cert, req.data,
                                       req.len, chain, &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "certrep-crl",
         scep_create_crl_reply(h, ca_key, ca_cert, req.data, req.len, crl,
                               &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "nextca", scep_create_nextca_reply(h, chain, ca_cert, ca_key,
                                               &b.data, &b.len), &b);
    scep_free(b.data);
    save(h, "certs-only", scep_create_certs_only(h, chain, NULL, NULL,
                                                 &b.data, &b.len), &b);
    scep_free(b.data);
    free(chain);
    free(crl);
    scep_free(req.data);
}

int main(int argc, char **argv)
{
    SCEP *h = scep_create_handle();

    if (argc != 2) {
        fprintf(stderr, "usage: make_vectors OUTPUT_DIR\n");
        return 1;
    }
    out_dir = argv[1];
    load_test_keys();
    issued = vector_file("peers/captured/keys/micromdm-ca/issued/"
                         "libscep-client-1.11.pem", NULL);
    scep_set_output_format(h, SCEP_FORMAT_DER);

    requests(h);
    replies(h);

    scep_cleanup(h);
    free_test_keys();
    free(issued);
    return 0;
}
