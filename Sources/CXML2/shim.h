#ifndef CXML2_SHIM_H
#define CXML2_SHIM_H
/* Debian's libxml2 is built with ICU, whose headers clash with the ICU inside Swift's Foundation.
   CertGate uses none of libxml2's ICU parts (and no structure whose layout depends on them), so
   its headers are read without them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>

/* libxml2's error handler is global: quiet it (errors are reported by CertGate, naming the file). */
static void certgate_xml_silent(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void certgate_xml_quiet(void) { xmlSetGenericErrorFunc(NULL, certgate_xml_silent); }
#endif
