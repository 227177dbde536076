/*
 * libscep - the Simple Certificate Enrollment Protocol (RFC 8894)
 *
 * This is the whole public interface.  It names no OpenSSL type: keys,
 * certificates, requests and messages cross it as PEM text or as bytes with
 * an explicit length, and everything the library returns is owned by the
 * caller (free it with scep_free()) or by the object it came from (valid
 * until that object is freed).
 *
 * Conventions:
 *
 *  - Functions returning int give 0 on success and -1 on failure; functions
 *    returning a pointer give NULL on failure.  After a failure,
 *    scep_last_status() and scep_last_error() on the handle (or
 *    scep_message_last_status() / scep_message_last_error() on a message)
 *    say what went wrong.
 *  - Key, certificate, CSR and CRL arguments are NUL-terminated strings:
 *    PEM, or DER encoded as base64.  Several certificates are concatenated
 *    PEM.  Only NULL means an optional argument is absent; an empty
 *    string is an error, never a silent "none".  A private key may also be a PKCS#11 reference once the handle has
 *    a token configured (see scep_set_pkcs11()).
 *  - SCEP messages go in as bytes + length: DER, BER, PEM or base64 in any
 *    of the spellings deployed clients send; the format is detected.
 *  - Messages the library builds come out as PEM (the default) or DER, as
 *    chosen with scep_set_output_format(); a PEM result is also
 *    NUL-terminated.
 *  - A handle is used by one thread at a time.  Separate handles share no
 *    mutable state.
 *
 * Copyright the libscep authors.  Licensed under the Apache License 2.0.
 */
#ifndef SCEP_H
#define SCEP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(SWIG)
#define SCEP_EXTERN __attribute__((visibility("default")))
#else
#define SCEP_EXTERN
#endif

#define SCEP_VERSION_MAJOR 1
#define SCEP_VERSION_MINOR 0
#define SCEP_VERSION_PATCH 0
#define SCEP_VERSION_STRING "1.0.0"

/* The version of the library actually loaded, e.g. "1.0.0". */
SCEP_EXTERN const char *scep_version(void);

typedef struct scep_handle SCEP;
typedef struct scep_message SCEP_MESSAGE;

/* Stable status codes.  New codes may be added; numbers never change. */
typedef enum {
    SCEP_OK = 0,
    SCEP_ERR_ARGUMENT = 1,   /* a missing or malformed argument */
    SCEP_ERR_MEMORY = 2,     /* out of memory */
    SCEP_ERR_FORMAT = 3,     /* input is not PEM, DER or base64 of the
                                expected kind */
    SCEP_ERR_KEY = 4,        /* a private key cannot be read or used */
    SCEP_ERR_CERT = 5,       /* a certificate, CSR or CRL cannot be read */
    SCEP_ERR_ALGORITHM = 6,  /* unknown or unavailable algorithm */
    SCEP_ERR_ATTRIBUTE = 7,  /* a SCEP attribute is missing or wrong */
    SCEP_ERR_VERIFY = 8,     /* the signature does not verify */
    SCEP_ERR_DECRYPT = 9,    /* the envelope cannot be opened */
    SCEP_ERR_CONTENT = 10,   /* the payload is wrong for the message type */
    SCEP_ERR_STATE = 11,     /* the message has no such value */
    SCEP_ERR_LIMIT = 12,     /* input exceeds a documented limit */
    SCEP_ERR_IO = 13,        /* a file could not be opened or written */
    SCEP_ERR_PKCS11 = 14,    /* a PKCS#11 module, token or key failed */
    SCEP_ERR_INTERNAL = 15   /* OpenSSL failed where it should not */
} scep_status;

/* The name of a status code, e.g. "SCEP_ERR_VERIFY". */
SCEP_EXTERN const char *scep_status_name(int status);

/* Limits enforced on input before OpenSSL decodes it. */
#define SCEP_MAX_MESSAGE_SIZE (1024 * 1024)
#define SCEP_MAX_NESTING_DEPTH 32

/* ---- Handle ---------------------------------------------------------- */

/* NULL only when memory is exhausted. */
SCEP_EXTERN SCEP *scep_create_handle(void);

/* Frees the handle and everything it caches; accepts NULL. */
SCEP_EXTERN void scep_cleanup(SCEP *handle);

SCEP_EXTERN int scep_last_status(const SCEP *handle);
/* "" when the last call succeeded; owned by the handle. */
SCEP_EXTERN const char *scep_last_error(const SCEP *handle);

/*
 * The signing digest (md5, sha1, sha224, sha256, sha384, sha512) and the
 * content cipher (des, des3, aes128, aes192, aes256, and OpenSSL spellings
 * such as des-cbc, des-ede3-cbc, aes-256-cbc).  NULL restores the default:
 * SHA-256 and AES-128 for requests, the request's own algorithms for
 * replies.
 */
SCEP_EXTERN int scep_set_sigalg(SCEP *handle, const char *digest);
SCEP_EXTERN int scep_set_encalg(SCEP *handle, const char *cipher);
/* The configured names, or NULL when the default applies. */
SCEP_EXTERN const char *scep_get_sigalg(const SCEP *handle);
SCEP_EXTERN const char *scep_get_encalg(const SCEP *handle);

/*
 * Password for encrypted PEM private keys: given, read from an environment
 * variable at the time a key is loaded, or none (NULL).  The library keeps
 * its own copy and cleanses it when replaced or freed.
 */
SCEP_EXTERN int scep_set_key_password(SCEP *handle, const char *password);
SCEP_EXTERN int scep_set_key_password_env(SCEP *handle, const char *variable);

typedef enum {
    SCEP_FORMAT_PEM = 0,
    SCEP_FORMAT_DER = 1
} scep_format;

/* The form of messages the handle builds. */
SCEP_EXTERN int scep_set_output_format(SCEP *handle, int format);

/* ---- Logging (silent unless asked) ------------------------------------ */

typedef enum {
    SCEP_LOG_NONE = 0,
    SCEP_LOG_FATAL = 1,
    SCEP_LOG_ERROR = 2,
    SCEP_LOG_WARN = 3,
    SCEP_LOG_INFO = 4,
    SCEP_LOG_DEBUG = 5
} scep_log_level;

typedef void (*scep_log_callback)(void *userdata, int level,
                                  const char *line);

SCEP_EXTERN int scep_set_log_level(SCEP *handle, int level);
/* Appends to the file; NULL closes it. */
SCEP_EXTERN int scep_set_log_file(SCEP *handle, const char *path);
/* Replaces the file; NULL removes the callback. */
SCEP_EXTERN int scep_set_log_callback(SCEP *handle, scep_log_callback fn,
                                      void *userdata);

/* ---- PKCS#11 keys ------------------------------------------------------ */

/*
 * Takes private keys from a PKCS#11 token through libp11.  module_path
 * names the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so); NULL
 * removes the handle's token.  The token is chosen by label, or by slot
 * index (0 for the first slot the module lists) when token_label is NULL
 * and slot >= 0, or is the first initialised token when neither is given.
 * A PIN given here logs in at once, so a wrong PIN fails this call.  With
 * pin NULL the PIN comes from the variable scep_set_pkcs11_pin_env()
 * names (before or after this call): read here when it is set, else when
 * a key is first needed.  The library keeps its own copy of a given PIN,
 * cleanses it when freed, and never writes a PIN to an error or log.  On
 * failure the handle is left with no token at all.
 *
 * After this call a private-key argument may be:
 *  - a PKCS#11 URI (RFC 7512) such as "pkcs11:id=%01%ab;type=private" or
 *    "pkcs11:token=ca;object=signer": id, object (the label) and type
 *    choose the key; token, manufacturer, serial, model and slot-* choose
 *    another token of the same module (logged in with the same PIN);
 *    query attributes (after '?') are refused;
 *  - a bare hex key id such as "01ab" or "FFFF": up to 128 hex digits, an
 *    even number, and nothing else.  Such a text cannot be a key: PEM has
 *    its armour, and base64 of DER always starts with 'M' (the SEQUENCE
 *    tag).  Hex ids are recognised only on a handle with a token;
 *    elsewhere they fail as unreadable keys.
 * A certificate argument may be a "pkcs11:" URI of a certificate object
 * ("pkcs11:id=%01;type=cert").  PEM and base64 keys keep working as before.
 *
 * A module is loaded once per process and shared by every handle that
 * names it (PKCS#11 allows no other way); it is unloaded when the last of
 * them is freed.  A token's login is shared the same way, and a handle
 * whose PIN differs from the one the token was opened with is refused.
 */
SCEP_EXTERN int scep_set_pkcs11(SCEP *handle, const char *module_path,
                                const char *pin, const char *token_label,
                                int slot);
/* Reads the PIN from this environment variable from now on, in place of
 * a PIN given before; NULL forgets the variable. */
SCEP_EXTERN int scep_set_pkcs11_pin_env(SCEP *handle, const char *variable);

/* ---- Building messages ----------------------------------------------- */

/*
 * Every builder signs with signer_key and signer_cert.  Requests encrypt
 * to enc_cert, the CA or RA encryption certificate.  On success *out holds
 * the message (free with scep_free()) and *out_len its length.
 */

/* PKCSReq for a CSR.  RenewalReq is the same, signed with an existing
 * certificate. */
SCEP_EXTERN int scep_pkcsreq(SCEP *handle, const char *signer_key,
                             const char *signer_cert, const char *enc_cert,
                             const char *csr, unsigned char **out,
                             size_t *out_len);
SCEP_EXTERN int scep_renewalreq(SCEP *handle, const char *signer_key,
                                const char *signer_cert,
                                const char *enc_cert, const char *csr,
                                unsigned char **out, size_t *out_len);

/* GetCertInitial (CertPoll) for the CSR sent before, to the issuer. */
SCEP_EXTERN int scep_getcertinitial(SCEP *handle, const char *signer_key,
                                    const char *signer_cert,
                                    const char *enc_cert, const char *csr,
                                    const char *issuer_cert,
                                    unsigned char **out, size_t *out_len);

/* GetCert for the certificate with this serial (decimal or 0x-hex). */
SCEP_EXTERN int scep_getcert(SCEP *handle, const char *signer_key,
                             const char *signer_cert, const char *enc_cert,
                             const char *issuer_cert, const char *serial,
                             unsigned char **out, size_t *out_len);

/* GetCRL for the CRL that covers cert. */
SCEP_EXTERN int scep_getcrl(SCEP *handle, const char *signer_key,
                            const char *signer_cert, const char *enc_cert,
                            const char *cert, unsigned char **out,
                            size_t *out_len);

/*
 * CertRep replies.  The first form of each reads what it needs from the
 * request message (transactionID, senderNonce, algorithms and, for
 * SUCCESS, the certificate to encrypt to); the _wop7 form takes those
 * parts directly.  Each reply has a fresh senderNonce and the request's
 * senderNonce as recipientNonce.
 */
SCEP_EXTERN int scep_create_pending_reply(SCEP *handle,
                                          const char *signer_key,
                                          const char *signer_cert,
                                          const unsigned char *request,
                                          size_t request_len,
                                          unsigned char **out,
                                          size_t *out_len);
SCEP_EXTERN int scep_create_pending_reply_wop7(
    SCEP *handle, const char *signer_key, const char *signer_cert,
    const char *transaction_id, const unsigned char *request_nonce,
    size_t request_nonce_len, unsigned char **out, size_t *out_len);

/* fail_info: badAlg, badMessageCheck, badRequest, badTime or badCertId. */
SCEP_EXTERN int scep_create_error_reply(SCEP *handle, const char *signer_key,
                                        const char *signer_cert,
                                        const unsigned char *request,
                                        size_t request_len,
                                        const char *fail_info,
                                        unsigned char **out,
                                        size_t *out_len);
SCEP_EXTERN int scep_create_error_reply_wop7(
    SCEP *handle, const char *signer_key, const char *signer_cert,
    const char *transaction_id, const unsigned char *request_nonce,
    size_t request_nonce_len, const char *fail_info, unsigned char **out,
    size_t *out_len);

/* certs: the issued certificate first, then any chain, as PEM. */
SCEP_EXTERN int scep_create_certificate_reply(
    SCEP *handle, const char *signer_key, const char *signer_cert,
    const unsigned char *request, size_t request_len, const char *certs,
    unsigned char **out, size_t *out_len);
SCEP_EXTERN int scep_create_certificate_reply_wop7(
    SCEP *handle, const char *signer_key, const char *signer_cert,
    const char *transaction_id, const unsigned char *request_nonce,
    size_t request_nonce_len, const char *enc_cert, const char *certs,
    unsigned char **out, size_t *out_len);

SCEP_EXTERN int scep_create_crl_reply(SCEP *handle, const char *signer_key,
                                      const char *signer_cert,
                                      const unsigned char *request,
                                      size_t request_len, const char *crl,
                                      unsigned char **out, size_t *out_len);
SCEP_EXTERN int scep_create_crl_reply_wop7(
    SCEP *handle, const char *signer_key, const char *signer_cert,
    const char *transaction_id, const unsigned char *request_nonce,
    size_t request_nonce_len, const char *enc_cert, const char *crl,
    unsigned char **out, size_t *out_len);

/*
 * A certs-only SignedData holding every certificate of chain: the
 * GetCACert answer when signer_key and signer_cert are NULL, the signed
 * GetNextCACert answer when they are given.
 */
SCEP_EXTERN int scep_create_certs_only(SCEP *handle, const char *chain,
                                       const char *signer_key,
                                       const char *signer_cert,
                                       unsigned char **out, size_t *out_len);
SCEP_EXTERN int scep_create_nextca_reply(SCEP *handle, const char *chain,
                                         const char *signer_cert,
                                         const char *signer_key,
                                         unsigned char **out,
                                         size_t *out_len);

/* Frees anything the library returned through an out parameter. */
SCEP_EXTERN void scep_free(void *buffer);

/* ---- Reading messages ------------------------------------------------ */

/*
 * parse: reads the SignedData and its SCEP attributes and verifies the
 * signature.  Nothing is decrypted.  verify_cert (may be NULL) is the
 * certificate the caller trusts:
 *  - a CertRep given a verify_cert must be signed by exactly that
 *    certificate (the CA's, or the RA signing certificate when the
 *    server has an RA); without one, it is verified against the signer
 *    certificate it includes, which proves integrity, not origin;
 *  - a request is verified against the signer certificate it includes
 *    (verify_cert is used instead only when it is that signer).
 * A signature that does not verify is always an error.
 *
 * unwrap: parse (sig_cert playing the part of verify_cert), then decrypt
 * with enc_cert and enc_key and decode the content according to the
 * message type.  FAILURE and PENDING replies are never decrypted, so they
 * need no key.
 *
 * The message does not refer to the handle afterwards: either may be
 * freed first.
 */
SCEP_EXTERN SCEP_MESSAGE *scep_parse(SCEP *handle, const unsigned char *data,
                                     size_t len, const char *verify_cert);
SCEP_EXTERN SCEP_MESSAGE *scep_unwrap(SCEP *handle,
                                      const unsigned char *data, size_t len,
                                      const char *sig_cert,
                                      const char *enc_cert,
                                      const char *enc_key);

/*
 * A GetCACert or GetNextCACert answer: one DER/PEM certificate or a
 * certs-only SignedData.  Read with scep_get_cert(),
 * scep_get_ca_cert(), scep_get_ra_signing_cert() and
 * scep_get_ra_encryption_cert(); scep_get_message_type() says
 * "CertsOnly".
 */
SCEP_EXTERN SCEP_MESSAGE *scep_read_ca_certs(SCEP *handle,
                                             const unsigned char *data,
                                             size_t len);

SCEP_EXTERN void scep_message_free(SCEP_MESSAGE *message);

SCEP_EXTERN int scep_message_last_status(const SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_message_last_error(const SCEP_MESSAGE *message);

/* ---- Accessors ------------------------------------------------------- */

/*
 * Strings are owned by the message.  A value the message does not have
 * (failInfo of a SUCCESS reply, the CSR of a message only parsed) gives
 * NULL and an SCEP_ERR_STATE error naming what is missing.
 */
SCEP_EXTERN const char *scep_get_transaction_id(SCEP_MESSAGE *message);
/* PKCSReq, RenewalReq, CertRep, GetCertInitial, GetCert, GetCRL. */
SCEP_EXTERN const char *scep_get_message_type(SCEP_MESSAGE *message);
/* SUCCESS, FAILURE or PENDING. */
SCEP_EXTERN const char *scep_get_pki_status(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_fail_info(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_fail_info_text(SCEP_MESSAGE *message);

/* Raw nonces, copied to *out (free with scep_free()). */
SCEP_EXTERN int scep_get_sender_nonce(SCEP_MESSAGE *message,
                                      unsigned char **out, size_t *out_len);
SCEP_EXTERN int scep_get_recipient_nonce(SCEP_MESSAGE *message,
                                         unsigned char **out,
                                         size_t *out_len);

/* The algorithms the message was made with, as OpenSSL short names. */
SCEP_EXTERN const char *scep_get_digest(SCEP_MESSAGE *message);
/* The envelope's cipher, read from its algorithm identifier (no
 * decryption needed); messages without an envelope have none. */
SCEP_EXTERN const char *scep_get_cipher(SCEP_MESSAGE *message);

/* 1 when the signature was checked and verified. */
SCEP_EXTERN int scep_get_signature_verified(SCEP_MESSAGE *message);

/* PEM, as openssl x509 / req / crl print it. */
SCEP_EXTERN const char *scep_get_signer_cert(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_pkcs10(SCEP_MESSAGE *message);
/* All certificates of a SUCCESS reply or bundle, issued one first. */
SCEP_EXTERN const char *scep_get_cert(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_crl(SCEP_MESSAGE *message);

/* One-line names (/C=DE/O=Example/CN=host): the subject of a PKCSReq's
 * CSR or a GetCertInitial; the issuer of GetCertInitial, GetCert and
 * GetCRL. */
SCEP_EXTERN const char *scep_get_subject(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_issuer(SCEP_MESSAGE *message);
/* The serial of GetCert / GetCRL: decimal below 2^128, 0x-hex above. */
SCEP_EXTERN const char *scep_get_getcert_serial(SCEP_MESSAGE *message);

/* The challengePassword of a PKCSReq's CSR, if it has one. */
SCEP_EXTERN const char *scep_get_challenge_password(SCEP_MESSAGE *message);

/* Certs-only bundles: chosen by key usage, not by order. */
SCEP_EXTERN const char *scep_get_ca_cert(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_ra_signing_cert(SCEP_MESSAGE *message);
SCEP_EXTERN const char *scep_get_ra_encryption_cert(SCEP_MESSAGE *message);

/* ---- Helpers --------------------------------------------------------- */

/*
 * Normalises a message given as PEM, DER, BER or base64 (standard or
 * URL-safe, padded or not, with line breaks or %-escapes) to its bytes.
 */
SCEP_EXTERN int scep_decode_input(SCEP *handle, const unsigned char *data,
                                  size_t len, unsigned char **out,
                                  size_t *out_len);

/* GetCACaps keywords as bit flags. */
typedef enum {
    SCEP_CAP_AES = 1 << 0,
    SCEP_CAP_DES3 = 1 << 1,
    SCEP_CAP_GETNEXTCACERT = 1 << 2,
    SCEP_CAP_POSTPKIOPERATION = 1 << 3,
    SCEP_CAP_RENEWAL = 1 << 4,
    SCEP_CAP_SHA1 = 1 << 5,
    SCEP_CAP_SHA256 = 1 << 6,
    SCEP_CAP_SHA512 = 1 << 7,
    SCEP_CAP_SCEPSTANDARD = 1 << 8,
    SCEP_CAP_UPDATE = 1 << 9
} scep_capability;

/*
 * Reads a GetCACaps answer (one keyword a line, any case, LF or CRLF;
 * unknown keywords ignored) into a set of scep_capability flags.
 * SCEPStandard implies AES, POSTPKIOperation and SHA-256.
 * Returns the flags, or -1 when the text is not a capability list.
 */
SCEP_EXTERN int scep_parse_capabilities(SCEP *handle, const char *text,
                                        size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SCEP_H */
