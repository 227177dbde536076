/* The public header compiles on its own, as strict C99 and as C++
 * would see it, without any OpenSSL header. */
#include "scep.h"

int main(void)
{
    return scep_version() == NULL;
}
