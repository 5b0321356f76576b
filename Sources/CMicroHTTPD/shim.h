#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/* MHD_start_daemon and MHD_get_*_info are variadic, which Swift cannot call: fixed-argument wrappers. */

/* A daemon on `address` (IPv4 or IPv6) with a thread for each connection (a request that waits,
   say on a database lock, holds up no other), at most `connections` at once, idle ones closed after
   `timeout` seconds, `memory_limit` bytes of buffers per connection, and `completed` told when a
   request ends; HTTPS when `certificate` and `key` (PEM text) are given. */
static inline struct MHD_Daemon *certgate_mhd_start(const struct sockaddr *address, unsigned int connections, unsigned int timeout,
                                                   size_t memory_limit, MHD_AccessHandlerCallback handler,
                                                   MHD_RequestCompletedCallback completed, void *context,
                                                   const char *certificate, const char *key) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (address->sa_family == AF_INET6) flags |= MHD_USE_IPv6;
    if (certificate && key)
        return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, context,
                                MHD_OPTION_SOCK_ADDR, address,
                                MHD_OPTION_CONNECTION_LIMIT, connections,
                                MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, context,
                                MHD_OPTION_HTTPS_MEM_CERT, certificate,
                                MHD_OPTION_HTTPS_MEM_KEY, key,
                                MHD_OPTION_END);
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_CONNECTION_LIMIT, connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, context,
                            MHD_OPTION_END);
}

/* The port the daemon listens on (the one the system chose when asked for port 0). */
static inline uint16_t certgate_mhd_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* The client's address as text (IPv4 or IPv6), for rate limits. */
static inline void certgate_mhd_client(struct MHD_Connection *connection, char *buffer, size_t size) {
    buffer[0] = 0;
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr) return;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)address)->sin_addr, buffer, (socklen_t)size);
    else if (address->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, buffer, (socklen_t)size);
}
#endif
