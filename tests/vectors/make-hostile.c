/*
 * Re-signs a real SCEP message with edits, for the hostile vectors that
 * need a valid signature over a wrong message (attributes of the wrong
 * type, duplicated or missing, a garbage payload) or a valid signature
 * over other content.  make-hostile.py builds and runs it.
 *
 *   make-hostile IN.der SIGNER_CERT SIGNER_KEY OUT.der EDIT...
 *
 *   drop:OID                  remove the attribute
 *   set:OID:TYPE:VALUE        replace it by one value of TYPE
 *   add:OID:TYPE:VALUE        add another attribute, even a duplicate
 *   envelope:FILE:CERT        new content: FILE's bytes enveloped to CERT
 *   content:FILE              sign FILE's bytes as the content
 *   swap:FILE                 after signing, put FILE's bytes as content
 *
 * TYPE is printable, utf8, integer or octet (VALUE in hex).  The
 * signer's digest is kept; signingTime is kept as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

static void die(const char *what)
{
    fprintf(stderr, "make-hostile: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static unsigned char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (*len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 ||
        (data = malloc((size_t)*len + 1)) == NULL ||
        fread(data, 1, (size_t)*len, f) != (size_t)*len)
        die(path);
    fclose(f);
    return data;
}

static X509 *read_cert(const char *path)
{
    BIO *bio = BIO_new_file(path, "r");
    X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

    BIO_free(bio);
    if (cert == NULL)
        die(path);
    return cert;
}

/* A new attribute of one value of TYPE (see the header comment). */
static X509_ATTRIBUTE *make_attribute(ASN1_OBJECT *o, const char *type,
                                      const char *value)
{
    X509_ATTRIBUTE *attr = X509_ATTRIBUTE_new();
    int ok = attr != NULL && X509_ATTRIBUTE_set1_object(attr, o);

    if (ok && strcmp(type, "integer") == 0) {
        ASN1_INTEGER *i = ASN1_INTEGER_new();

        ok = ASN1_INTEGER_set(i, atol(value)) &&
             X509_ATTRIBUTE_set1_data(attr, V_ASN1_INTEGER, i, -1);
        ASN1_INTEGER_free(i);
    } else if (ok && strcmp(type, "octet") == 0) {
        long n = 0;
        unsigned char *bytes = OPENSSL_hexstr2buf(value, &n);

        ok = (bytes != NULL || *value == '\0') &&
             X509_ATTRIBUTE_set1_data(attr, V_ASN1_OCTET_STRING,
                                      bytes ? bytes : (unsigned char *)"",
                                      (int)n);
        OPENSSL_free(bytes);
    } else if (ok) {
        int tag = strcmp(type, "utf8") == 0 ? V_ASN1_UTF8STRING
                                            : V_ASN1_PRINTABLESTRING;

        ok = X509_ATTRIBUTE_set1_data(attr, tag, value, (int)strlen(value));
    }
    if (!ok)
        die("cannot make the attribute");
    return attr;
}

static void drop_attribute(STACK_OF(X509_ATTRIBUTE) **attrs, ASN1_OBJECT *o)
{
    int i;

    while ((i = X509at_get_attr_by_OBJ(*attrs, o, -1)) >= 0)
        X509_ATTRIBUTE_free(X509at_delete_attr(*attrs, i));
}

static void add_attribute(STACK_OF(X509_ATTRIBUTE) **attrs, ASN1_OBJECT *o,
                          const char *type, const char *value)
{
    if (!sk_X509_ATTRIBUTE_push(*attrs, make_attribute(o, type, value)))
        die("cannot add the attribute");
}

/* Splits "a:b:c" in place into at most n fields. */
static int split(char *s, char **fields, int n)
{
    int count = 0;

    while (count < n) {
        fields[count++] = s;
        if ((s = strchr(s, ':')) == NULL)
            break;
        *s++ = '\0';
    }
    return count;
}

static unsigned char *envelope(const char *file, const char *cert_path,
                               long *len)
{
    long payload_len;
    unsigned char *payload = slurp(file, &payload_len), *der = NULL;
    STACK_OF(X509) *certs = sk_X509_new_null();
    BIO *in = BIO_new_mem_buf(payload, (int)payload_len);
    PKCS7 *env;

    sk_X509_push(certs, read_cert(cert_path));
    env = PKCS7_encrypt(certs, in, EVP_aes_128_cbc(), PKCS7_BINARY);
    if (env == NULL || (*len = i2d_PKCS7(env, &der)) <= 0)
        die("cannot envelope");
    PKCS7_free(env);
    BIO_free(in);
    sk_X509_pop_free(certs, X509_free);
    free(payload);
    return der;
}

int main(int argc, char **argv)
{
    long in_len, content_len = 0, swap_len = 0;
    unsigned char *in, *content = NULL, *swap = NULL, *out = NULL;
    const unsigned char *p;
    PKCS7 *orig, *p7;
    PKCS7_SIGNER_INFO *orig_si, *si;
    STACK_OF(X509_ATTRIBUTE) *attrs;
    X509 *cert;
    EVP_PKEY *key;
    BIO *bio;
    FILE *f;
    int i, out_len;

    if (argc < 5)
        die("usage: IN.der SIGNER_CERT SIGNER_KEY OUT.der EDIT...");
    in = slurp(argv[1], &in_len);
    p = in;
    if ((orig = d2i_PKCS7(NULL, &p, in_len)) == NULL ||
        !PKCS7_type_is_signed(orig))
        die("the input is not SignedData");
    orig_si = sk_PKCS7_SIGNER_INFO_value(orig->d.sign->signer_info, 0);
    cert = read_cert(argv[2]);
    bio = BIO_new_file(argv[3], "r");
    if ((key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL)
        die(argv[3]);
    BIO_free(bio);

    if (orig->d.sign->contents->d.data != NULL) {
        content_len = orig->d.sign->contents->d.data->length;
        content = malloc((size_t)content_len + 1);
        memcpy(content, orig->d.sign->contents->d.data->data,
               (size_t)content_len);
    }

    /* Every signed attribute but the digest, which signing recomputes. */
    attrs = sk_X509_ATTRIBUTE_new_null();
    for (i = 0; i < sk_X509_ATTRIBUTE_num(orig_si->auth_attr); i++) {
        X509_ATTRIBUTE *a = sk_X509_ATTRIBUTE_value(orig_si->auth_attr, i);

        if (OBJ_obj2nid(X509_ATTRIBUTE_get0_object(a)) !=
            NID_pkcs9_messageDigest)
            sk_X509_ATTRIBUTE_push(attrs, X509_ATTRIBUTE_dup(a));
    }

    for (i = 5; i < argc; i++) {
        char *f5[5];
        int n = split(argv[i], f5, 5);
        ASN1_OBJECT *o = n > 1 ? OBJ_txt2obj(f5[1], 1) : NULL;

        if (strcmp(f5[0], "drop") == 0 && o != NULL) {
            drop_attribute(&attrs, o);
        } else if (strcmp(f5[0], "set") == 0 && n == 4 && o != NULL) {
            drop_attribute(&attrs, o);
            add_attribute(&attrs, o, f5[2], f5[3]);
        } else if (strcmp(f5[0], "add") == 0 && n == 4 && o != NULL) {
            add_attribute(&attrs, o, f5[2], f5[3]);
        } else if (strcmp(f5[0], "envelope") == 0 && n == 3) {
            free(content);
            content = envelope(f5[1], f5[2], &content_len);
        } else if (strcmp(f5[0], "content") == 0 && n == 2) {
            free(content);
            content = slurp(f5[1], &content_len);
        } else if (strcmp(f5[0], "swap") == 0 && n == 2) {
            swap = slurp(f5[1], &swap_len);
        } else {
            die("unknown edit");
        }
        ASN1_OBJECT_free(o);
    }

    p7 = PKCS7_new();
    if (!PKCS7_set_type(p7, NID_pkcs7_signed) ||
        !PKCS7_content_new(p7, NID_pkcs7_data) ||
        (si = PKCS7_add_signature(p7, cert, key,
                                  EVP_get_digestbyobj(
                                      orig_si->digest_alg->algorithm))) ==
            NULL ||
        !PKCS7_add_certificate(p7, cert))
        die("cannot make the SignedData");
    sk_X509_ATTRIBUTE_pop_free(si->auth_attr, X509_ATTRIBUTE_free);
    si->auth_attr = attrs;

    if ((bio = PKCS7_dataInit(p7, NULL)) == NULL ||
        BIO_write(bio, content, (int)content_len) != (int)content_len ||
        !PKCS7_dataFinal(p7, bio))
        die("cannot sign");
    BIO_free_all(bio);

    if (swap != NULL &&
        !ASN1_OCTET_STRING_set(p7->d.sign->contents->d.data, swap,
                               (int)swap_len))
        die("cannot swap the content");

    if ((out_len = i2d_PKCS7(p7, &out)) <= 0 ||
        (f = fopen(argv[4], "wb")) == NULL ||
        fwrite(out, 1, (size_t)out_len, f) != (size_t)out_len ||
        fclose(f) != 0)
        die(argv[4]);

    OPENSSL_free(out);
    PKCS7_free(p7);
    PKCS7_free(orig);
    X509_free(cert);
    EVP_PKEY_free(key);
    free(in);
    free(content);
    free(swap);
    return 0;
}
