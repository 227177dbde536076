/*
 * What a server says about itself: GetCACaps and GetCACert, as commands
 * and as the first steps of an enrollment.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char *const known_caps[] = {
    "AES", "DES3", "GetNextCACert", "POSTPKIOperation", "Renewal",
    "SHA-1", "SHA-256", "SHA-512", "SCEPStandard", "Update", NULL
};

int fetch_caps(const char *url, SCEP *handle, struct buffer *text,
               int *flags, long *http_status)
{
    struct http_reply reply;
    int rc;

    rc = http_get(url, "GetCACaps", NULL, &reply);
    *http_status = reply.status;
    if (rc != CLI_OK) {
        http_reply_free(&reply);
        return rc;
    }

    *flags = scep_parse_capabilities(handle, (const char *)reply.body.data,
                                     reply.body.len);
    if (*flags < 0) {
        http_reply_free(&reply);
        return cli_library_error(handle, "reading the GetCACaps answer");
    }
    *text = reply.body;
    reply.body.data = NULL;
    http_reply_free(&reply);
    return CLI_OK;
}

int fetch_ca(const char *url, SCEP *handle, SCEP_MESSAGE **bundle)
{
    struct http_reply reply;
    int rc;

    if ((rc = http_get(url, "GetCACert", NULL, &reply)) != CLI_OK) {
        http_reply_free(&reply);
        return rc;
    }

    *bundle = scep_read_ca_certs(handle, reply.body.data, reply.body.len);
    http_reply_free(&reply);
    if (*bundle == NULL)
        return cli_library_error(handle, "reading the GetCACert answer");
    return CLI_OK;
}

/* A keyword in its usual spelling when known, else as the server sent
 * it; the line is trimmed of blanks and CR in place. */
static const char *normalized_cap(char *line)
{
    size_t len = strlen(line);
    int i;

    while (len > 0 && strchr(" \t\r", line[len - 1]) != NULL)
        line[--len] = '\0';
    while (*line == ' ' || *line == '\t')
        line++;
    for (i = 0; known_caps[i] != NULL; i++)
        if (strcasecmp(line, known_caps[i]) == 0)
            return known_caps[i];
    return line;
}

static void print_caps(char *text)
{
    char *line, *save = NULL;

    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        const char *cap = normalized_cap(line);

        if (*cap != '\0')
            printf("%s\n", cap);
    }
}

static const char getcaps_help[] =
    "usage: scep getcaps [--verbose] URL\n"
    "\n"
    "Asks the SCEP server at URL for its capabilities (GetCACaps) and\n"
    "prints them one a line, known keywords in their usual spelling.\n";

static const struct option info_options[] = {
    {"out", required_argument, NULL, 'o'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

/* Options shared by getcaps and getca; returns -1 to exit with *rc. */
static int parse_info_args(int argc, char **argv, const char *help,
                           int allow_out, const char **out, int *rc)
{
    int c;

    while ((c = getopt_long(argc, argv, "o:vh", info_options, NULL)) != -1) {
        if (c == 'h') {
            printf("%s\n%s", help, cli_exit_codes_help);
            *rc = CLI_OK;
            return -1;
        }
        if (c == 'v') {
            cli_set_verbose(1);
        } else if (c == 'o' && allow_out) {
            *out = optarg;
        } else {
            fprintf(stderr, "%s", help);
            *rc = CLI_USAGE;
            return -1;
        }
    }
    if (optind != argc - 1) {
        cli_error("one URL expected");
        fprintf(stderr, "%s", help);
        *rc = CLI_USAGE;
        return -1;
    }
    return 0;
}

int cmd_getcaps(int argc, char **argv)
{
    struct buffer text = {NULL, 0};
    SCEP *handle;
    long status = 0;
    int flags, rc;

    if (parse_info_args(argc, argv, getcaps_help, 0, NULL, &rc) != 0)
        return rc;
    if ((handle = scep_create_handle()) == NULL) {
        cli_error("out of memory");
        return CLI_LOCAL;
    }

    rc = fetch_caps(argv[optind], handle, &text, &flags, &status);
    if (rc == CLI_OK) {
        cli_verbose("capability flags 0x%x", (unsigned)flags);
        print_caps((char *)text.data);
    }
    buffer_free(&text);
    scep_cleanup(handle);
    return rc;
}

/* One "role: subject" line; notes when the role falls to the CA. */
static void print_role(FILE *f, const char *role, const char *pem,
                       const char *ca)
{
    char *subject = pem != NULL ? cert_subject(pem) : NULL;

    fprintf(f, "%s: %s%s\n", role, subject != NULL ? subject : "(none)",
           pem != NULL && ca != NULL && pem != ca && strcmp(pem, ca) == 0
               ? " (the CA itself)"
               : "");
    free(subject);
}

void print_bundle_roles(FILE *f, SCEP_MESSAGE *bundle)
{
    const char *all = scep_get_cert(bundle);
    const char *ca = scep_get_ca_cert(bundle);
    char *cert;
    int i;

    for (i = 0; all != NULL && (cert = pem_nth_cert(all, i)) != NULL; i++) {
        char *subject = cert_subject(cert);

        fprintf(f, "certificate[%d]: %s\n", i,
                subject ? subject : "(unreadable)");
        free(subject);
        free(cert);
    }
    print_role(f, "ca", ca, NULL);
    print_role(f, "signing", scep_get_ra_signing_cert(bundle), ca);
    print_role(f, "encryption", scep_get_ra_encryption_cert(bundle), ca);
}

static const char getca_help[] =
    "usage: scep getca [--verbose] [--out FILE] URL\n"
    "\n"
    "Fetches the CA and RA certificates (GetCACert), says which one is\n"
    "the CA, which signs replies and which requests are encrypted to,\n"
    "and writes all of them as PEM to FILE (to standard output, after\n"
    "those lines, without --out).\n";

int cmd_getca(int argc, char **argv)
{
    SCEP_MESSAGE *bundle = NULL;
    const char *out = NULL, *pem;
    SCEP *handle;
    int rc;

    if (parse_info_args(argc, argv, getca_help, 1, &out, &rc) != 0)
        return rc;
    if ((handle = scep_create_handle()) == NULL) {
        cli_error("out of memory");
        return CLI_LOCAL;
    }

    if ((rc = fetch_ca(argv[optind], handle, &bundle)) == CLI_OK) {
        print_bundle_roles(stdout, bundle);
        pem = scep_get_cert(bundle);
        if (out == NULL)
            fputs(pem, stdout);
        else if (write_file(out, pem, strlen(pem)) != 0)
            rc = CLI_LOCAL;
    }
    scep_message_free(bundle);
    scep_cleanup(handle);
    return rc;
}
