/*
 * scep_bench: how fast libscep builds and reads SCEP messages, measured
 * against the bare RSA operations each message cannot do without.
 *
 * Every operation goes through the public ABI with PEM text in and out, as
 * callers use it.  In the same run, on the same keys, it times the floor:
 * EVP_PKEY_sign, _verify, _encrypt and _decrypt alone, and prints each
 * operation's throughput as a fraction of the throughput of its floor
 * (1.0 would mean the library costs nothing beyond the RSA arithmetic).
 *
 * Times are the process's CPU time, taken in rounds that alternate the
 * floor and the operations; the median round counts, so a busy neighbour
 * on a shared machine moves the figures less.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "bench.h"
#include "scep.h"

#define MAX_KEYS 8
#define MAX_ROUNDS 15

struct options {
    int keys[MAX_KEYS];
    int nkeys;
    double seconds;  /* CPU time per task, over all rounds */
    long iterations; /* per task and round; 0: from seconds */
    int rounds;
    int csv;
    int smoke;
    long memory_ops; /* 0: no memory run */
    const char *save_dir;
    const char *load_dir;
    int material_only;
    int keys_given;
    const char *only; /* one operation's id, for profiling */
};

/* ---- The floor: bare RSA operations ------------------------------------ */

struct rsa_floor {
    EVP_PKEY_CTX *sign, *verify, *encrypt, *decrypt;
    unsigned char digest[32]; /* what a signature covers */
    unsigned char sig[1024];
    size_t sig_len;
    unsigned char secret[16]; /* an AES-128 content key */
    unsigned char wrapped[1024];
    size_t wrapped_len;
};

static int floor_sign(void *arg)
{
    struct rsa_floor *f = arg;
    unsigned char sig[1024];
    size_t len = sizeof(sig);

    return EVP_PKEY_sign(f->sign, sig, &len, f->digest, sizeof(f->digest)) == 1
               ? 0
               : -1;
}

static int floor_verify(void *arg)
{
    struct rsa_floor *f = arg;

    return EVP_PKEY_verify(f->verify, f->sig, f->sig_len, f->digest,
                           sizeof(f->digest)) == 1
               ? 0
               : -1;
}

static int floor_encrypt(void *arg)
{
    struct rsa_floor *f = arg;
    unsigned char out[1024];
    size_t len = sizeof(out);

    return EVP_PKEY_encrypt(f->encrypt, out, &len, f->secret,
                            sizeof(f->secret)) == 1
               ? 0
               : -1;
}

static int floor_decrypt(void *arg)
{
    struct rsa_floor *f = arg;
    unsigned char out[1024];
    size_t len = sizeof(out);

    if (EVP_PKEY_decrypt(f->decrypt, out, &len, f->wrapped, f->wrapped_len) !=
        1)
        return -1;
    return len == sizeof(f->secret) && memcmp(out, f->secret, len) == 0 ? 0
                                                                        : -1;
}

/* Contexts prepared once, so the floor holds nothing but the arithmetic. */
static int floor_init(struct rsa_floor *f, EVP_PKEY *key)
{
    memset(f, 0, sizeof(*f));
    f->sign = EVP_PKEY_CTX_new(key, NULL);
    f->verify = EVP_PKEY_CTX_new(key, NULL);
    f->encrypt = EVP_PKEY_CTX_new(key, NULL);
    f->decrypt = EVP_PKEY_CTX_new(key, NULL);
    f->sig_len = sizeof(f->sig);
    f->wrapped_len = sizeof(f->wrapped);

    if (f->sign == NULL || f->verify == NULL || f->encrypt == NULL ||
        f->decrypt == NULL || RAND_bytes(f->digest, sizeof(f->digest)) != 1 ||
        RAND_bytes(f->secret, sizeof(f->secret)) != 1 ||
        EVP_PKEY_sign_init(f->sign) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(f->sign, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(f->sign, EVP_sha256()) != 1 ||
        EVP_PKEY_verify_init(f->verify) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(f->verify, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(f->verify, EVP_sha256()) != 1 ||
        EVP_PKEY_encrypt_init(f->encrypt) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(f->encrypt, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_decrypt_init(f->decrypt) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(f->decrypt, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(f->sign, f->sig, &f->sig_len, f->digest,
                      sizeof(f->digest)) != 1 ||
        EVP_PKEY_encrypt(f->encrypt, f->wrapped, &f->wrapped_len, f->secret,
                         sizeof(f->secret)) != 1)
        return -1;

    /* Each primitive must work before it is timed. */
    return floor_verify(f) == 0 && floor_decrypt(f) == 0 ? 0 : -1;
}

static void floor_free(struct rsa_floor *f)
{
    EVP_PKEY_CTX_free(f->sign);
    EVP_PKEY_CTX_free(f->verify);
    EVP_PKEY_CTX_free(f->encrypt);
    EVP_PKEY_CTX_free(f->decrypt);
}

/* ---- The operations ---------------------------------------------------- */

struct bench {
    const struct material *m;
    SCEP *client;           /* a requester's handle */
    SCEP *ca;               /* a CA's handle */
    unsigned char *pkcsreq; /* PEM, as scep_pkcsreq makes it */
    size_t pkcsreq_len;
    unsigned char *certrep; /* PEM, the SUCCESS reply to it */
    size_t certrep_len;
    unsigned char *bundle; /* DER, a GetCACert answer */
    size_t bundle_len;
    struct rsa_floor ca_floor, client_floor;
    unsigned char *cert_der; /* the requester's certificate, DER */
    size_t cert_der_len;
    unsigned char *csr_der; /* its CSR, DER */
    size_t csr_der_len;
};

static int report(SCEP *h, const char *what)
{
    fprintf(stderr, "scep_bench: %s failed: %s: %s\n", what,
            scep_status_name(scep_last_status(h)), scep_last_error(h));
    return -1;
}

static int op_pkcsreq(void *arg)
{
    struct bench *b = arg;
    unsigned char *out = NULL;
    size_t len = 0;

    if (scep_pkcsreq(b->client, b->m->client_key, b->m->client_cert,
                     b->m->ca_cert, b->m->client_csr, &out, &len) != 0)
        return report(b->client, "scep_pkcsreq");
    scep_free(out);
    return 0;
}

/* A CA reads the request and takes its transactionID and CSR. */
static int op_ca_unwrap(void *arg)
{
    struct bench *b = arg;
    SCEP_MESSAGE *msg = scep_unwrap(b->ca, b->pkcsreq, b->pkcsreq_len, NULL,
                                    b->m->ca_cert, b->m->ca_key);
    int ok = msg != NULL && scep_get_transaction_id(msg) != NULL &&
             scep_get_pkcs10(msg) != NULL;

    scep_message_free(msg);
    return ok ? 0 : report(b->ca, "scep_unwrap of the PKCSReq");
}

static int op_certrep(void *arg)
{
    struct bench *b = arg;
    unsigned char *out = NULL;
    size_t len = 0;

    if (scep_create_certificate_reply(b->ca, b->m->ca_key, b->m->ca_cert,
                                      b->pkcsreq, b->pkcsreq_len,
                                      b->m->issued_cert, &out, &len) != 0)
        return report(b->ca, "scep_create_certificate_reply");
    scep_free(out);
    return 0;
}

/* The requester reads the reply, checked against the CA certificate. */
static int op_client_unwrap(void *arg)
{
    struct bench *b = arg;
    SCEP_MESSAGE *msg =
        scep_unwrap(b->client, b->certrep, b->certrep_len, b->m->ca_cert,
                    b->m->client_cert, b->m->client_key);
    int ok = msg != NULL && scep_get_cert(msg) != NULL;

    scep_message_free(msg);
    return ok ? 0 : report(b->client, "scep_unwrap of the CertRep");
}

static int op_parse(void *arg)
{
    struct bench *b = arg;
    SCEP_MESSAGE *msg = scep_parse(b->ca, b->pkcsreq, b->pkcsreq_len, NULL);
    int ok = msg != NULL && scep_get_transaction_id(msg) != NULL;

    scep_message_free(msg);
    return ok ? 0 : report(b->ca, "scep_parse");
}

static int op_certs_only(void *arg)
{
    struct bench *b = arg;
    SCEP_MESSAGE *msg = scep_read_ca_certs(b->client, b->bundle, b->bundle_len);
    int ok = msg != NULL && scep_get_ca_cert(msg) != NULL;

    scep_message_free(msg);
    return ok ? 0 : report(b->client, "scep_read_ca_certs");
}

/*
 * What OpenSSL spends reading one certificate or CSR that arrives fresh
 * in a message (OpenSSL 3.0 builds a decoder for every public key it
 * reads): the second yardstick, for operations that must read them.
 */
static int floor_d2i_cert(void *arg)
{
    struct bench *b = arg;
    const unsigned char *p = b->cert_der;
    X509 *cert = d2i_X509(NULL, &p, (long)b->cert_der_len);

    X509_free(cert);
    return cert != NULL ? 0 : -1;
}

static int floor_d2i_csr(void *arg)
{
    struct bench *b = arg;
    const unsigned char *p = b->csr_der;
    X509_REQ *csr = d2i_X509_REQ(NULL, &p, (long)b->csr_der_len);

    X509_REQ_free(csr);
    return csr != NULL ? 0 : -1;
}

/* The yardstick of certs-only reading, which needs no RSA: decoding. */
static int floor_d2i(void *arg)
{
    struct bench *b = arg;
    const unsigned char *p = b->bundle;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)b->bundle_len);

    PKCS7_free(p7);
    return p7 != NULL ? 0 : -1;
}

/* ---- Setting up, with the results checked once ------------------------ */

static int expect(int condition, const char *what)
{
    if (!condition)
        fprintf(stderr, "scep_bench: check failed: %s\n", what);
    return condition ? 0 : -1;
}

static int check_request(struct bench *b)
{
    SCEP_MESSAGE *msg = scep_unwrap(b->ca, b->pkcsreq, b->pkcsreq_len, NULL,
                                    b->m->ca_cert, b->m->ca_key);
    const char *type, *csr, *password;
    int rc;

    if (msg == NULL)
        return report(b->ca, "scep_unwrap of the PKCSReq");
    type = scep_get_message_type(msg);
    csr = scep_get_pkcs10(msg);
    password = scep_get_challenge_password(msg);
    rc = expect(type != NULL && strcmp(type, "PKCSReq") == 0,
                "the request reads back as a PKCSReq") |
         expect(scep_get_signature_verified(msg) == 1,
                "the request's signature verifies") |
         expect(csr != NULL && strcmp(csr, b->m->client_csr) == 0,
                "the CA finds the CSR that was sent") |
         expect(password != NULL && strcmp(password, "bench-otp") == 0,
                "the CA finds the challengePassword");
    scep_message_free(msg);
    return rc;
}

static int check_reply(struct bench *b)
{
    SCEP_MESSAGE *msg =
        scep_unwrap(b->client, b->certrep, b->certrep_len, b->m->ca_cert,
                    b->m->client_cert, b->m->client_key);
    const char *status, *cert;
    size_t n = strlen(b->m->issued_cert);
    int rc;

    if (msg == NULL)
        return report(b->client, "scep_unwrap of the CertRep");
    status = scep_get_pki_status(msg);
    cert = scep_get_cert(msg);
    rc = expect(status != NULL && strcmp(status, "SUCCESS") == 0,
                "the reply reads back as SUCCESS") |
         expect(cert != NULL && strncmp(cert, b->m->issued_cert, n) == 0,
                "the requester finds the certificate the CA issued");
    scep_message_free(msg);
    return rc;
}

static int check_bundle(struct bench *b)
{
    SCEP_MESSAGE *msg = scep_read_ca_certs(b->client, b->bundle, b->bundle_len);
    const char *ca, *ra;
    int rc;

    if (msg == NULL)
        return report(b->client, "scep_read_ca_certs");
    ca = scep_get_ca_cert(msg);
    ra = scep_get_ra_encryption_cert(msg);
    rc = expect(ca != NULL && strcmp(ca, b->m->ca_cert) == 0,
                "the bundle's CA certificate is found") |
         expect(ra != NULL && strcmp(ra, b->m->ra_cert) == 0,
                "the bundle's RA certificate is found");
    scep_message_free(msg);
    return rc;
}

/* The messages the reading operations read, made once. */
static int make_messages(struct bench *b)
{
    const struct material *m = b->m;
    size_t chain_len = strlen(m->ca_cert) + strlen(m->ra_cert) + 1;
    char *chain = malloc(chain_len);
    int rc;

    if (chain == NULL)
        return -1;
    snprintf(chain, chain_len, "%s%s", m->ca_cert, m->ra_cert);
    if (scep_pkcsreq(b->client, m->client_key, m->client_cert, m->ca_cert,
                     m->client_csr, &b->pkcsreq, &b->pkcsreq_len) != 0)
        rc = report(b->client, "scep_pkcsreq");
    else if (scep_create_certificate_reply(
                 b->ca, m->ca_key, m->ca_cert, b->pkcsreq, b->pkcsreq_len,
                 m->issued_cert, &b->certrep, &b->certrep_len) != 0)
        rc = report(b->ca, "scep_create_certificate_reply");
    else if (scep_set_output_format(b->ca, SCEP_FORMAT_DER) != 0 ||
             scep_create_certs_only(b->ca, chain, NULL, NULL, &b->bundle,
                                    &b->bundle_len) != 0 ||
             scep_set_output_format(b->ca, SCEP_FORMAT_PEM) != 0)
        rc = report(b->ca, "scep_create_certs_only");
    else
        rc = 0;
    free(chain);
    return rc;
}

/* DER of the PEM text, decoded once here so that the yardstick holds
 * d2i alone. */
static int der_of(const char *pem, int is_csr, unsigned char **der, size_t *len)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *cert = NULL;
    X509_REQ *csr = NULL;
    int n = -1;

    *der = NULL;
    if (bio != NULL && is_csr &&
        (csr = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)) != NULL)
        n = i2d_X509_REQ(csr, der);
    else if (bio != NULL && !is_csr &&
             (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        n = i2d_X509(cert, der);
    X509_free(cert);
    X509_REQ_free(csr);
    BIO_free(bio);
    *len = n > 0 ? (size_t)n : 0;
    return n > 0 ? 0 : -1;
}

static int bench_init(struct bench *b, const struct material *m)
{
    memset(b, 0, sizeof(*b));
    b->m = m;
    if ((b->client = scep_create_handle()) == NULL ||
        (b->ca = scep_create_handle()) == NULL)
        return -1;
    if (make_messages(b) != 0 || check_request(b) != 0 || check_reply(b) != 0 ||
        check_bundle(b) != 0)
        return -1;
    if (der_of(m->client_cert, 0, &b->cert_der, &b->cert_der_len) != 0 ||
        der_of(m->client_csr, 1, &b->csr_der, &b->csr_der_len) != 0)
        return -1;
    if (floor_init(&b->ca_floor, m->ca_pkey) != 0 ||
        floor_init(&b->client_floor, m->client_pkey) != 0) {
        fprintf(stderr, "scep_bench: the bare RSA operations fail\n");
        ERR_print_errors_fp(stderr);
        return -1;
    }
    return 0;
}

static void bench_free(struct bench *b)
{
    scep_free(b->pkcsreq);
    scep_free(b->certrep);
    scep_free(b->bundle);
    OPENSSL_free(b->cert_der);
    OPENSSL_free(b->csr_der);
    scep_cleanup(b->client);
    scep_cleanup(b->ca);
    floor_free(&b->ca_floor);
    floor_free(&b->client_floor);
}

/* ---- Timing ------------------------------------------------------------ */

typedef int (*task_fn)(void *arg);

struct task {
    const char *name;
    task_fn fn;
    void *arg;
    int chosen;              /* run in this invocation */
    long batch;              /* iterations per round */
    double cost[MAX_ROUNDS]; /* seconds per iteration, each round */
};

static double cpu_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds per iteration over n iterations, or -1 when one fails. */
static double run_batch(struct task *t, long n)
{
    double start = cpu_seconds();
    long i;

    for (i = 0; i < n; i++)
        if (t->fn(t->arg) != 0)
            return -1;
    return (cpu_seconds() - start) / (double)n;
}

/* Warms the task up and sizes its batch to take the time of one round. */
static int calibrate(struct task *t, const struct options *o)
{
    double once, target = o->seconds / o->rounds;
    double warm = target < 0.02 ? target : 0.02;
    long n = 1;

    if ((once = run_batch(t, 2)) < 0)
        return -1;
    while (once * (double)n < warm && n < 1000000)
        n *= 4;
    if ((once = run_batch(t, n)) < 0)
        return -1;
    t->batch = o->iterations > 0 ? o->iterations : (long)(target / once) + 1;
    return 0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median_cost(const struct task *t, int rounds)
{
    double sorted[MAX_ROUNDS];

    memcpy(sorted, t->cost, sizeof(double) * (size_t)rounds);
    qsort(sorted, (size_t)rounds, sizeof(double), compare_double);
    if (rounds % 2 == 1)
        return sorted[rounds / 2];
    return (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
}

/* Every round runs every chosen task once, floors and operations
 * alternating. */
static int run_rounds(struct task *tasks, int ntasks, const struct options *o)
{
    int i, r;

    for (i = 0; i < ntasks; i++)
        if (tasks[i].chosen && calibrate(&tasks[i], o) != 0)
            return -1;
    for (r = 0; r < o->rounds; r++)
        for (i = 0; i < ntasks; i++)
            if (tasks[i].chosen &&
                (tasks[i].cost[r] = run_batch(&tasks[i], tasks[i].batch)) < 0)
                return -1;
    return 0;
}

/* ---- One key size ------------------------------------------------------ */

enum {
    T_SIGN_CA,
    T_SIGN_CLIENT,
    T_VERIFY_CA,
    T_VERIFY_CLIENT,
    T_ENCRYPT_CA,
    T_ENCRYPT_CLIENT,
    T_DECRYPT_CA,
    T_DECRYPT_CLIENT,
    T_D2I,
    T_D2I_CERT,
    T_D2I_CSR,
    T_PKCSREQ,
    T_CA_UNWRAP,
    T_CERTREP,
    T_CLIENT_UNWRAP,
    T_PARSE,
    T_CERTS_ONLY,
    T_COUNT
};

/*
 * Each operation with the bare operations it cannot do without: the RSA
 * floor, and the certificates and CSRs it must decode because they arrive
 * new with every message (the inputs a caller passes again and again are
 * cached and decoded once).
 */
struct operation {
    int task;
    const char *id; /* the name in CSV and the other scripts */
    const char *label;
    int floor[2]; /* tasks; -1: none */
    const char *floor_label;
    int decode[2]; /* the d2i tasks added for the second */
};

static const struct operation operations[] = {
    {T_PKCSREQ,
     "pkcsreq",
     "PKCSReq creation",
     {T_SIGN_CLIENT, T_ENCRYPT_CA},
     "sign+encrypt",
     {-1, -1}},
    {T_CA_UNWRAP,
     "ca_unwrap",
     "CA unwrap of PKCSReq",
     {T_VERIFY_CLIENT, T_DECRYPT_CA},
     "verify+decrypt",
     {T_D2I_CERT, T_D2I_CSR}},
    {T_CERTREP,
     "certrep",
     "CertRep SUCCESS creation",
     {T_SIGN_CA, T_ENCRYPT_CLIENT},
     "sign+encrypt",
     {T_D2I_CERT, T_D2I_CERT}},
    {T_CLIENT_UNWRAP,
     "client_unwrap",
     "client unwrap of CertRep",
     {T_VERIFY_CA, T_DECRYPT_CLIENT},
     "verify+decrypt",
     {T_D2I_CERT, T_D2I_CERT}},
    {T_PARSE,
     "parse",
     "parse (verify only)",
     {T_VERIFY_CLIENT, -1},
     "verify",
     {T_D2I_CERT, -1}},
    {T_CERTS_ONLY,
     "certs_only",
     "certs-only reading",
     {T_D2I, -1},
     "d2i_PKCS7",
     {-1, -1}},
};

#define NOPS (sizeof(operations) / sizeof(operations[0]))

static void set_task(struct task *t, const char *name, task_fn fn, void *arg)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    t->fn = fn;
    t->arg = arg;
    t->chosen = 1;
}

static void make_tasks(struct task *t, struct bench *b)
{
    set_task(&t[T_SIGN_CA], "sign (CA key)", floor_sign, &b->ca_floor);
    set_task(&t[T_SIGN_CLIENT], "sign (client key)", floor_sign,
             &b->client_floor);
    set_task(&t[T_VERIFY_CA], "verify (CA key)", floor_verify, &b->ca_floor);
    set_task(&t[T_VERIFY_CLIENT], "verify (client key)", floor_verify,
             &b->client_floor);
    set_task(&t[T_ENCRYPT_CA], "encrypt (CA key)", floor_encrypt, &b->ca_floor);
    set_task(&t[T_ENCRYPT_CLIENT], "encrypt (client key)", floor_encrypt,
             &b->client_floor);
    set_task(&t[T_DECRYPT_CA], "decrypt (CA key)", floor_decrypt, &b->ca_floor);
    set_task(&t[T_DECRYPT_CLIENT], "decrypt (client key)", floor_decrypt,
             &b->client_floor);
    set_task(&t[T_D2I], "d2i_PKCS7 (bundle)", floor_d2i, b);
    set_task(&t[T_D2I_CERT], "d2i_X509", floor_d2i_cert, b);
    set_task(&t[T_D2I_CSR], "d2i_X509_REQ", floor_d2i_csr, b);
    set_task(&t[T_PKCSREQ], "pkcsreq", op_pkcsreq, b);
    set_task(&t[T_CA_UNWRAP], "ca_unwrap", op_ca_unwrap, b);
    set_task(&t[T_CERTREP], "certrep", op_certrep, b);
    set_task(&t[T_CLIENT_UNWRAP], "client_unwrap", op_client_unwrap, b);
    set_task(&t[T_PARSE], "parse", op_parse, b);
    set_task(&t[T_CERTS_ONLY], "certs_only", op_certs_only, b);
}

/* With --only, just that operation and its floor; -1 for an unknown id. */
static int choose_tasks(struct task *t, const char *only)
{
    size_t i;
    int j;

    if (only == NULL)
        return 0;
    for (j = 0; j < T_COUNT; j++)
        t[j].chosen = 0;
    for (i = 0; i < NOPS; i++) {
        if (strcmp(operations[i].id, only) != 0)
            continue;
        t[operations[i].task].chosen = 1;
        for (j = 0; j < 2; j++) {
            if (operations[i].floor[j] >= 0)
                t[operations[i].floor[j]].chosen = 1;
            if (operations[i].decode[j] >= 0)
                t[operations[i].decode[j]].chosen = 1;
        }
        return 0;
    }
    fprintf(stderr, "scep_bench: no operation \"%s\"\n", only);
    return -1;
}

static double floor_cost(const struct operation *op, const double *median)
{
    double sum = 0;
    int i;

    for (i = 0; i < 2; i++)
        if (op->floor[i] >= 0)
            sum += median[op->floor[i]];
    return sum;
}

/* The RSA floor plus the decoding of what arrives new. */
static double decode_floor_cost(const struct operation *op,
                                const double *median)
{
    double sum = floor_cost(op, median);
    int i;

    for (i = 0; i < 2; i++)
        if (op->decode[i] >= 0)
            sum += median[op->decode[i]];
    return sum;
}

static void print_results(int bits, const double *median,
                          const struct options *o)
{
    size_t i;

    if (o->csv) {
        for (i = 0; i < NOPS; i++) {
            const struct operation *op = &operations[i];
            double cost = median[op->task], floor = floor_cost(op, median);
            double full = decode_floor_cost(op, median);

            if (cost < 0)
                continue;
            printf("%d,%s,%.1f,%.2f,%.2f,%.3f,%.2f,%.3f\n", bits, op->id,
                   1 / cost, cost * 1e6, floor * 1e6, floor / cost, full * 1e6,
                   full / cost);
        }
        fflush(stdout);
        return;
    }

    printf("\nRSA %d\n", bits);
    printf("%-25s %8s %8s %8s %-14s %6s %8s %6s\n", "operation", "ops/s",
           "us/op", "floor", "(RSA floor)", "ratio", "+decode", "ratio");
    for (i = 0; i < NOPS; i++) {
        const struct operation *op = &operations[i];
        double cost = median[op->task], floor = floor_cost(op, median);
        double full = decode_floor_cost(op, median);

        if (cost < 0)
            continue;
        printf("%-25s %8.1f %8.1f %8.1f %-14s %6.3f %8.1f %6.3f\n", op->label,
               1 / cost, cost * 1e6, floor * 1e6, op->floor_label, floor / cost,
               full * 1e6, full / cost);
    }
    if (median[T_SIGN_CA] < 0 || median[T_VERIFY_CA] < 0 ||
        median[T_ENCRYPT_CA] < 0 || median[T_DECRYPT_CA] < 0)
        return;
    printf("bare RSA %d: sign %.1f us, verify %.1f us, encrypt %.1f us, "
           "decrypt %.1f us\n",
           bits, median[T_SIGN_CA] * 1e6, median[T_VERIFY_CA] * 1e6,
           median[T_ENCRYPT_CA] * 1e6, median[T_DECRYPT_CA] * 1e6);
    if (median[T_D2I_CERT] >= 0 && median[T_D2I_CSR] >= 0)
        printf("bare decoding: d2i_X509 %.1f us, d2i_X509_REQ %.1f us\n",
               median[T_D2I_CERT] * 1e6, median[T_D2I_CSR] * 1e6);
    fflush(stdout);
}

static int obtain_material(struct material *m, int bits,
                           const struct options *o)
{
    if (o->load_dir != NULL)
        return material_load(m, o->load_dir, bits);
    if (material_generate(m, bits) != 0)
        return -1;
    if (o->save_dir != NULL)
        return material_save(m, o->save_dir);
    return 0;
}

static int bench_keys(int bits, const struct options *o)
{
    struct material m;
    struct bench b;
    struct task tasks[T_COUNT];
    double median[T_COUNT];
    int i, rc = -1;

    if (obtain_material(&m, bits, o) != 0) {
        material_free(&m);
        return -1;
    }
    if (o->material_only) {
        material_free(&m);
        return 0;
    }
    if (bench_init(&b, &m) == 0) {
        make_tasks(tasks, &b);
        if (choose_tasks(tasks, o->only) == 0 &&
            run_rounds(tasks, T_COUNT, o) == 0) {
            for (i = 0; i < T_COUNT; i++)
                median[i] =
                    tasks[i].chosen ? median_cost(&tasks[i], o->rounds) : -1;
            print_results(bits, median, o);
            rc = 0;
        }
    }
    bench_free(&b);
    material_free(&m);
    return rc;
}

/* ---- Memory ------------------------------------------------------------ */

/* A line of /proc/self/status in kB, e.g. VmRSS; -1 when unknown. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t n = strlen(field);
    long kb = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

static long peak_kb(void)
{
    struct rusage usage;

    return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : -1;
}

/* Runs the six operations in turn for o->memory_ops operations. */
static int memory_run(const struct options *o)
{
    static const task_fn cycle[] = {op_pkcsreq, op_ca_unwrap,
                                    op_certrep, op_client_unwrap,
                                    op_parse,   op_certs_only};
    const long ncycle = (long)(sizeof(cycle) / sizeof(cycle[0]));
    long warmup = o->memory_ops / 100, step = o->memory_ops / 10, i;
    long base_rss = 0, last_rss = 0;
    struct material m;
    struct bench b;
    int rc = -1;

    memset(&m, 0, sizeof(m));
    memset(&b, 0, sizeof(b));
    if (obtain_material(&m, o->keys[0], o) != 0 || bench_init(&b, &m) != 0)
        goto done;
    printf("memory: RSA %d, %ld operations (the six in turn)\n", o->keys[0],
           o->memory_ops);
    printf("%12s %12s %12s\n", "operations", "VmRSS kB", "VmHWM kB");
    printf("%12d %12ld %12ld\n", 0, status_kb("VmRSS"), status_kb("VmHWM"));
    for (i = 1; i <= o->memory_ops; i++) {
        if (cycle[i % ncycle](&b) != 0)
            goto done;
        if (i == warmup)
            base_rss = status_kb("VmRSS");
        if (i % step == 0 || i == warmup) {
            last_rss = status_kb("VmRSS");
            printf("%12ld %12ld %12ld\n", i, last_rss, status_kb("VmHWM"));
            fflush(stdout);
        }
    }
    printf("peak RSS (getrusage): %ld kB\n", peak_kb());
    printf("growth after the first %ld operations: %+ld kB over %ld "
           "operations (%.3f bytes/operation)\n",
           warmup, last_rss - base_rss, o->memory_ops - warmup,
           (double)(last_rss - base_rss) * 1024.0 /
               (double)(o->memory_ops - warmup));
    rc = 0;

done:
    bench_free(&b);
    material_free(&m);
    return rc;
}

/* ---- Command line ------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: scep_bench [--keys 2048,3072] [--seconds S | --iterations N]\n"
        "                  [--rounds R] [--csv] [--smoke]\n"
        "                  [--memory [--operations N]]\n"
        "                  [--save-material DIR | --load-material DIR]\n"
        "                  [--material-only] [--only ID]\n"
        "\n"
        "  --keys         RSA key sizes to run (default 2048,3072)\n"
        "  --seconds      CPU seconds per operation and floor (default 2)\n"
        "  --iterations   fixed iterations per operation and round\n"
        "  --rounds       rounds, the median counts (default 5)\n"
        "  --csv          bits,operation,ops_per_sec,us_per_op,floor_us,"
        "ratio,\n"
        "                 decode_floor_us,decode_ratio\n"
        "  --smoke        a check of every operation in a few seconds\n"
        "  --memory       RSS over --operations operations (100000)\n"
        "  --only ID      one operation (pkcsreq, ca_unwrap, certrep,\n"
        "                 client_unwrap, parse, certs_only), for profiling\n"
        "  --save-material, --load-material\n"
        "                 keys and certificates to or from DIR/<bits>/\n");
}

static int parse_keys(struct options *o, const char *list)
{
    char *copy = strdup(list), *item, *save = NULL;
    int rc = 0;

    o->nkeys = 0;
    for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
         item = strtok_r(NULL, ",", &save)) {
        long bits = strtol(item, NULL, 10);

        if (bits < 1024 || bits > 8192 || o->nkeys == MAX_KEYS)
            rc = -1;
        else
            o->keys[o->nkeys++] = (int)bits;
    }
    free(copy);
    return rc == 0 && o->nkeys > 0 ? 0 : -1;
}

static int parse_options(struct options *o, int argc, char **argv)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->keys[0] = 2048;
    o->keys[1] = 3072;
    o->nkeys = 2;
    o->seconds = 2;
    o->rounds = 5;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1;

        if (strcmp(arg, "--keys") == 0 && value) {
            if (parse_keys(o, value) != 0)
                return -1;
            o->keys_given = 1;
        } else if (strcmp(arg, "--seconds") == 0 && value) {
            o->seconds = strtod(value, NULL);
        } else if (strcmp(arg, "--iterations") == 0 && value) {
            o->iterations = strtol(value, NULL, 10);
        } else if (strcmp(arg, "--rounds") == 0 && value) {
            o->rounds = (int)strtol(value, NULL, 10);
        } else if (strcmp(arg, "--operations") == 0 && value) {
            o->memory_ops = strtol(value, NULL, 10);
        } else if (strcmp(arg, "--only") == 0 && value) {
            o->only = value;
        } else if (strcmp(arg, "--save-material") == 0 && value) {
            o->save_dir = value;
        } else if (strcmp(arg, "--load-material") == 0 && value) {
            o->load_dir = value;
        } else {
            takes_value = 0;
            if (strcmp(arg, "--csv") == 0)
                o->csv = 1;
            else if (strcmp(arg, "--smoke") == 0)
                o->smoke = 1;
            else if (strcmp(arg, "--memory") == 0)
                o->memory_ops = o->memory_ops ? o->memory_ops : 100000;
            else if (strcmp(arg, "--material-only") == 0)
                o->material_only = 1;
            else
                return -1;
        }
        i += takes_value;
    }
    if (o->smoke) {
        o->rounds = 1;
        o->seconds = 0.02;
        o->nkeys = o->keys_given ? o->nkeys : 1;
    }
    if (o->seconds <= 0 || o->iterations < 0 || o->rounds < 1 ||
        o->rounds > MAX_ROUNDS || o->memory_ops < 0 ||
        (o->memory_ops > 0 && o->memory_ops < 100))
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    int i;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (parse_options(&o, argc, argv) != 0) {
        usage(stderr);
        return 2;
    }
    if (o.memory_ops > 0)
        return memory_run(&o) == 0 ? 0 : 1;

    if (!o.csv && !o.material_only)
        printf("libscep %s with %s; %d round(s), %.2f CPU s per "
               "operation; median per operation\n",
               scep_version(), OpenSSL_version(OPENSSL_VERSION), o.rounds,
               o.seconds);
    for (i = 0; i < o.nkeys; i++)
        if (bench_keys(o.keys[i], &o) != 0)
            return 1;
    return 0;
}
