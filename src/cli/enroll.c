/*
 * scep enroll: GetCACaps, GetCACert, PKCSReq, then GetCertInitial while
 * the server says PENDING, and the issued certificate written out.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum { METHOD_AUTO, METHOD_GET, METHOD_POST };

struct enroll_opts {
    const char *url, *key, *csr, *signer, *out;
    const char *digest, *cipher, *key_password_env;
    const char *save_request, *save_reply, *save_signer;
    int method;
    long poll_interval, max_wait;
};

/* Everything one enrollment holds; freed by session_free(). */
struct session {
    struct enroll_opts opts;
    SCEP *handle;
    struct buffer key, csr, signer;
    char *signer_pem;            /* ours, or the one the library made */
    SCEP_MESSAGE *bundle;
    int caps, use_post;
    char *transaction_id;
    unsigned char *nonce;        /* senderNonce of the last request */
    size_t nonce_len;
};

static const char enroll_help[] =
    "usage: scep enroll URL --key KEY --csr CSR --out CERT [options]\n"
    "\n"
    "Requests a certificate for CSR (PEM; put the challenge password in\n"
    "the CSR) from the SCEP server at URL and writes the issued\n"
    "certificate to CERT as PEM.  Uses the strongest digest (SHA-512,\n"
    "SHA-256, SHA-1, MD5) and cipher (AES-256, 3DES, DES) the server\n"
    "offers, POST when it offers POSTPKIOperation and GET otherwise.\n"
    "A reply whose recipientNonce or transactionID does not match the\n"
    "request is rejected.\n"
    "\n"
    "options:\n"
    "  --key KEY              the private key of the CSR (PEM)\n"
    "  --key-password-env VAR read the key's password from $VAR\n"
    "  --csr CSR              the certificate request (PEM)\n"
    "  --out CERT             where the issued certificate goes\n"
    "  --cert SIGNER          sign with this certificate of KEY (renewal\n"
    "                         style); default: a self-signed one made\n"
    "                         from the CSR\n"
    "  --digest NAME          md5, sha1, sha256, sha512... instead of the\n"
    "                         server's strongest\n"
    "  --cipher NAME          des, des3, aes128, aes256... likewise\n"
    "  --method get|post      force the HTTP method of PKIOperation\n"
    "  --poll-interval SECS   wait between polls while PENDING (10)\n"
    "  --max-wait SECS        give up polling after this long (600)\n"
    "  --save-request FILE    keep the last request sent (DER)\n"
    "  --save-reply FILE      keep the last reply received (DER)\n"
    "  --save-signer FILE     keep the signer certificate (PEM), which\n"
    "                         `scep decode --cert` needs to open replies\n"
    "  --verbose              print each step on standard error\n"
    "\n";

static const struct option enroll_options[] = {
    {"key", required_argument, NULL, 'k'},
    {"key-password-env", required_argument, NULL, 'P'},
    {"csr", required_argument, NULL, 'r'},
    {"out", required_argument, NULL, 'o'},
    {"cert", required_argument, NULL, 'c'},
    {"digest", required_argument, NULL, 'd'},
    {"cipher", required_argument, NULL, 'e'},
    {"method", required_argument, NULL, 'm'},
    {"poll-interval", required_argument, NULL, 'i'},
    {"max-wait", required_argument, NULL, 'w'},
    {"save-request", required_argument, NULL, 'S'},
    {"save-reply", required_argument, NULL, 'R'},
    {"save-signer", required_argument, NULL, 'G'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

static int set_method(struct enroll_opts *o, const char *name)
{
    if (strcmp(name, "get") == 0 || strcmp(name, "GET") == 0)
        o->method = METHOD_GET;
    else if (strcmp(name, "post") == 0 || strcmp(name, "POST") == 0)
        o->method = METHOD_POST;
    else
        return -1;
    return 0;
}

static int take_option(struct enroll_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'k': o->key = arg; return 0;
    case 'P': o->key_password_env = arg; return 0;
    case 'r': o->csr = arg; return 0;
    case 'o': o->out = arg; return 0;
    case 'c': o->signer = arg; return 0;
    case 'd': o->digest = arg; return 0;
    case 'e': o->cipher = arg; return 0;
    case 'S': o->save_request = arg; return 0;
    case 'R': o->save_reply = arg; return 0;
    case 'G': o->save_signer = arg; return 0;
    case 'v': cli_set_verbose(1); return 0;
    case 'm':
        if (set_method(o, arg) == 0)
            return 0;
        cli_error("--method is get or post, not \"%s\"", arg);
        return -1;
    case 'i': return parse_seconds(arg, "--poll-interval",
                                   &o->poll_interval);
    case 'w': return parse_seconds(arg, "--max-wait", &o->max_wait);
    default: return -1;
    }
}

/* Returns -1 when the command should exit with *rc right away. */
static int parse_enroll_args(int argc, char **argv, struct enroll_opts *o,
                             int *rc)
{
    int c;

    memset(o, 0, sizeof(*o));
    o->poll_interval = 10;
    o->max_wait = 600;
    *rc = CLI_USAGE;
    while ((c = getopt_long(argc, argv, "k:r:o:c:vh", enroll_options,
                            NULL)) != -1) {
        if (c == 'h') {
            printf("%s%s", enroll_help, cli_exit_codes_help);
            *rc = CLI_OK;
            return -1;
        }
        if (take_option(o, c, optarg) != 0)
            goto usage;
    }

    if (optind != argc - 1) {
        cli_error("one URL expected");
        goto usage;
    }
    o->url = argv[optind];
    if (o->key == NULL || o->csr == NULL || o->out == NULL) {
        cli_error("--key, --csr and --out are required");
        goto usage;
    }
    if (o->poll_interval == 0)
        o->poll_interval = 1;
    return 0;

usage:
    fprintf(stderr, "%s", enroll_help);
    return -1;
}

static void session_free(struct session *s)
{
    buffer_free(&s->key);
    buffer_free(&s->csr);
    buffer_free(&s->signer);
    free(s->signer_pem);
    free(s->transaction_id);
    scep_free(s->nonce);
    scep_message_free(s->bundle);
    scep_cleanup(s->handle);
}

static int load_inputs(struct session *s)
{
    if (read_file(s->opts.key, &s->key) != 0 ||
        read_file(s->opts.csr, &s->csr) != 0 ||
        (s->opts.signer != NULL &&
         read_file(s->opts.signer, &s->signer) != 0))
        return CLI_LOCAL;

    if (s->opts.key_password_env != NULL &&
        scep_set_key_password_env(s->handle, s->opts.key_password_env) != 0)
        return cli_library_error(s->handle, "--key-password-env");
    return CLI_OK;
}

static const char *strongest_digest(int caps)
{
    if (caps & SCEP_CAP_SHA512)
        return "sha512";
    if (caps & SCEP_CAP_SHA256)
        return "sha256";
    if (caps & SCEP_CAP_SHA1)
        return "sha1";
    return "md5";
}

/* "AES" names no key size.  AES-256-CBC is the strongest and the one AES
 * mode that servers accepting only a single AES variant agree on
 * (micromdm's, for one, refuses AES-128-CBC). */
static const char *strongest_cipher(int caps)
{
    if (caps & SCEP_CAP_AES)
        return "aes256";
    if (caps & SCEP_CAP_DES3)
        return "des3";
    return "des";
}

static int choose_algorithms(struct session *s)
{
    const char *digest = s->opts.digest ? s->opts.digest
                                        : strongest_digest(s->caps);
    const char *cipher = s->opts.cipher ? s->opts.cipher
                                        : strongest_cipher(s->caps);

    if (scep_set_sigalg(s->handle, digest) != 0)
        return cli_library_error(s->handle, "choosing the digest");
    if (scep_set_encalg(s->handle, cipher) != 0)
        return cli_library_error(s->handle, "choosing the cipher");

    s->use_post = s->opts.method == METHOD_POST ||
                  (s->opts.method == METHOD_AUTO &&
                   (s->caps & SCEP_CAP_POSTPKIOPERATION));
    cli_verbose("digest %s, cipher %s, PKIOperation by %s", digest, cipher,
                s->use_post ? "POST" : "GET");
    return CLI_OK;
}

static int ask_server(struct session *s)
{
    struct buffer caps_text = {NULL, 0};
    long status = 0;
    int rc;

    cli_verbose("GetCACaps");
    rc = fetch_caps(s->opts.url, s->handle, &caps_text, &s->caps, &status);
    buffer_free(&caps_text);

    /* Servers that predate GetCACaps answer it with an error status;
     * RFC 8894 section 3.5.1 has the client assume no capabilities then.
     * A server that does not answer at all ends the enrollment here. */
    if (rc == CLI_NETWORK && status != 0) {
        cli_error("GetCACaps failed; assuming the server offers no "
                  "capabilities");
        s->caps = 0;
    } else if (rc != CLI_OK) {
        return rc;
    }
    if ((rc = choose_algorithms(s)) != CLI_OK)
        return rc;

    cli_verbose("GetCACert");
    if ((rc = fetch_ca(s->opts.url, s->handle, &s->bundle)) != CLI_OK)
        return rc;
    if (cli_is_verbose())
        print_bundle_roles(stderr, s->bundle);
    return CLI_OK;
}

/* Learns the transactionID, senderNonce and signer of a request we just
 * built, the way the server will see them. */
static int note_request(struct session *s, const unsigned char *req,
                        size_t len)
{
    SCEP_MESSAGE *m = scep_parse(s->handle, req, len, NULL);
    const char *tid, *signer;
    int rc = CLI_LOCAL;

    if (m == NULL)
        return cli_library_error(s->handle, "reading our own request");
    scep_free(s->nonce);
    s->nonce = NULL;
    if ((tid = scep_get_transaction_id(m)) == NULL ||
        (signer = scep_get_signer_cert(m)) == NULL ||
        scep_get_sender_nonce(m, &s->nonce, &s->nonce_len) != 0) {
        cli_error("our own request lacks a field: %s",
                  scep_message_last_error(m));
        goto done;
    }

    free(s->transaction_id);
    s->transaction_id = strdup(tid);
    if (s->signer_pem == NULL)
        s->signer_pem = strdup(signer);
    if (s->transaction_id == NULL || s->signer_pem == NULL)
        cli_error("out of memory");
    else if (s->opts.save_signer == NULL ||
             write_file(s->opts.save_signer, s->signer_pem,
                        strlen(s->signer_pem)) == 0)
        rc = CLI_OK;

done:
    scep_message_free(m);
    return rc;
}

static int send_message(struct session *s, const unsigned char *req,
                        size_t len, struct http_reply *reply)
{
    char *b64;
    int rc;

    if (s->opts.save_request != NULL &&
        write_file(s->opts.save_request, (const char *)req, len) != 0)
        return CLI_LOCAL;
    if (s->use_post)
        return http_post(s->opts.url, "PKIOperation", req, len, reply);

    if ((b64 = base64_encode(req, len)) == NULL) {
        cli_error("out of memory");
        return CLI_LOCAL;
    }
    rc = http_get(s->opts.url, "PKIOperation", b64, reply);
    free(b64);
    return rc;
}

static int nonce_matches(struct session *s, SCEP_MESSAGE *reply)
{
    unsigned char *nonce = NULL;
    size_t len = 0;
    int same;

    if (scep_get_recipient_nonce(reply, &nonce, &len) != 0) {
        cli_error("the reply has no recipientNonce");
        return 0;
    }
    same = len == s->nonce_len && memcmp(nonce, s->nonce, len) == 0;
    if (!same) {
        char *got = hex_string(nonce, len);
        char *want = hex_string(s->nonce, s->nonce_len);

        cli_error("the reply's recipientNonce %s is not our senderNonce %s",
                  got ? got : "?", want ? want : "?");
        free(got);
        free(want);
    }
    scep_free(nonce);
    return same;
}

/* The reply belongs to our request: CertRep, same transaction, our nonce. */
static int check_reply(struct session *s, SCEP_MESSAGE *reply)
{
    const char *type = scep_get_message_type(reply);
    const char *tid = scep_get_transaction_id(reply);

    if (type == NULL || strcmp(type, "CertRep") != 0) {
        cli_error("the server answered a %s, not a CertRep",
                  type ? type : "message of no type");
        return CLI_LOCAL;
    }
    if (tid == NULL || strcmp(tid, s->transaction_id) != 0) {
        cli_error("the reply's transactionID %s is not ours (%s)",
                  tid ? tid : "(none)", s->transaction_id);
        return CLI_LOCAL;
    }
    return nonce_matches(s, reply) ? CLI_OK : CLI_LOCAL;
}

/* Sends one request and unwraps the answer into *out. */
static int exchange(struct session *s, const unsigned char *req,
                    size_t len, SCEP_MESSAGE **out)
{
    struct http_reply reply;
    int rc;

    *out = NULL;
    memset(&reply, 0, sizeof(reply));
    if ((rc = note_request(s, req, len)) != CLI_OK)
        return rc;
    cli_verbose("transactionID %s", s->transaction_id);
    if ((rc = send_message(s, req, len, &reply)) != CLI_OK)
        goto done;
    if (s->opts.save_reply != NULL &&
        write_file(s->opts.save_reply, (const char *)reply.body.data,
                   reply.body.len) != 0) {
        rc = CLI_LOCAL;
        goto done;
    }

    *out = scep_unwrap(s->handle, reply.body.data, reply.body.len,
                       scep_get_ra_signing_cert(s->bundle), s->signer_pem,
                       (const char *)s->key.data);
    if (*out == NULL) {
        rc = cli_library_error(s->handle, "reading the server's reply");
        goto done;
    }
    cli_verbose("reply: %s, pkiStatus %s", scep_get_message_type(*out),
                scep_get_pki_status(*out));
    if ((rc = check_reply(s, *out)) != CLI_OK) {
        scep_message_free(*out);
        *out = NULL;
    }

done:
    http_reply_free(&reply);
    return rc;
}

static int send_pkcsreq(struct session *s, SCEP_MESSAGE **reply)
{
    unsigned char *req = NULL;
    size_t len = 0;
    int rc;

    cli_verbose("PKCSReq%s", s->signer.data ? " signed with --cert"
                                            : " with a self-signed signer");
    if (scep_pkcsreq(s->handle, (const char *)s->key.data,
                     (const char *)s->signer.data,
                     scep_get_ra_encryption_cert(s->bundle),
                     (const char *)s->csr.data, &req, &len) != 0)
        return cli_library_error(s->handle, "building the PKCSReq");
    rc = exchange(s, req, len, reply);
    scep_free(req);
    return rc;
}

static int send_poll(struct session *s, SCEP_MESSAGE **reply)
{
    unsigned char *req = NULL;
    size_t len = 0;
    int rc;

    cli_verbose("GetCertInitial");
    if (scep_getcertinitial(s->handle, (const char *)s->key.data,
                            s->signer_pem,
                            scep_get_ra_encryption_cert(s->bundle),
                            (const char *)s->csr.data,
                            scep_get_ca_cert(s->bundle), &req, &len) != 0)
        return cli_library_error(s->handle, "building the GetCertInitial");
    rc = exchange(s, req, len, reply);
    scep_free(req);
    return rc;
}

static double seconds_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_pending(SCEP_MESSAGE *reply)
{
    const char *status = scep_get_pki_status(reply);

    return status != NULL && strcmp(status, "PENDING") == 0;
}

/* Polls while PENDING; *reply is the last answer. */
static int wait_for_certificate(struct session *s, SCEP_MESSAGE **reply)
{
    double deadline = seconds_now() + (double)s->opts.max_wait;
    int rc = CLI_OK;

    while (is_pending(*reply)) {
        if (seconds_now() + (double)s->opts.poll_interval > deadline) {
            cli_error("still PENDING after --max-wait %ld seconds "
                      "(transactionID %s)", s->opts.max_wait,
                      s->transaction_id);
            return CLI_PENDING;
        }
        cli_verbose("PENDING, polling again in %ld s",
                    s->opts.poll_interval);
        sleep((unsigned)s->opts.poll_interval);

        scep_message_free(*reply);
        if ((rc = send_poll(s, reply)) != CLI_OK)
            return rc;
    }
    return rc;
}

static int report_failure(SCEP_MESSAGE *reply)
{
    const char *info = scep_get_fail_info(reply);
    const char *text = scep_get_fail_info_text(reply);

    cli_error("enrollment failed: %s%s%s", info ? info : "no failInfo",
              text ? ": " : "", text ? text : "");
    return CLI_REJECTED;
}

static int save_certificate(struct session *s, SCEP_MESSAGE *reply)
{
    const char *all = scep_get_cert(reply);
    char *issued = all ? pem_nth_cert(all, 0) : NULL;
    char *subject, *serial;
    int rc = CLI_LOCAL;

    if (issued == NULL) {
        cli_error("the SUCCESS reply holds no certificate");
        return CLI_LOCAL;
    }
    if (write_file(s->opts.out, issued, strlen(issued)) == 0) {
        subject = cert_subject(issued);
        serial = cert_serial(issued);
        printf("status: SUCCESS\nsubject: %s\nserial: %s\nwritten: %s\n",
               subject ? subject : "?", serial ? serial : "?",
               s->opts.out);
        free(subject);
        free(serial);
        rc = CLI_OK;
    }
    free(issued);
    return rc;
}

static int finish(struct session *s, SCEP_MESSAGE *reply)
{
    const char *status = scep_get_pki_status(reply);

    if (status != NULL && strcmp(status, "SUCCESS") == 0)
        return save_certificate(s, reply);
    if (status != NULL && strcmp(status, "FAILURE") == 0)
        return report_failure(reply);
    cli_error("the reply has an unexpected pkiStatus %s",
              status ? status : "(none)");
    return CLI_LOCAL;
}

int cmd_enroll(int argc, char **argv)
{
    struct session s;
    SCEP_MESSAGE *reply = NULL;
    int rc;

    memset(&s, 0, sizeof(s));
    if (parse_enroll_args(argc, argv, &s.opts, &rc) != 0)
        return rc;
    if ((s.handle = scep_create_handle()) == NULL) {
        cli_error("out of memory");
        return CLI_LOCAL;
    }
    scep_set_output_format(s.handle, SCEP_FORMAT_DER);

    if ((rc = load_inputs(&s)) == CLI_OK &&
        (rc = ask_server(&s)) == CLI_OK &&
        (rc = send_pkcsreq(&s, &reply)) == CLI_OK &&
        (rc = wait_for_certificate(&s, &reply)) == CLI_OK)
        rc = finish(&s, reply);

    scep_message_free(reply);
    session_free(&s);
    return rc;
}
