/*
 * A small SCEP server on 127.0.0.1 built on the library, for what
 * micromdm's server never does: PENDING replies, and replies that do not
 * belong to the request.  One connection at a time, HTTP/1.0.
 *
 *   pending_server PORT DIR MODE COUNT
 *
 * DIR holds ca.pem, ca.key, ca.der and issued.pem (the certificate to
 * hand out).  MODE:
 *   pending    COUNT times PENDING, then SUCCESS with issued.pem
 *   badnonce   PENDING whose recipientNonce is not the request's
 *   badtid     PENDING with another transactionID
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scep.h"

#define MAX_REQUEST (256 * 1024)

struct server {
    SCEP *h;
    char *ca, *ca_key, *issued;
    unsigned char *ca_der;
    size_t ca_der_len;
    const char *mode;
    int pending_left;
};

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    FILE *f;
    char *data;
    long n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
        (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (data = malloc((size_t)n + 1)) == NULL ||
        fread(data, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "pending_server: cannot read %s\n", path);
        exit(2);
    }
    data[n] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)n;
    return data;
}

static void respond(int fd, int status, const char *type,
                    const void *body, size_t len)
{
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, status == 200 ? "OK" : "Error", type, len);

    if (write(fd, head, (size_t)n) != n ||
        write(fd, body, len) != (ssize_t)len)
        perror("pending_server: write");
}

/* Reads headers and the body announced by Content-Length. */
static char *read_request(int fd, size_t *total, char **body,
                          size_t *body_len)
{
    char *buf = malloc(MAX_REQUEST + 1), *end, *cl;
    size_t len = 0, want = 0;
    ssize_t n;

    while (buf != NULL && len < MAX_REQUEST &&
           (n = read(fd, buf + len, MAX_REQUEST - len)) > 0) {
        len += (size_t)n;
        buf[len] = '\0';
        if ((end = strstr(buf, "\r\n\r\n")) == NULL)
            continue;
        cl = strstr(buf, "Content-Length:");
        want = (size_t)(end + 4 - buf) +
               (cl != NULL && cl < end ? strtoul(cl + 15, NULL, 10) : 0);
        if (len >= want) {
            *body = end + 4;
            *body_len = want - (size_t)(end + 4 - buf);
            *total = len;
            return buf;
        }
    }
    free(buf);
    return NULL;
}

/* A reply that must be rejected: wrong nonce or wrong transaction. */
static int wrong_reply(struct server *s, SCEP_MESSAGE *req,
                       unsigned char **out, size_t *len)
{
    unsigned char nonce[16];
    unsigned char *real = NULL;
    size_t real_len = 0;
    const char *tid = scep_get_transaction_id(req);
    int rc;

    scep_get_sender_nonce(req, &real, &real_len);
    memset(nonce, 0xA5, sizeof(nonce));
    if (strcmp(s->mode, "badnonce") == 0)
        rc = scep_create_pending_reply_wop7(s->h, s->ca_key, s->ca, tid,
                                            nonce, sizeof(nonce), out, len);
    else
        rc = scep_create_pending_reply_wop7(s->h, s->ca_key, s->ca,
                                            "0123456789ABCDEF", real,
                                            real_len, out, len);
    scep_free(real);
    return rc;
}

static int pki_reply(struct server *s, const unsigned char *body,
                     size_t len, unsigned char **out, size_t *out_len)
{
    SCEP_MESSAGE *req = scep_unwrap(s->h, body, len, NULL, s->ca, s->ca_key);
    int rc;

    if (req == NULL) {
        fprintf(stderr, "pending_server: %s\n", scep_last_error(s->h));
        return -1;
    }
    fprintf(stderr, "pending_server: %s\n", scep_get_message_type(req));
    if (strcmp(s->mode, "pending") != 0)
        rc = wrong_reply(s, req, out, out_len);
    else if (s->pending_left-- > 0)
        rc = scep_create_pending_reply(s->h, s->ca_key, s->ca, body, len,
                                       out, out_len);
    else
        rc = scep_create_certificate_reply(s->h, s->ca_key, s->ca, body,
                                           len, s->issued, out, out_len);
    scep_message_free(req);
    return rc;
}

static void serve(struct server *s, int fd)
{
    static const char caps[] = "POSTPKIOperation\nSHA-256\nAES\n";
    char *req, *body = NULL;
    size_t total, body_len = 0, out_len = 0;
    unsigned char *out = NULL;

    if ((req = read_request(fd, &total, &body, &body_len)) == NULL)
        return;
    if (strstr(req, "operation=GetCACaps") != NULL)
        respond(fd, 200, "text/plain", caps, sizeof(caps) - 1);
    else if (strstr(req, "operation=GetCACert") != NULL)
        respond(fd, 200, "application/x-x509-ca-cert", s->ca_der,
                s->ca_der_len);
    else if (strncmp(req, "POST ", 5) == 0 &&
             pki_reply(s, (unsigned char *)body, body_len, &out,
                       &out_len) == 0)
        respond(fd, 200, "application/x-pki-message", out, out_len);
    else
        respond(fd, 500, "text/plain", "cannot answer\n", 14);
    scep_free(out);
    free(req);
}

static int listen_on(int port)
{
    struct sockaddr_in addr;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        listen(fd, 8) != 0) {
        perror("pending_server: listen");
        exit(2);
    }
    return fd;
}

int main(int argc, char **argv)
{
    struct server s;
    int lfd, fd;

    if (argc != 5) {
        fprintf(stderr, "usage: pending_server PORT DIR MODE COUNT\n");
        return 1;
    }
    s.h = scep_create_handle();
    s.ca = slurp(argv[2], "ca.pem", NULL);
    s.ca_key = slurp(argv[2], "ca.key", NULL);
    s.issued = slurp(argv[2], "issued.pem", NULL);
    s.ca_der = (unsigned char *)slurp(argv[2], "ca.der", &s.ca_der_len);
    s.mode = argv[3];
    s.pending_left = atoi(argv[4]);
    scep_set_output_format(s.h, SCEP_FORMAT_DER);

    lfd = listen_on(atoi(argv[1]));
    while ((fd = accept(lfd, NULL, NULL)) >= 0) {
        serve(&s, fd);
        close(fd);
    }
    return 0;
}
