/*
 * idlehold: opens N TCP connections to an echo service (through a proxy), exchanges one
 * SIZE-byte request/echo on each, then keeps them all open and idle, so that the proxy's
 * memory per idle connection can be read from outside. Part of the proxy benchmark.
 *
 *   idlehold HOST PORT N SIZE HOLD_SECONDS [SOURCE_IP]
 *
 * Phase 1 (bounded by 60 s): connect (at most 128 connects in flight, non-blocking), send
 * SIZE bytes, read and verify the SIZE-byte echo. Then it prints one line and flushes:
 *   mode=idle phase=ready conns=N ok=K errors=E open_s=S
 * Phase 2: holds the connections until HOLD_SECONDS have passed since the start, or SIGTERM /
 * SIGINT. A held connection that gets closed or receives bytes counts as dropped. Then:
 *   mode=idle phase=done alive=A dropped=D
 * SOURCE_IP (default: none) binds every connection to that local address (for example
 * 127.0.0.2) with IP_BIND_ADDRESS_NO_PORT, so its ports do not collide with other tests'.
 * The soft RLIMIT_NOFILE is raised to the hard limit. Exit 0 if every connection made its
 * round trip and none dropped, 1 otherwise, 2 on usage/setup errors.
 *
 * Build: gcc -O2 -Wall -o idlehold idlehold.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_N       65536
#define MAX_SIZE    65536
#define IN_FLIGHT   128
#define OPEN_LIMIT_S 60

enum { S_NEW, S_CONNECTING, S_READING, S_IDLE, S_DEAD };

typedef struct {
    int fd, state;
    size_t in_off;
} hc_t;

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "idlehold: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void pattern(uint8_t *buf, size_t size, uint32_t idx) {
    for (size_t i = 0; i < size; i++) buf[i] = (uint8_t)(i * 31u + 7u + idx);
}

int main(int argc, char **argv) {
    if (argc < 6 || argc > 7) {
        fprintf(stderr, "usage: idlehold HOST PORT N SIZE HOLD_SECONDS [SOURCE_IP]\n");
        return 2;
    }
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    struct sockaddr_in src = {.sin_family = AF_INET};
    int use_src = argc == 7;
    long n = strtol(argv[3], NULL, 10), size = strtol(argv[4], NULL, 10), hold = strtol(argv[5], NULL, 10);
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || (use_src && inet_pton(AF_INET, argv[6], &src.sin_addr) != 1) ||
        n < 1 || n > MAX_N || size < 1 || size > MAX_SIZE || hold < 1 || hold > 3600) {
        fprintf(stderr, "idlehold: bad arguments (N 1..%d, SIZE 1..%d, HOLD_SECONDS 1..3600, IPv4 literals)\n", MAX_N,
                MAX_SIZE);
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction act = {.sa_handler = on_signal};
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);

    hc_t *cs = calloc((size_t)n, sizeof *cs);
    uint8_t *out = malloc((size_t)size), *in = malloc((size_t)size), *expect = malloc((size_t)size);
    if (!cs || !out || !in || !expect) die("malloc");
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");

    double t0 = now_s();
    long next = 0, inflight = 0, ok = 0, errors = 0, done = 0;
    int one = 1;
    struct epoll_event evs[512];
    while (done < n && now_s() - t0 < OPEN_LIMIT_S && !stop) {
        while (next < n && inflight < IN_FLIGHT) { /* start more connects */
            hc_t *c = &cs[next];
            c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (c->fd < 0) {
                c->state = S_DEAD;
                errors++;
                done++;
                next++;
                continue;
            }
            setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (use_src) {
                setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
                if (bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0) die("bind SOURCE_IP");
            }
            int rc = connect(c->fd, (struct sockaddr *)&dst, sizeof dst);
            if (rc != 0 && errno != EINPROGRESS) {
                close(c->fd);
                c->fd = -1;
                c->state = S_DEAD;
                errors++;
                done++;
                next++;
                continue;
            }
            c->state = S_CONNECTING;
            struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)next};
            if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) die("epoll_ctl");
            inflight++;
            next++;
        }
        int k = epoll_wait(ep, evs, 512, 100);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < k; e++) {
            uint32_t idx = evs[e].data.u32;
            hc_t *c = &cs[idx];
            int bad = 0;
            if (c->state == S_CONNECTING) {
                int err = 0;
                socklen_t len = sizeof err;
                pattern(out, (size_t)size, idx);
                if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0 ||
                    send(c->fd, out, (size_t)size, MSG_NOSIGNAL) != size) {
                    bad = 1;
                } else {
                    c->state = S_READING;
                    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = idx};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            } else if (c->state == S_READING) {
                ssize_t r = recv(c->fd, in, (size_t)size - c->in_off, 0);
                if (r > 0) {
                    pattern(expect, (size_t)size, idx);
                    if (memcmp(in, expect + c->in_off, (size_t)r) != 0) bad = 1;
                    c->in_off += (size_t)r;
                    if (!bad && c->in_off == (size_t)size) {
                        c->state = S_IDLE; /* stays in the epoll set: any event now means dropped */
                        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = idx};
                        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                        ok++;
                        done++;
                        inflight--;
                    }
                } else if (!(r < 0 && (errno == EAGAIN || errno == EINTR))) {
                    bad = 1;
                }
            } else if (c->state == S_IDLE) {
                /* An event on an idle connection during phase 1: closed by the other side. */
                c->state = S_DEAD;
                close(c->fd);
                c->fd = -1;
                ok--;
                errors++;
                continue;
            }
            if (bad) {
                close(c->fd);
                c->fd = -1;
                c->state = S_DEAD;
                errors++;
                done++;
                inflight--;
            }
        }
    }
    long unfinished = n - done;
    printf("mode=idle phase=ready conns=%ld ok=%ld errors=%ld unfinished=%ld open_s=%.2f\n", n, ok, errors, unfinished,
           now_s() - t0);
    fflush(stdout);

    long dropped = 0;
    while (!stop && now_s() - t0 < hold) {
        int k = epoll_wait(ep, evs, 512, 200);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < k; e++) {
            hc_t *c = &cs[evs[e].data.u32];
            if (c->fd < 0) continue;
            if (c->state == S_IDLE) dropped++;
            epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
            close(c->fd);
            c->fd = -1;
            c->state = S_DEAD;
        }
    }
    long alive = 0;
    for (long i = 0; i < n; i++) alive += cs[i].state == S_IDLE;
    printf("mode=idle phase=done alive=%ld dropped=%ld\n", alive, dropped);
    fflush(stdout);
    for (long i = 0; i < n; i++)
        if (cs[i].fd >= 0) close(cs[i].fd);
    return (ok == n && dropped == 0) ? 0 : 1;
}
