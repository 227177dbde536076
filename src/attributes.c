/*
 * The SCEP signed attributes (RFC 8894 section 3.2.1): adding them to a
 * SignerInfo and reading them back, by OID, tolerant of the string types
 * peers really use and strict about everything else.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>

#include "internal.h"

static ASN1_OBJECT *oid(const char *dotted)
{
    return OBJ_txt2obj(dotted, 1);
}

static int add_attribute(PKCS7_SIGNER_INFO *si, const char *dotted,
                         int asn1_type, const unsigned char *value,
                         size_t len)
{
    ASN1_OBJECT *obj = oid(dotted);
    STACK_OF(X509_ATTRIBUTE) *attrs = si->auth_attr;
    int ok = obj != NULL && X509at_add1_attr_by_OBJ(&attrs, obj, asn1_type,
                                                    value, (int)len) != NULL;

    si->auth_attr = attrs;
    ASN1_OBJECT_free(obj);
    return ok ? 0 : -1;
}

int scep_add_string_attribute(PKCS7_SIGNER_INFO *si, const char *dotted,
                              int asn1_type, const char *value)
{
    return add_attribute(si, dotted, asn1_type,
                         (const unsigned char *)value, strlen(value));
}

int scep_add_octet_attribute(PKCS7_SIGNER_INFO *si, const char *dotted,
                             const unsigned char *value, size_t len)
{
    return add_attribute(si, dotted, V_ASN1_OCTET_STRING, value, len);
}

/*
 * The single value of the attribute, or NULL.  *count says how many
 * attributes carry the OID (a duplicate is an error for the caller).
 */
static ASN1_TYPE *attribute_value(PKCS7_SIGNER_INFO *si, const char *dotted,
                                  int *count)
{
    ASN1_OBJECT *obj = oid(dotted);
    STACK_OF(X509_ATTRIBUTE) *attrs = PKCS7_get_signed_attributes(si);
    ASN1_TYPE *value = NULL;
    int index = -1;

    *count = 0;
    if (obj == NULL)
        return NULL;
    while ((index = X509at_get_attr_by_OBJ(attrs, obj, index)) >= 0) {
        X509_ATTRIBUTE *attr = X509at_get_attr(attrs, index);

        (*count)++;
        if (X509_ATTRIBUTE_count(attr) != 1)
            *count = 2;    /* several values: as bad as a duplicate */
        value = X509_ATTRIBUTE_get0_type(attr, 0);
    }
    ASN1_OBJECT_free(obj);
    return value;
}

static int is_string_type(int type)
{
    return type == V_ASN1_PRINTABLESTRING || type == V_ASN1_UTF8STRING ||
           type == V_ASN1_IA5STRING || type == V_ASN1_T61STRING;
}

int scep_read_string_attribute(PKCS7_SIGNER_INFO *si, const char *dotted,
                               char **out)
{
    int count;
    ASN1_TYPE *value = attribute_value(si, dotted, &count);
    const ASN1_STRING *s;
    int len;

    if (count == 0)
        return 0;
    if (count > 1 || value == NULL || !is_string_type(value->type))
        return -1;

    s = value->value.asn1_string;
    len = ASN1_STRING_length(s);
    if (len <= 0 || len > 256 ||
        memchr(ASN1_STRING_get0_data(s), '\0', (size_t)len) != NULL)
        return -1;
    if ((*out = malloc((size_t)len + 1)) == NULL)
        return -1;
    memcpy(*out, ASN1_STRING_get0_data(s), (size_t)len);
    (*out)[len] = '\0';
    return 1;
}

int scep_read_octet_attribute(PKCS7_SIGNER_INFO *si, const char *dotted,
                              unsigned char **out, size_t *out_len)
{
    int count;
    ASN1_TYPE *value = attribute_value(si, dotted, &count);
    const ASN1_STRING *s;
    int len;

    if (count == 0)
        return 0;
    if (count > 1 || value == NULL || value->type != V_ASN1_OCTET_STRING)
        return -1;

    s = value->value.octet_string;
    len = ASN1_STRING_length(s);
    if (len < 4 || len > 64)    /* 16 by the RFC, 8 from old Apple */
        return -1;
    if ((*out = malloc((size_t)len)) == NULL)
        return -1;
    memcpy(*out, ASN1_STRING_get0_data(s), (size_t)len);
    *out_len = (size_t)len;
    return 1;
}

int scep_has_control(const char *text)
{
    for (; *text != '\0'; text++)
        if ((unsigned char)*text < 0x20 || *text == 0x7f)
            return 1;
    return 0;
}

/* ---- Names of the values ---------------------------------------------- */

const char *scep_type_name(int type)
{
    switch (type) {
    case SCEP_TYPE_CERTREP:
        return "CertRep";
    case SCEP_TYPE_RENEWALREQ:
        return "RenewalReq";
    case SCEP_TYPE_PKCSREQ:
        return "PKCSReq";
    case SCEP_TYPE_GETCERTINITIAL:
        return "GetCertInitial";
    case SCEP_TYPE_GETCERT:
        return "GetCert";
    case SCEP_TYPE_GETCRL:
        return "GetCRL";
    case SCEP_TYPE_CERTSONLY:
        return "CertsOnly";
    default:
        return NULL;
    }
}

const char *scep_status_text(int pki_status)
{
    switch (pki_status) {
    case SCEP_PKISTATUS_SUCCESS:
        return "SUCCESS";
    case SCEP_PKISTATUS_FAILURE:
        return "FAILURE";
    case SCEP_PKISTATUS_PENDING:
        return "PENDING";
    default:
        return NULL;
    }
}

static const char *const fail_info_names[] = {
    "badAlg", "badMessageCheck", "badRequest", "badTime", "badCertId"
};

const char *scep_fail_info_name(int fail_info)
{
    if (fail_info < 0 || fail_info > 4)
        return NULL;
    return fail_info_names[fail_info];
}

int scep_fail_info_by_name(const char *name)
{
    int i;

    for (i = 0; i <= 4; i++)
        if (name != NULL && strcmp(fail_info_names[i], name) == 0)
            return i;
    return -1;
}
