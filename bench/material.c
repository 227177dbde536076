/*
 * Keys and certificates for the benchmark: an RSA CA, a requester with a
 * CSR and the self-signed certificate it signs its PKCSReq with, the
 * certificate the CA issues to it, and an RA certificate for a GetCACert
 * bundle.  They are made with plain OpenSSL calls and handed to libscep as
 * PEM text, the way callers hold them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "bench.h"

typedef int (*pem_writer)(BIO *, const void *);

/* ---- PEM text ---------------------------------------------------------- */

static char *bio_string(BIO *bio)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;

    if (text != NULL) {
        memcpy(text, data, (size_t)len);
        text[len] = '\0';
    }
    return text;
}

static char *pem_of(pem_writer write, const void *object)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *text = NULL;

    if (bio != NULL && write(bio, object))
        text = bio_string(bio);
    BIO_free(bio);
    return text;
}

static int write_key(BIO *bio, const void *key)
{
    return PEM_write_bio_PrivateKey(bio, (EVP_PKEY *)key, NULL, NULL, 0, NULL,
                                    NULL);
}

static int write_cert(BIO *bio, const void *cert)
{
    return PEM_write_bio_X509(bio, (X509 *)cert);
}

static int write_csr(BIO *bio, const void *csr)
{
    return PEM_write_bio_X509_REQ(bio, (X509_REQ *)csr);
}

/* ---- Certificates ------------------------------------------------------ */

static X509_NAME *name_of(const char *common_name)
{
    X509_NAME *name = X509_NAME_new();

    if (name == NULL ||
        !X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
                                    (const unsigned char *)"DE", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                    (const unsigned char *)"libscep bench", -1,
                                    -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    (const unsigned char *)common_name, -1, -1,
                                    0)) {
        X509_NAME_free(name);
        return NULL;
    }
    return name;
}

static int add_extension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
        return 0;
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

struct cert_spec {
    const X509_NAME *subject;
    EVP_PKEY *key; /* the certified key */
    X509 *issuer;  /* NULL: self-signed */
    EVP_PKEY *issuer_key;
    long serial;
    const char *basic_constraints;
    const char *key_usage;
};

static X509 *make_cert(const struct cert_spec *s)
{
    X509 *cert = X509_new();
    X509 *issuer;
    int ok = cert != NULL && X509_set_version(cert, 2) &&
             ASN1_INTEGER_set(X509_get_serialNumber(cert), s->serial) &&
             X509_set_subject_name(cert, s->subject) &&
             X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600) &&
             X509_set_pubkey(cert, s->key);

    issuer = s->issuer != NULL ? s->issuer : cert;
    ok = ok && X509_set_issuer_name(cert, X509_get_subject_name(issuer)) &&
         add_extension(cert, issuer, NID_basic_constraints,
                       s->basic_constraints) &&
         add_extension(cert, issuer, NID_key_usage, s->key_usage) &&
         add_extension(cert, issuer, NID_subject_key_identifier, "hash") &&
         X509_sign(cert, s->issuer_key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* A CSR with a challengePassword, as a device sends one. */
static X509_REQ *make_csr(const X509_NAME *subject, EVP_PKEY *key)
{
    X509_REQ *csr = X509_REQ_new();
    int ok = csr != NULL && X509_REQ_set_version(csr, 0) &&
             X509_REQ_set_subject_name(csr, subject) &&
             X509_REQ_set_pubkey(csr, key) &&
             X509_REQ_add1_attr_by_NID(
                 csr, NID_pkcs9_challengePassword, MBSTRING_ASC,
                 (const unsigned char *)"bench-otp", -1) &&
             X509_REQ_sign(csr, key, EVP_sha256()) > 0;

    if (!ok) {
        X509_REQ_free(csr);
        return NULL;
    }
    return csr;
}

/* ---- The whole set ----------------------------------------------------- */

static int fail(const char *what)
{
    fprintf(stderr, "scep_bench: cannot %s\n", what);
    ERR_print_errors_fp(stderr);
    return -1;
}

/* The CA, its RA and the requester's certificates for keys made before. */
static int make_certs(struct material *m)
{
    X509_NAME *ca_name = name_of("libscep bench CA");
    X509_NAME *client_name = name_of("bench client");
    X509_NAME *ra_name = name_of("libscep bench RA");
    X509 *ca = NULL, *client = NULL, *issued = NULL, *ra = NULL;
    X509_REQ *csr = NULL;
    int rc = -1;

    if (ca_name == NULL || client_name == NULL || ra_name == NULL)
        goto done;
    {
        struct cert_spec s_ca = {ca_name,
                                 m->ca_pkey,
                                 NULL,
                                 m->ca_pkey,
                                 1,
                                 "critical,CA:TRUE",
                                 "critical,keyCertSign,cRLSign,"
                                 "digitalSignature,keyEncipherment"};
        struct cert_spec s_client = {client_name,
                                     m->client_pkey,
                                     NULL,
                                     m->client_pkey,
                                     7,
                                     "CA:FALSE",
                                     "digitalSignature,keyEncipherment"};

        ca = make_cert(&s_ca);
        client = make_cert(&s_client);
    }
    if (ca == NULL || client == NULL)
        goto done;
    {
        /* The RA shares the requester's key: it only has to be
         * recognised in a bundle, and a third key would slow start-up. */
        struct cert_spec s_issued = {client_name,
                                     m->client_pkey,
                                     ca,
                                     m->ca_pkey,
                                     2,
                                     "CA:FALSE",
                                     "digitalSignature,keyEncipherment"};
        struct cert_spec s_ra = {ra_name,
                                 m->client_pkey,
                                 ca,
                                 m->ca_pkey,
                                 3,
                                 "CA:FALSE",
                                 "digitalSignature,keyEncipherment"};

        issued = make_cert(&s_issued);
        ra = make_cert(&s_ra);
    }
    csr = make_csr(client_name, m->client_pkey);
    if (issued == NULL || ra == NULL || csr == NULL)
        goto done;

    m->ca_cert = pem_of(write_cert, ca);
    m->client_cert = pem_of(write_cert, client);
    m->issued_cert = pem_of(write_cert, issued);
    m->ra_cert = pem_of(write_cert, ra);
    m->client_csr = pem_of(write_csr, csr);
    if (m->ca_cert != NULL && m->client_cert != NULL &&
        m->issued_cert != NULL && m->ra_cert != NULL && m->client_csr != NULL)
        rc = 0;

done:
    X509_NAME_free(ca_name);
    X509_NAME_free(client_name);
    X509_NAME_free(ra_name);
    X509_free(ca);
    X509_free(client);
    X509_free(issued);
    X509_free(ra);
    X509_REQ_free(csr);
    return rc;
}

int material_generate(struct material *m, int bits)
{
    memset(m, 0, sizeof(*m));
    m->bits = bits;

    if ((m->ca_pkey = EVP_RSA_gen((unsigned)bits)) == NULL ||
        (m->client_pkey = EVP_RSA_gen((unsigned)bits)) == NULL)
        return fail("generate the RSA keys");
    m->ca_key = pem_of(write_key, m->ca_pkey);
    m->client_key = pem_of(write_key, m->client_pkey);
    if (m->ca_key == NULL || m->client_key == NULL || make_certs(m) != 0)
        return fail("make the certificates");
    return 0;
}

/* ---- Files ------------------------------------------------------------- */

struct file_field {
    const char *name;
    size_t offset;
};

static const struct file_field fields[] = {
    {"ca.key", offsetof(struct material, ca_key)},
    {"ca.crt", offsetof(struct material, ca_cert)},
    {"client.key", offsetof(struct material, client_key)},
    {"client.csr", offsetof(struct material, client_csr)},
    {"client.crt", offsetof(struct material, client_cert)},
    {"issued.crt", offsetof(struct material, issued_cert)},
    {"ra.crt", offsetof(struct material, ra_cert)},
};

#define FIELD(m, f) ((char **)((char *)(m) + (f)->offset))

static void file_path(char *path, size_t size, const char *dir, int bits,
                      const char *name)
{
    snprintf(path, size, "%s/%d%s%s", dir, bits, name ? "/" : "",
             name ? name : "");
}

int material_save(const struct material *m, const char *dir)
{
    char path[4096];
    size_t i;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return fail("create the material folder");
    file_path(path, sizeof(path), dir, m->bits, NULL);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return fail("create the material folder");

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *text = *FIELD(m, &fields[i]);
        FILE *f;

        file_path(path, sizeof(path), dir, m->bits, fields[i].name);
        if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 ||
            fclose(f) != 0) {
            fprintf(stderr, "scep_bench: cannot write %s\n", path);
            return -1;
        }
    }
    return 0;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    long len;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1))) {
        if (fread(text, 1, (size_t)len, f) == (size_t)len) {
            text[len] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

static EVP_PKEY *decode_key(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    BIO_free(bio);
    return key;
}

int material_load(struct material *m, const char *dir, int bits)
{
    char path[4096];
    size_t i;

    memset(m, 0, sizeof(*m));
    m->bits = bits;
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        file_path(path, sizeof(path), dir, bits, fields[i].name);
        if ((*FIELD(m, &fields[i]) = read_text(path)) == NULL) {
            fprintf(stderr, "scep_bench: cannot read %s\n", path);
            return -1;
        }
    }
    if ((m->ca_pkey = decode_key(m->ca_key)) == NULL ||
        (m->client_pkey = decode_key(m->client_key)) == NULL)
        return fail("read the keys");
    if (EVP_PKEY_get_bits(m->ca_pkey) != bits)
        return fail("use keys of another size than the folder's name");
    return 0;
}

void material_free(struct material *m)
{
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        free(*FIELD(m, &fields[i]));
    EVP_PKEY_free(m->ca_pkey);
    EVP_PKEY_free(m->client_pkey);
    memset(m, 0, sizeof(*m));
}
