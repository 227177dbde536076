/*
 * GetCACaps answers (RFC 8894 section 3.5.2): one keyword a line, in any
 * case, LF or CRLF, unknown keywords ignored.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct {
    const char *keyword;
    int flags;
} capabilities[] = {
    {"AES", SCEP_CAP_AES},
    {"DES3", SCEP_CAP_DES3},
    {"GetNextCACert", SCEP_CAP_GETNEXTCACERT},
    {"POSTPKIOperation", SCEP_CAP_POSTPKIOPERATION},
    {"Renewal", SCEP_CAP_RENEWAL},
    {"SHA-1", SCEP_CAP_SHA1},
    {"SHA-256", SCEP_CAP_SHA256},
    {"SHA-512", SCEP_CAP_SHA512},
    {"SCEPStandard", SCEP_CAP_SCEPSTANDARD | SCEP_CAP_AES |
                         SCEP_CAP_POSTPKIOPERATION | SCEP_CAP_SHA256},
    {"Update", SCEP_CAP_UPDATE},
};

static int keyword_flags(const char *word, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(capabilities) / sizeof(capabilities[0]); i++)
        if (strlen(capabilities[i].keyword) == len &&
            strncasecmp(capabilities[i].keyword, word, len) == 0)
            return capabilities[i].flags;
    return 0;
}

/* Keyword lists are printable ASCII; '<' starts an HTML error page. */
static int is_list_char(unsigned char c)
{
    return (isprint(c) && c != '<') || isspace(c);
}

/* Trims white space around [*start, stop) and returns the new stop. */
static size_t trim(const char *text, size_t *start, size_t stop)
{
    while (stop > *start && isspace((unsigned char)text[stop - 1]))
        stop--;
    while (*start < stop && isspace((unsigned char)text[*start]))
        (*start)++;
    return stop;
}

int scep_parse_capabilities(SCEP *h, const char *text, size_t len)
{
    size_t start = 0, end, stop;
    int flags = 0;

    if (h == NULL)
        return -1;
    if (text == NULL)
        return scep_fail(h, SCEP_ERR_ARGUMENT, "no capability text given");
    if (len > 64 * 1024)
        return scep_fail(h, SCEP_ERR_LIMIT,
                         "the capability list is longer than 64 KiB");

    for (end = 0; end < len; end++)
        if (!is_list_char((unsigned char)text[end]))
            return scep_fail(h, SCEP_ERR_FORMAT,
                             "the answer is not a GetCACaps keyword list "
                             "(an HTML page or binary data?)");

    while (start < len) {
        for (end = start; end < len && text[end] != '\n'; end++)
            ;
        stop = trim(text, &start, end);
        flags |= keyword_flags(text + start, stop - start);
        start = end + 1;
    }
    scep_ok(h);
    return flags;
}
