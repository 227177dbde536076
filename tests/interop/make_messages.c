/*
 * Writes one file of every message kind the library builds, so that the
 * openssl command can check them (see openssl.sh).
 *
 *   make_messages INDIR OUTDIR [DIGEST CIPHER]
 *
 * INDIR holds ca.pem, ca.key, client.key, client.csr, client.pem (a
 * certificate the CA issued for client.key), chain.pem (the CA and its
 * RA certificates) and crl.pem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scep.h"

struct inputs {
    char *ca, *ca_key, *key, *csr, *cert, *chain, *crl;
};

static char *slurp(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    char *text;
    long len;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
        (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (text = malloc((size_t)len + 1)) == NULL ||
        fread(text, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "make_messages: cannot read %s\n", path);
        exit(2);
    }
    text[len] = '\0';
    fclose(f);
    return text;
}

static int save(const char *dir, const char *name, unsigned char *der,
                size_t len)
{
    char path[4096];
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s.der", dir, name);
    ok = (f = fopen(path, "wb")) != NULL &&
         fwrite(der, 1, len, f) == len && fclose(f) == 0;
    if (!ok)
        fprintf(stderr, "make_messages: cannot write %s\n", path);
    return ok ? 0 : -1;
}

/* Saves the result of one builder or says why it failed. */
static int keep(SCEP *h, int rc, const char *dir, const char *name,
                unsigned char **der, size_t len)
{
    if (rc != 0) {
        fprintf(stderr, "make_messages: %s: %s\n", name, scep_last_error(h));
        return -1;
    }
    return save(dir, name, *der, len);
}

static int requests(SCEP *h, const struct inputs *in, const char *out,
                    unsigned char **req, size_t *req_len,
                    unsigned char **crl_req, size_t *crl_req_len)
{
    unsigned char *der = NULL;
    size_t len = 0;
    int rc = 0, built;

    /* Each builder runs before keep() reads the length it set. */
#define REQUEST(name, call, outp, lenv, owned)              \
    do {                                                  \
        built = call;                                     \
        rc |= keep(h, built, out, name, outp, lenv);      \
        if (!(owned)) {                                   \
            scep_free(der);                               \
            der = NULL;                                   \
        }                                                 \
    } while (0)

    REQUEST("pkcsreq", scep_pkcsreq(h, in->key, NULL, in->ca, in->csr,
                                    req, req_len), req, *req_len, 1);
    REQUEST("renewalreq", scep_renewalreq(h, in->key, in->cert, in->ca,
                                          in->csr, &der, &len),
            &der, len, 0);
    REQUEST("getcertinitial",
            scep_getcertinitial(h, in->key, NULL, in->ca, in->csr, in->ca,
                                &der, &len), &der, len, 0);
    REQUEST("getcert", scep_getcert(h, in->key, in->cert, in->ca, in->ca,
                                    "2", &der, &len), &der, len, 0);
    REQUEST("getcrl", scep_getcrl(h, in->key, in->cert, in->ca, in->cert,
                                  crl_req, crl_req_len),
            crl_req, *crl_req_len, 1);
#undef REQUEST
    return rc;
}

static int replies(SCEP *h, const struct inputs *in, const char *out,
                   const unsigned char *req, size_t req_len,
                   const unsigned char *crl_req, size_t crl_req_len)
{
    unsigned char *der = NULL;
    size_t len = 0;
    int rc = 0, built;

#define REPLY(name, call)                                  \
    do {                                                   \
        built = call;                                      \
        rc |= keep(h, built, out, name, &der, len);        \
        scep_free(der);                                    \
        der = NULL;                                        \
    } while (0)

    REPLY("certrep-pending",
          scep_create_pending_reply(h, in->ca_key, in->ca, req, req_len,
                                    &der, &len));
    REPLY("certrep-failure",
          scep_create_error_reply(h, in->ca_key, in->ca, req, req_len,
                                  "badRequest", &der, &len));
    REPLY("certrep-success",
          scep_create_certificate_reply(h, in->ca_key, in->ca, req,
                                        req_len, in->cert, &der, &len));
    REPLY("certrep-crl",
          scep_create_crl_reply(h, in->ca_key, in->ca, crl_req,
                                crl_req_len, in->crl, &der, &len));
    REPLY("certsonly",
          scep_create_certs_only(h, in->chain, NULL, NULL, &der, &len));
    REPLY("nextca",
          scep_create_nextca_reply(h, in->chain, in->ca, in->ca_key, &der,
                                   &len));
#undef REPLY
    return rc;
}

int main(int argc, char **argv)
{
    struct inputs in;
    unsigned char *req = NULL, *crl_req = NULL;
    size_t req_len = 0, crl_req_len = 0;
    SCEP *h;
    int rc;

    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: make_messages INDIR OUTDIR [DIGEST CIPHER]\n");
        return 1;
    }
    in.ca = slurp(argv[1], "ca.pem");
    in.ca_key = slurp(argv[1], "ca.key");
    in.key = slurp(argv[1], "client.key");
    in.csr = slurp(argv[1], "client.csr");
    in.cert = slurp(argv[1], "client.pem");
    in.chain = slurp(argv[1], "chain.pem");
    in.crl = slurp(argv[1], "crl.pem");

    h = scep_create_handle();
    if (h == NULL || scep_set_output_format(h, SCEP_FORMAT_DER) != 0 ||
        (argc == 5 && (scep_set_sigalg(h, argv[3]) != 0 ||
                       scep_set_encalg(h, argv[4]) != 0))) {
        fprintf(stderr, "make_messages: %s\n",
                h ? scep_last_error(h) : "out of memory");
        return 2;
    }

    rc = requests(h, &in, argv[2], &req, &req_len, &crl_req, &crl_req_len);
    if (rc == 0)
        rc = replies(h, &in, argv[2], req, req_len, crl_req, crl_req_len);

    scep_free(req);
    scep_free(crl_req);
    scep_cleanup(h);
    free(in.ca); free(in.ca_key); free(in.key); free(in.csr);
    free(in.cert); free(in.chain); free(in.crl);
    return rc == 0 ? 0 : 2;
}
