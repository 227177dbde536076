/*
 * Private declarations shared by the files of src/.  Nothing here is part
 * of the ABI; include/scep.h is.
 */
#ifndef SCEP_INTERNAL_H
#define SCEP_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "scep.h"

#define SCEP_ERROR_SIZE 1024
#define SCEP_CACHE_SLOTS 16

/* SCEP messageType values (RFC 8894 section 3.2.1.2). */
enum {
    SCEP_TYPE_CERTREP = 3,
    SCEP_TYPE_RENEWALREQ = 17,
    SCEP_TYPE_PKCSREQ = 19,
    SCEP_TYPE_GETCERTINITIAL = 20,
    SCEP_TYPE_GETCERT = 21,
    SCEP_TYPE_GETCRL = 22,
    SCEP_TYPE_CERTSONLY = -1     /* not SCEP: a GetCACert bundle */
};

/* pkiStatus values. */
enum {
    SCEP_PKISTATUS_SUCCESS = 0,
    SCEP_PKISTATUS_FAILURE = 2,
    SCEP_PKISTATUS_PENDING = 3
};

struct scep_key_cache_entry {
    unsigned char fingerprint[32];    /* SHA-256 of the input text */
    int kind;                         /* enum scep_cache_kind */
    void *object;                     /* EVP_PKEY or X509, one reference */
};

struct scep_handle {
    int status;
    char error[SCEP_ERROR_SIZE];

    const EVP_MD *sigalg;              /* NULL: default */
    const EVP_CIPHER *encalg;          /* NULL: default */
    char *sigalg_name;
    char *encalg_name;

    char *password;                    /* cleansed on free */
    char *password_env;
    int output_format;

    int log_level;
    FILE *log_file;
    scep_log_callback log_fn;
    void *log_userdata;

    struct scep_pkcs11 *pkcs11;       /* NULL unless configured */

    struct scep_key_cache_entry cache[SCEP_CACHE_SLOTS];
    unsigned cache_next;
};

struct scep_message {
    int status;
    char error[SCEP_ERROR_SIZE];

    int type;                          /* SCEP_TYPE_* */
    char *type_name;
    char *transaction_id;
    int pki_status;                    /* -1 when absent */
    int fail_info;                     /* -1 when absent */
    char *fail_info_text;
    unsigned char *sender_nonce;
    size_t sender_nonce_len;
    unsigned char *recipient_nonce;
    size_t recipient_nonce_len;
    char *digest;
    char *cipher;
    int verified;
    int unwrapped;

    X509 *signer;                      /* the certificate that signed */
    STACK_OF(X509) *certs;             /* decoded content, issued first */
    X509_CRL *crl;
    X509_REQ *csr;
    X509_NAME *subject;
    X509_NAME *issuer;
    ASN1_INTEGER *serial;

    /* Text made on demand by the accessors, freed with the message. */
    char *text_signer;
    char *text_csr;
    char *text_certs;
    char *text_crl;
    char *text_subject;
    char *text_issuer;
    char *text_serial;
    char *text_challenge;
    char *text_ca;
    char *text_ra_sign;
    char *text_ra_enc;
};

/* ---- handle.c: errors, logging, algorithms -------------------------- */

int scep_fail(SCEP *h, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void scep_ok(SCEP *h);
void scep_log(SCEP *h, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int scep_message_fail(SCEP_MESSAGE *m, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends OpenSSL's error queue to the handle's message and clears it. */
void scep_drain_openssl(char *error, size_t size);

int scep_need_legacy(SCEP *h);
const EVP_MD *scep_digest_by_name(SCEP *h, const char *name);
const EVP_CIPHER *scep_cipher_by_name(SCEP *h, const char *name);
const EVP_MD *scep_request_digest(SCEP *h);
const EVP_CIPHER *scep_request_cipher(SCEP *h);
/* Lower-case OpenSSL short name of a digest or cipher NID. */
char *scep_algorithm_name(int nid);

/* ---- io.c: reading inputs, writing outputs -------------------------- */

int scep_decode_message(SCEP *h, const unsigned char *data, size_t len,
                        unsigned char **der, size_t *der_len);
int scep_check_ber(SCEP *h, const unsigned char *der, size_t len);
/* The size and nesting limits for a key, certificate, CSR or CRL given as
 * PEM or base64 text, checked before OpenSSL decodes it. */
int scep_check_text(SCEP *h, const char *text, const char *what);
EVP_PKEY *scep_load_key(SCEP *h, const char *text, const char *what);
X509 *scep_load_cert(SCEP *h, const char *text, const char *what);
STACK_OF(X509) *scep_load_certs(SCEP *h, const char *text,
                                const char *what);
X509_REQ *scep_load_csr(SCEP *h, const char *text);
void scep_keep_csr(SCEP *h, const char *text, X509_REQ *csr);
/* The CSR's self-signature: the requester's proof that it holds the key
 * to be certified. */
int scep_check_csr_signature(SCEP *h, X509_REQ *csr);
X509_CRL *scep_load_crl(SCEP *h, const char *text);
int scep_output_p7(SCEP *h, PKCS7 *p7, unsigned char **out,
                   size_t *out_len);
char *scep_cert_pem(const X509 *cert);
char *scep_certs_pem(STACK_OF(X509) *certs);
char *scep_csr_pem(const X509_REQ *csr);
char *scep_crl_pem(const X509_CRL *crl);
char *scep_oneline(const X509_NAME *name);
char *scep_serial_text(const ASN1_INTEGER *serial);
char *scep_strdup(const char *s);
void scep_cache_clear(SCEP *h);

/* ---- attributes.c: the SCEP signed attributes ------------------------ */

int scep_add_string_attribute(PKCS7_SIGNER_INFO *si, const char *oid,
                              int asn1_type, const char *value);
int scep_add_octet_attribute(PKCS7_SIGNER_INFO *si, const char *oid,
                             const unsigned char *value, size_t len);
/* 1 found, 0 absent, -1 present but wrong; *out allocated. */
int scep_read_string_attribute(PKCS7_SIGNER_INFO *si, const char *oid,
                               char **out);
int scep_read_octet_attribute(PKCS7_SIGNER_INFO *si, const char *oid,
                              unsigned char **out, size_t *len);
/* True when text holds a C0 control character or DEL. */
int scep_has_control(const char *text);

#define SCEP_OID_MESSAGE_TYPE "2.16.840.1.113733.1.9.2"
#define SCEP_OID_PKI_STATUS "2.16.840.1.113733.1.9.3"
#define SCEP_OID_FAIL_INFO "2.16.840.1.113733.1.9.4"
#define SCEP_OID_SENDER_NONCE "2.16.840.1.113733.1.9.5"
#define SCEP_OID_RECIPIENT_NONCE "2.16.840.1.113733.1.9.6"
#define SCEP_OID_TRANSACTION_ID "2.16.840.1.113733.1.9.7"
#define SCEP_OID_FAIL_INFO_TEXT "1.3.6.1.5.5.7.24.1"

const char *scep_type_name(int type);
const char *scep_status_text(int pki_status);
const char *scep_fail_info_name(int fail_info);
int scep_fail_info_by_name(const char *name);

/* ---- build.c / parse.c ---------------------------------------------- */

/* What a reply needs to know of its request. */
struct scep_reply_basis {
    const char *transaction_id;
    const unsigned char *nonce;
    size_t nonce_len;
    X509 *recipient;                   /* SUCCESS only */
    const EVP_MD *digest;              /* NULL: handle or default */
    const EVP_CIPHER *cipher;
};

SCEP_MESSAGE *scep_message_new(void);
/* The SignedData's content decoded as PKCS#7; *present: was there any. */
PKCS7 *scep_inner_p7(PKCS7 *p7, int *present);
SCEP_MESSAGE *scep_read_message(SCEP *h, const unsigned char *data,
                                size_t len, X509 *verify_cert,
                                PKCS7 **p7_out);

/* ---- pkcs11.c -------------------------------------------------------- */

struct scep_pkcs11;
int scep_pkcs11_is_reference(SCEP *h, const char *text);
/* A bare hex key id, whether or not a token is configured. */
int scep_pkcs11_looks_like_id(const char *text);
EVP_PKEY *scep_pkcs11_load_key(SCEP *h, const char *reference,
                               const char *what);
X509 *scep_pkcs11_load_cert(SCEP *h, const char *reference,
                            const char *what);
void scep_pkcs11_free(struct scep_pkcs11 *p);

#endif /* SCEP_INTERNAL_H */
