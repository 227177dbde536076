/*
 * Many threads at once, each with its own handle, building requests and
 * replies and unwrapping them, plus peer messages that make the library
 * load OpenSSL's legacy provider (single DES) for the first time while
 * other threads are busy.  Separate handles share no mutable state, so
 * every result must be right and ThreadSanitizer must stay quiet.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define THREADS 8
#define ROUNDS 6

static unsigned char *des_request;
static size_t des_request_len;
static char *des_subject;

static pthread_barrier_t start_line;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;
static int failures;
static char first_failure[512];

static void thread_fail(int id, const char *what, const char *detail)
{
    pthread_mutex_lock(&failures_lock);
    if (failures++ == 0)
        snprintf(first_failure, sizeof(first_failure),
                 "thread %d: %s: %s", id, what, detail ? detail : "");
    pthread_mutex_unlock(&failures_lock);
}

/* A PKCSReq, unwrapped by the CA, answered PENDING, the reply parsed. */
static void request_round_trip(int id, SCEP *h)
{
    unsigned char *request = NULL, *reply = NULL;
    size_t request_len = 0, reply_len = 0;
    SCEP_MESSAGE *m = NULL;

    if (scep_pkcsreq(h, client_key, client_cert, ca_cert, csr,
                     &request, &request_len) != 0) {
        thread_fail(id, "pkcsreq", scep_last_error(h));
        return;
    }
    m = scep_unwrap(h, request, request_len, NULL, ca_cert, ca_key);
    if (m == NULL || scep_get_subject(m) == NULL)
        thread_fail(id, "unwrap", scep_last_error(h));
    scep_message_free(m);

    if (scep_create_pending_reply(h, ca_key, ca_cert, request, request_len,
                                  &reply, &reply_len) != 0) {
        thread_fail(id, "pending reply", scep_last_error(h));
    } else if ((m = scep_parse(h, reply, reply_len, ca_cert)) == NULL ||
               scep_get_pki_status(m) == NULL ||
               strcmp(scep_get_pki_status(m), "PENDING") != 0) {
        thread_fail(id, "parse reply", scep_last_error(h));
    }
    scep_message_free(m);
    scep_free(request);
    scep_free(reply);
}

/* The old libscep client's single-DES request: the first one of these
 * loads the legacy provider, racing the others. */
static void legacy_unwrap(int id, SCEP *h)
{
    SCEP_MESSAGE *m = scep_unwrap(h, des_request, des_request_len, NULL,
                                  ca_cert, ca_key);
    const char *subject = m ? scep_get_subject(m) : NULL;

    if (subject == NULL || strcmp(subject, des_subject) != 0)
        thread_fail(id, "DES unwrap", m ? subject : scep_last_error(h));
    scep_message_free(m);
}

static void *worker(void *arg)
{
    int id = (int)(size_t)arg, round;
    SCEP *h = scep_create_handle();

    if (h == NULL) {
        thread_fail(id, "handle", "out of memory");
        pthread_barrier_wait(&start_line);
        return NULL;
    }
    /* Odd threads make DER and SHA-1/3DES, even ones PEM and defaults,
     * so the handles really differ. */
    if (id % 2 == 1 && (scep_set_output_format(h, SCEP_FORMAT_DER) != 0 ||
                        scep_set_sigalg(h, "sha1") != 0 ||
                        scep_set_encalg(h, "des3") != 0))
        thread_fail(id, "configure", scep_last_error(h));

    pthread_barrier_wait(&start_line);
    for (round = 0; round < ROUNDS; round++) {
        if ((round + id) % 3 == 0)
            legacy_unwrap(id, h);
        request_round_trip(id, h);
    }
    scep_cleanup(h);
    return NULL;
}

int main(void)
{
    pthread_t threads[THREADS];
    size_t i;

    load_test_keys();
    des_request = (unsigned char *)vector_file(
        "peers/captured/libscep-client-pkcsreq-des-sha256.der",
        &des_request_len);
    des_subject = "/C=DE/O=libscep-test/CN=libscep-client-4";

    pthread_barrier_init(&start_line, NULL, THREADS);
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_create(&threads[i], NULL, worker, (void *)i) == 0);
    for (i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start_line);

    harness_checks++;
    if (failures > 0)
        harness_fail(__FILE__, __LINE__, "%d failures; the first: %s",
                     failures, first_failure);
    printf("thread_test: %d threads x %d rounds\n", THREADS, ROUNDS);

    free_test_keys();
    free(des_request);
    return harness_result("thread_test");
}
