/*
 * The scep command-line tool: shared declarations.
 *
 * Each command lives in its own file and returns one of the exit codes
 * below; main.c only dispatches.  The tool uses the library's public
 * interface for everything SCEP, libcurl for HTTP and OpenSSL only to
 * print certificate names.
 */
#ifndef SCEP_CLI_H
#define SCEP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "scep.h"

/* Exit codes, documented in --help and README.md. */
enum {
    CLI_OK = 0,
    CLI_USAGE = 1,      /* bad command line */
    CLI_LOCAL = 2,      /* bad input file, bad message, local error */
    CLI_NETWORK = 3,    /* connection failed or HTTP status not 2xx */
    CLI_REJECTED = 4,   /* the server answered FAILURE */
    CLI_PENDING = 5     /* still PENDING when --max-wait ran out */
};

/* A byte buffer; data is always NUL-terminated one past len. */
struct buffer {
    unsigned char *data;
    size_t len;
};

void buffer_free(struct buffer *buf);

/* Messages to stderr, prefixed with "scep: ". */
void cli_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void cli_verbose(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void cli_set_verbose(int on);
int cli_is_verbose(void);

/* Prints the handle's last error after what the tool was doing. */
int cli_library_error(const SCEP *handle, const char *doing);

int read_file(const char *path, struct buffer *out);
int write_file(const char *path, const char *text, size_t len);
char *hex_string(const unsigned char *bytes, size_t len);

/* A positive whole number of seconds from an option argument. */
int parse_seconds(const char *text, const char *option, long *out);

/* Human-readable lines about one PEM certificate (OpenSSL). */
char *cert_subject(const char *pem);
char *cert_issuer(const char *pem);
char *cert_serial(const char *pem);
/* Splits concatenated PEM: the n-th certificate (0-based), or NULL. */
char *pem_nth_cert(const char *pem, int n);
/* Standard base64 of bytes, no line breaks. */
char *base64_encode(const unsigned char *bytes, size_t len);

/* HTTP (http.c). */
struct http_reply {
    long status;
    char *content_type;
    struct buffer body;
};

void http_reply_free(struct http_reply *reply);
int http_get(const char *url, const char *operation, const char *message,
             struct http_reply *reply);
int http_post(const char *url, const char *operation,
              const unsigned char *body, size_t len,
              struct http_reply *reply);

/* Server information (server.c), also used by enroll. */
/* *http_status is the server's answer, 0 when there was none. */
int fetch_caps(const char *url, SCEP *handle, struct buffer *text,
               int *flags, long *http_status);
int fetch_ca(const char *url, SCEP *handle, SCEP_MESSAGE **bundle);
/* "ca: ...", "signing: ...", "encryption: ..." lines for a bundle. */
void print_bundle_roles(FILE *f, SCEP_MESSAGE *bundle);

/* The commands. */
int cmd_getcaps(int argc, char **argv);
int cmd_getca(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_decode(int argc, char **argv);

extern const char cli_exit_codes_help[];

#endif
