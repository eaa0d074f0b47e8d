/* The floor for `scripts/bench runtime`: the least a Lambda custom runtime can be. One kept-alive
 * connection to AWS_LAMBDA_RUNTIME_API; for each `next`, the request id from its headers and a fixed JSON
 * answer posted back. No JSON parsing, no logging, no error handling beyond exiting: it measures what the
 * kernel, the loopback and the Runtime API cost, so our runtime's figures can be read against it.
 * Built static by scripts/bench (`cc -O2 -static`). */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char buffer[1 << 20];

/* Reads one answer whole (head, then Content-Length bytes); returns the head's length, 0 on failure. */
static size_t read_answer(int fd, size_t *total) {
    size_t have = 0, head = 0;
    long length = -1;
    for (;;) {
        ssize_t n = recv(fd, buffer + have, sizeof buffer - have - 1, 0);
        if (n <= 0) return 0;
        have += (size_t)n;
        buffer[have] = 0;
        if (!head) {
            char *end = strstr(buffer, "\r\n\r\n");
            if (!end) continue;
            head = (size_t)(end - buffer) + 4;
            char *field = strcasestr(buffer, "\r\ncontent-length:");
            length = field && field < end ? strtol(field + 17, NULL, 10) : 0;
        }
        if (have >= head + (size_t)length) {
            *total = have;
            return head;
        }
    }
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 1;
    char host[64];
    const char *colon = strrchr(api, ':');
    if (!colon || (size_t)(colon - api) >= sizeof host) return 1;
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = 0;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) return 1;
    static const char body[] = "{\"message\":\"benchmark\"}";
    char request[512];
    for (;;) {
        int n = snprintf(request, sizeof request,
                         "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
        if (send(fd, request, (size_t)n, MSG_NOSIGNAL) != n) return 1;
        size_t total;
        size_t head = read_answer(fd, &total);
        if (!head || strncmp(buffer + 9, "200", 3) != 0) return 1;
        char *field = strcasestr(buffer, "\r\nlambda-runtime-aws-request-id:");
        if (!field) return 1;
        char id[128], attempt[160] = "";
        if (sscanf(field + 32, " %127[^\r\n]", id) != 1) return 1;
        /* An invocation id, when `next` sent one, is echoed: Lambda (and gavel-local) refuse the answer
         * otherwise. */
        char *invocation = strcasestr(buffer, "\r\nlambda-runtime-invocation-id:");
        if (invocation && invocation < buffer + head) {
            char value[128];
            if (sscanf(invocation + 31, " %127[^\r\n]", value) == 1)
                snprintf(attempt, sizeof attempt, "Lambda-Runtime-Invocation-Id: %s\r\n", value);
        }
        n = snprintf(request, sizeof request,
                     "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
                     "%sContent-Length: %zu\r\n\r\n%s", id, api, attempt, sizeof body - 1, body);
        if (send(fd, request, (size_t)n, MSG_NOSIGNAL) != n) return 1;
        if (!read_answer(fd, &total)) return 1;
    }
}
