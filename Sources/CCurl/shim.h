// libcurl and OpenSSL's libcrypto for Swift. curl_easy_setopt and curl_easy_getinfo are
// variadic, which Swift cannot call, so each argument type gets a typed inline wrapper.
#ifndef GAVEL_CCURL_SHIM_H
#define GAVEL_CCURL_SHIM_H

#include <stdio.h>
#include <curl/curl.h>
// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose provider lookup on every
// call costs ~1 µs a digest (measured: 1.3 µs for 110 bytes, and 71 µs a SigV4 signature through HMAC()).
// The low-level calls are still built into Debian's libcrypto; use them without the warning.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

typedef size_t (*gavel_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode gavel_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode gavel_curl_set_offset(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode gavel_curl_set_pointer(CURL *curl, CURLoption option, const void *value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode gavel_curl_set_callback(CURL *curl, CURLoption option, gavel_curl_data_callback value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode gavel_curl_get_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

// Where the name and the value are in one raw header line as curl's header callback delivers it
// ("Name:  value\r\n"): the value without surrounding white space. `found` is 0 for a line without a colon
// (the status line, the blank line). Shared by the Runtime API client and the AWS transport.
typedef struct {
    int found;
    size_t name_length;
    size_t value_start;
    size_t value_length;
} gavel_header_span;

static inline gavel_header_span gavel_split_header(const char *line, size_t length) {
    gavel_header_span span = {0, 0, 0, 0};
    size_t colon = 0;
    while (colon < length && line[colon] != ':') colon++;
    if (colon == length) return span;
    size_t start = colon + 1, end = length;
    while (start < end && (line[start] == ' ' || line[start] == '\t')) start++;
    while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r' || line[end - 1] == '\n')) end--;
    span.found = 1;
    span.name_length = colon;
    span.value_start = start;
    span.value_length = end - start;
    return span;
}

// Swift 6 refuses to touch C's global `stdout`; the runtime makes it line-buffered from here.
static inline void gavel_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

#endif
