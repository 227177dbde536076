/*
 * HTTP for SCEP: GET with ?operation=... and POST of a DER message.
 * Only the URL the user gives is ever contacted; redirects are not
 * followed, so a request never goes to a host the user did not name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

#define BODY_LIMIT (4 * 1024 * 1024)
#define ERROR_EXCERPT 200

static size_t collect(char *data, size_t size, size_t count, void *userdata)
{
    struct buffer *body = userdata;
    size_t n = size * count;
    unsigned char *grown;

    if (body->len + n > BODY_LIMIT)
        return 0;
    if ((grown = realloc(body->data, body->len + n + 1)) == NULL)
        return 0;
    body->data = grown;
    memcpy(body->data + body->len, data, n);
    body->len += n;
    body->data[body->len] = '\0';
    return n;
}

void http_reply_free(struct http_reply *reply)
{
    free(reply->content_type);
    reply->content_type = NULL;
    buffer_free(&reply->body);
}

/* url?operation=OP[&message=ESCAPED], or with & when url has a query. */
static char *operation_url(CURL *curl, const char *url, const char *op,
                           const char *message)
{
    char *escaped = NULL, *full;
    size_t len;

    if (message != NULL &&
        (escaped = curl_easy_escape(curl, message, 0)) == NULL)
        return NULL;

    len = strlen(url) + strlen(op) + 32 + (escaped ? strlen(escaped) : 0);
    if ((full = malloc(len)) != NULL)
        snprintf(full, len, "%s%coperation=%s%s%s", url,
                 strchr(url, '?') != NULL ? '&' : '?', op,
                 escaped != NULL ? "&message=" : "",
                 escaped != NULL ? escaped : "");
    curl_free(escaped);
    return full;
}

/* The start of an error body, on one line, without control bytes. */
static void report_status(const struct http_reply *reply)
{
    char excerpt[ERROR_EXCERPT + 1];
    size_t i, n = reply->body.len < ERROR_EXCERPT ? reply->body.len
                                                  : ERROR_EXCERPT;

    for (i = 0; i < n; i++) {
        unsigned char c = reply->body.data[i];

        excerpt[i] = isprint(c) ? (char)c : ' ';
    }
    excerpt[n] = '\0';
    cli_error("the server answered HTTP %ld%s%s", reply->status,
              n > 0 ? ": " : "", excerpt);
}

static void keep_content_type(CURL *curl, struct http_reply *reply)
{
    char *type = NULL;

    if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
        type != NULL)
        reply->content_type = strdup(type);
}

static int perform(CURL *curl, const char *url, struct http_reply *reply)
{
    char curl_error[CURL_ERROR_SIZE] = "";
    CURLcode rc;

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply->body);

    cli_verbose("%s", url);
    if ((rc = curl_easy_perform(curl)) != CURLE_OK) {
        cli_error("HTTP request to %s failed: %s", url,
                  curl_error[0] ? curl_error : curl_easy_strerror(rc));
        return CLI_NETWORK;
    }

    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    keep_content_type(curl, reply);
    cli_verbose("HTTP %ld, %zu bytes, %s", reply->status, reply->body.len,
                reply->content_type ? reply->content_type : "no type");
    if (reply->status < 200 || reply->status > 299) {
        report_status(reply);
        return CLI_NETWORK;
    }
    return CLI_OK;
}

static int request(const char *url, const char *op, const char *message,
                   const unsigned char *body, size_t len,
                   struct http_reply *reply)
{
    CURL *curl;
    struct curl_slist *headers = NULL;
    char *full = NULL;
    int rc = CLI_LOCAL;

    memset(reply, 0, sizeof(*reply));
    if ((curl = curl_easy_init()) == NULL ||
        (full = operation_url(curl, url, op, message)) == NULL) {
        cli_error("cannot set up the HTTP request");
        goto done;
    }

    if (body != NULL) {
        headers = curl_slist_append(NULL,
                                    "Content-Type: application/x-pki-message");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)len);
    }
    rc = perform(curl, full, reply);

done:
    curl_slist_free_all(headers);
    free(full);
    curl_easy_cleanup(curl);
    return rc;
}

int http_get(const char *url, const char *operation, const char *message,
             struct http_reply *reply)
{
    return request(url, operation, message, NULL, 0, reply);
}

int http_post(const char *url, const char *operation,
              const unsigned char *body, size_t len,
              struct http_reply *reply)
{
    return request(url, operation, NULL, body, len, reply);
}
