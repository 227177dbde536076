/*
 * scep decode: every field of a SCEP message or GetCACert answer, one
 * "name: value" line each, so that people and scripts can compare them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct decode_opts {
    const char *file, *key, *cert, *ca, *key_password_env;
};

static const char decode_help[] =
    "usage: scep decode FILE [--key KEY --cert CERT] [--ca CA]\n"
    "\n"
    "Prints every field of the SCEP message or GetCACert answer in FILE\n"
    "(DER, PEM or base64, detected): messageType, transactionID, the\n"
    "nonces in hex, pkiStatus, failInfo, the signer, digest and cipher,\n"
    "whether the signature verified, and with --key the decrypted\n"
    "content (CSR subject and challengePassword, issuer and serial,\n"
    "issued certificates).  For a certificate bundle it says which\n"
    "certificate is the CA, which signs and which encrypts.\n"
    "\n"
    "options:\n"
    "  --key KEY              decrypt with this private key: the CA's\n"
    "                         for requests, the requester's for replies\n"
    "  --cert CERT            the certificate of KEY (required with --key)\n"
    "  --key-password-env VAR read KEY's password from $VAR\n"
    "  --ca CERT              the certificate a reply must be signed by: the\n"
    "                         CA's, or the RA signing certificate\n"
    "\n";

static const struct option decode_options[] = {
    {"key", required_argument, NULL, 'k'},
    {"cert", required_argument, NULL, 'c'},
    {"ca", required_argument, NULL, 'a'},
    {"key-password-env", required_argument, NULL, 'P'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

static int parse_decode_args(int argc, char **argv, struct decode_opts *o,
                             int *rc)
{
    int c;

    memset(o, 0, sizeof(*o));
    *rc = CLI_USAGE;
    while ((c = getopt_long(argc, argv, "k:c:a:vh", decode_options,
                            NULL)) != -1) {
        switch (c) {
        case 'k': o->key = optarg; break;
        case 'c': o->cert = optarg; break;
        case 'a': o->ca = optarg; break;
        case 'P': o->key_password_env = optarg; break;
        case 'v': cli_set_verbose(1); break;
        case 'h':
            printf("%s%s", decode_help, cli_exit_codes_help);
            *rc = CLI_OK;
            return -1;
        default: goto usage;
        }
    }

    if (optind != argc - 1) {
        cli_error("one FILE expected");
        goto usage;
    }
    o->file = argv[optind];
    if ((o->key == NULL) != (o->cert == NULL)) {
        cli_error("--key and --cert go together");
        goto usage;
    }
    return 0;

usage:
    fprintf(stderr, "%s", decode_help);
    return -1;
}

static void print_field(const char *name, const char *value)
{
    if (value != NULL)
        printf("%s: %s\n", name, value);
}

static void print_nonce(const char *name, SCEP_MESSAGE *m,
                        int (*get)(SCEP_MESSAGE *, unsigned char **,
                                   size_t *))
{
    unsigned char *nonce = NULL;
    size_t len = 0;
    char *hex;

    if (get(m, &nonce, &len) != 0)
        return;
    hex = hex_string(nonce, len);
    print_field(name, hex);
    free(hex);
    scep_free(nonce);
}

static void print_cert_field(const char *name, const char *pem)
{
    char *subject = pem != NULL ? cert_subject(pem) : NULL;

    print_field(name, subject);
    free(subject);
}

static void print_certificates(SCEP_MESSAGE *m)
{
    const char *all = scep_get_cert(m);
    char *cert, name[32];
    int i;

    for (i = 0; all != NULL && (cert = pem_nth_cert(all, i)) != NULL; i++) {
        char *issuer = cert_issuer(cert), *serial = cert_serial(cert);

        snprintf(name, sizeof(name), "certificate[%d]", i);
        print_cert_field(name, cert);
        snprintf(name, sizeof(name), "certificate[%d].issuer", i);
        print_field(name, issuer);
        snprintf(name, sizeof(name), "certificate[%d].serial", i);
        print_field(name, serial);
        free(issuer);
        free(serial);
        free(cert);
    }
}

/* The envelope's content, as far as the message type has one. */
static void print_content(SCEP_MESSAGE *m)
{
    const char *crl;

    print_field("subject", scep_get_subject(m));
    print_field("issuer", scep_get_issuer(m));
    print_field("serial", scep_get_getcert_serial(m));
    print_field("challengePassword", scep_get_challenge_password(m));
    print_certificates(m);
    if ((crl = scep_get_crl(m)) != NULL)
        printf("crl:\n%s", crl);
}

/*
 * Says what the signature was checked against: a verified signature is
 * only a trust decision when the certificate came from the user (--ca);
 * replies are held to it, requests are signed by the requester's own.
 */
static void print_verified_with(SCEP_MESSAGE *m, int have_ca)
{
    const char *type = scep_get_message_type(m);

    if (have_ca && type != NULL && strcmp(type, "CertRep") == 0)
        print_field("verifiedWith", "the --ca certificate");
    else
        print_field("verifiedWith", "the signer certificate the message "
                                    "includes (not a trust decision)");
}

static void print_message(SCEP_MESSAGE *m, int have_ca)
{
    print_field("messageType", scep_get_message_type(m));
    print_field("transactionID", scep_get_transaction_id(m));
    print_nonce("senderNonce", m, scep_get_sender_nonce);
    print_nonce("recipientNonce", m, scep_get_recipient_nonce);
    print_field("pkiStatus", scep_get_pki_status(m));
    print_field("failInfo", scep_get_fail_info(m));
    print_field("failInfoText", scep_get_fail_info_text(m));
    print_cert_field("signer", scep_get_signer_cert(m));
    print_field("digest", scep_get_digest(m));
    print_field("cipher", scep_get_cipher(m));
    print_field("signatureVerified",
                scep_get_signature_verified(m) ? "yes" : "no");
    print_verified_with(m, have_ca);
    print_content(m);
}

static int load_optional(const char *path, struct buffer *buf)
{
    if (path == NULL)
        return 0;
    return read_file(path, buf);
}

/* A GetCACert answer is tried only when the input is no SCEP message. */
static int decode_bundle(SCEP *h, const struct buffer *in, char *why)
{
    SCEP_MESSAGE *bundle = scep_read_ca_certs(h, in->data, in->len);

    if (bundle == NULL) {
        cli_error("%s", why);
        return CLI_LOCAL;
    }
    print_field("messageType", scep_get_message_type(bundle));
    print_bundle_roles(stdout, bundle);
    scep_message_free(bundle);
    return CLI_OK;
}

static int decode_input(SCEP *h, const struct decode_opts *o,
                        const struct buffer *in, const struct buffer *key,
                        const struct buffer *cert, const struct buffer *ca)
{
    SCEP_MESSAGE *m;
    char *why;
    int rc;

    if (key->data != NULL)
        m = scep_unwrap(h, in->data, in->len, (const char *)ca->data,
                        (const char *)cert->data, (const char *)key->data);
    else
        m = scep_parse(h, in->data, in->len, (const char *)ca->data);
    if (m != NULL) {
        print_message(m, ca->data != NULL);
        scep_message_free(m);
        return CLI_OK;
    }

    if ((why = malloc(strlen(o->file) + strlen(scep_last_error(h)) + 4)))
        sprintf(why, "%s: %s", o->file, scep_last_error(h));
    rc = decode_bundle(h, in, why ? why : "out of memory");
    free(why);
    return rc;
}

int cmd_decode(int argc, char **argv)
{
    struct decode_opts o;
    struct buffer in = {0}, key = {0}, cert = {0}, ca = {0};
    SCEP *h = NULL;
    int rc;

    if (parse_decode_args(argc, argv, &o, &rc) != 0)
        return rc;
    rc = CLI_LOCAL;
    if (read_file(o.file, &in) != 0 || load_optional(o.key, &key) != 0 ||
        load_optional(o.cert, &cert) != 0 || load_optional(o.ca, &ca) != 0)
        goto done;
    if ((h = scep_create_handle()) == NULL) {
        cli_error("out of memory");
        goto done;
    }
    if (o.key_password_env != NULL &&
        scep_set_key_password_env(h, o.key_password_env) != 0) {
        rc = cli_library_error(h, "--key-password-env");
        goto done;
    }

    rc = decode_input(h, &o, &in, &key, &cert, &ca);

done:
    scep_cleanup(h);
    buffer_free(&in);
    buffer_free(&key);
    buffer_free(&cert);
    buffer_free(&ca);
    return rc;
}
