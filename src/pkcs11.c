/*
 * Private keys in PKCS#11 tokens, through libp11.
 */
#include <string.h>

#include "internal.h"

struct scep_pkcs11 {
    int unused;
};

int scep_pkcs11_is_reference(SCEP *h, const char *text)
{
    (void)h;
    return strncmp(text, "pkcs11:", 7) == 0;
}

EVP_PKEY *scep_pkcs11_load_key(SCEP *h, const char *reference)
{
    (void)reference;
    scep_fail(h, SCEP_ERR_PKCS11, "PKCS#11 keys are not supported yet");
    return NULL;
}

X509 *scep_pkcs11_load_cert(SCEP *h, const char *reference)
{
    (void)reference;
    scep_fail(h, SCEP_ERR_PKCS11,
              "PKCS#11 certificates are not supported yet");
    return NULL;
}

void scep_pkcs11_free(struct scep_pkcs11 *p)
{
    (void)p;
}

int scep_set_pkcs11(SCEP *h, const char *module, const char *pin,
                    const char *label, int slot)
{
    (void)module;
    (void)pin;
    (void)label;
    (void)slot;
    if (h == NULL)
        return -1;
    return scep_fail(h, SCEP_ERR_PKCS11, "PKCS#11 is not supported yet");
}

int scep_set_pkcs11_pin_env(SCEP *h, const char *variable)
{
    (void)variable;
    if (h == NULL)
        return -1;
    return scep_fail(h, SCEP_ERR_PKCS11, "PKCS#11 is not supported yet");
}
