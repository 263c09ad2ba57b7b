/*
 * echod: a tiny single-threaded epoll TCP echo server, the backend of the proxy benchmark.
 *
 *   echod HOST PORT [SECONDS]
 *
 * Listens on HOST:PORT (IPv4 literal; the benchmark uses 127.0.0.1), backlog 4096, and
 * echoes every byte back on the same connection. Level-triggered epoll, non-blocking
 * sockets, TCP_NODELAY. One shared 64 KiB read buffer; a connection only owns memory while
 * the peer does not read its echo (the unsent rest is kept, and reading from that
 * connection pauses until it is written), so thousands of idle connections cost only their
 * sockets. On EOF (FIN) or an error the socket is closed.
 * Exits by itself after SECONDS (default 3600; at most 86400) or on SIGTERM/SIGINT.
 *
 * Build: gcc -O2 -Wall -o echod echod.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE  65536
#define MAX_FDS   65536
#define LISTEN_ID UINT32_MAX

typedef struct {
    uint8_t *pending; /* unsent echo (NULL when none) */
    size_t len, off;
} conn_t;

static conn_t *conns;
static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void die(const char *what) {
    fprintf(stderr, "echod: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void close_conn(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd].pending);
    memset(&conns[fd], 0, sizeof conns[fd]);
}

/* Writes as much of the pending echo as the socket takes. 1 = all written, 0 = blocked, -1 = error. */
static int flush_pending(int fd) {
    conn_t *c = &conns[fd];
    while (c->pending && c->off < c->len) {
        ssize_t w = send(fd, c->pending + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (w > 0) c->off += (size_t)w;
        else if (w < 0 && errno == EINTR) continue;
        else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        else return -1;
    }
    free(c->pending);
    c->pending = NULL;
    c->len = c->off = 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: echod HOST PORT [SECONDS]\n");
        return 2;
    }
    long seconds = argc == 4 ? strtol(argv[3], NULL, 10) : 3600;
    if (seconds < 1 || seconds > 86400) seconds = 3600;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "echod: HOST must be an IPv4 literal\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction act = {.sa_handler = on_signal};
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    conns = calloc(MAX_FDS, sizeof *conns);
    static uint8_t buf[BUF_SIZE];
    if (!conns) die("calloc");

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
    if (listen(lfd, 4096) != 0) die("listen");
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    struct epoll_event lev = {.events = EPOLLIN, .data.u32 = LISTEN_ID};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) != 0) die("epoll_ctl");
    fprintf(stderr, "echod: listening on %s:%s\n", argv[1], argv[2]);

    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct epoll_event evs[512];
    while (!stop) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec >= seconds) break;
        int n = epoll_wait(ep, evs, 512, 500);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int k = 0; k < n; k++) {
            if (evs[k].data.u32 == LISTEN_ID) {
                for (int i = 0; i < 256; i++) { /* bounded accept burst */
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) break;
                    if (fd >= MAX_FDS) {
                        close(fd);
                        continue;
                    }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)fd};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) close(fd);
                }
                continue;
            }
            int fd = (int)evs[k].data.u32;
            conn_t *c = &conns[fd];
            if ((evs[k].events & EPOLLERR) || (c->pending && (evs[k].events & EPOLLHUP))) {
                close_conn(ep, fd);
                continue;
            }
            if (evs[k].events & EPOLLOUT) {
                int r = flush_pending(fd);
                if (r < 0) {
                    close_conn(ep, fd);
                    continue;
                }
                if (r == 0) continue;
                struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)fd};
                epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
                continue;
            }
            if (!(evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || c->pending) continue;
            /* At most a few reads per event, so one busy connection cannot starve the rest. */
            for (int rounds = 0; rounds < 4; rounds++) {
                ssize_t r = recv(fd, buf, sizeof buf, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                    close_conn(ep, fd);
                    break;
                }
                if (r < 0) break;
                size_t off = 0;
                while (off < (size_t)r) {
                    ssize_t w = send(fd, buf + off, (size_t)r - off, MSG_NOSIGNAL);
                    if (w > 0) off += (size_t)w;
                    else if (w < 0 && errno == EINTR) continue;
                    else break;
                }
                if (off < (size_t)r) {
                    if (errno != EAGAIN && errno != EWOULDBLOCK) {
                        close_conn(ep, fd);
                        break;
                    }
                    c->len = (size_t)r - off;
                    c->off = 0;
                    c->pending = malloc(c->len);
                    if (!c->pending) die("malloc");
                    memcpy(c->pending, buf + off, c->len);
                    struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)fd};
                    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
                    break;
                }
                if ((size_t)r < sizeof buf) break; /* drained for now */
            }
        }
    }
    return 0;
}
