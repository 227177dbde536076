/*
 * Small helpers every command shares: messages, files, hex.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int verbose;

void buffer_free(struct buffer *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("scep: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_set_verbose(int on)
{
    verbose = on;
}

int cli_is_verbose(void)
{
    return verbose;
}

/* Steps go to stderr so that stdout stays the command's result. */
void cli_verbose(const char *fmt, ...)
{
    va_list ap;

    if (!verbose)
        return;
    fputs("* ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_library_error(const SCEP *handle, const char *doing)
{
    cli_error("%s: %s", doing, scep_last_error(handle));
    return CLI_LOCAL;
}

/* Twice the library's largest text input: anything larger cannot be a
 * message, key or certificate, and /dev/zero or a pipe never ends. */
#define FILE_LIMIT (4 * 1024 * 1024)

int read_file(const char *path, struct buffer *out)
{
    FILE *f = fopen(path, "rb");
    unsigned char chunk[8192];
    size_t n;

    out->data = NULL;
    out->len = 0;
    if (f == NULL) {
        cli_error("cannot open %s: %s", path, strerror(errno));
        return -1;
    }

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        unsigned char *grown = NULL;

        if (out->len + n > FILE_LIMIT) {
            cli_error("cannot read %s: larger than %d MiB, too large for "
                      "a SCEP message, key or certificate", path,
                      FILE_LIMIT / (1024 * 1024));
            buffer_free(out);
            fclose(f);
            return -1;
        }
        if ((grown = realloc(out->data, out->len + n + 1)) == NULL) {
            cli_error("out of memory reading %s", path);
            buffer_free(out);
            fclose(f);
            return -1;
        }
        out->data = grown;
        memcpy(out->data + out->len, chunk, n);
        out->len += n;
    }

    if (ferror(f) || out->data == NULL) {
        cli_error("cannot read %s: %s", path,
                  ferror(f) ? strerror(errno) : "the file is empty");
        buffer_free(out);
        fclose(f);
        return -1;
    }
    out->data[out->len] = '\0';
    fclose(f);
    return 0;
}

int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL) {
        cli_error("cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

char *hex_string(const unsigned char *bytes, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    char *text = malloc(len * 2 + 1);
    size_t i;

    if (text == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        text[2 * i] = digits[bytes[i] >> 4];
        text[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    text[2 * len] = '\0';
    return text;
}

int parse_seconds(const char *text, const char *option, long *out)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0 ||
        value > 7L * 24 * 3600) {
        cli_error("%s wants a number of seconds (0 to 604800), not \"%s\"",
                  option, text);
        return -1;
    }
    *out = value;
    return 0;
}
