#ifndef CTLS_SHIM_H
#define CTLS_SHIM_H
// Used only by the loopback mock server, to test the HTTP client against real TLS.
#include <openssl/ssl.h>
#include <openssl/err.h>
#endif
