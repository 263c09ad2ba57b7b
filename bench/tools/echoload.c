/*
 * echoload: a small closed-loop load generator for TCP echo servers (Berth benchmark tool).
 *
 *   echoload [-w WARMUP_S] pingpong HOST PORT CONNS SECONDS SIZE
 *       CONNS connections; each sends SIZE bytes, waits for the SIZE-byte echo, repeats.
 *       Records the round-trip time of every request sent after the warm-up.
 *   echoload [-w WARMUP_S] connrate HOST PORT WORKERS SECONDS
 *       WORKERS concurrent workers; each connects, sends 64 bytes, reads the 64-byte echo,
 *       closes, repeats. Records the time of every connection (connect start to close).
 *   echoload [-w WARMUP_S] openloop HOST PORT CONNS SECONDS SIZE RATE
 *       Open loop at a fixed RATE of requests per second in total, spread over CONNS
 *       connections: connection i sends request k at the scheduled time
 *       start + i/RATE + (k-1)*CONNS/RATE, whether or not earlier replies have come back
 *       (requests pipeline; at most MAX_INFLIGHT outstanding per connection, beyond that a
 *       send waits). Latency = reply received - *scheduled* send time, so a stalled server or
 *       a late sender shows up in the percentiles instead of being left out (no coordinated
 *       omission). Measures the requests scheduled in the window; after it, waits at most
 *       DRAIN_S for their replies. Extra output: target_rate, unanswered (scheduled in the
 *       window, never answered), late_sends (sent more than LATE_US after their scheduled
 *       time: the generator itself fell behind), lag_p99_us / lag_max_us (send lag).
 *   echoload check HOST PORT
 *       One connection, one 64-byte round trip with a 2 s timeout; exit 0 if it echoed.
 *
 * One thread, epoll, non-blocking sockets, TCP_NODELAY. Time is CLOCK_MONOTONIC.
 * Percentiles are exact (nearest rank over all recorded samples, sorted). Every loop is
 * bounded: by the deadline (warm-up + SECONDS), by MAX_SAMPLES recorded samples and by
 * MAX_ERRORS errors, whichever comes first.
 *
 * Messages carry a 14-byte sockperf header (big-endian: u64 sequence, u16 flags = CLIENT|PONG,
 * u32 length) so that `sockperf server` answers them too; a plain echo server returns them
 * unchanged. A reply is accepted if it equals the request except for the flags field, which
 * may be 3 (echoed) or 2 (sockperf's reply clears the CLIENT bit). Any other reply is an error.
 *
 * Output: one line of key=value pairs on stdout, e.g.
 *   mode=pingpong conns=64 size=64 stalled=0 seconds=5.000 count=... rate=... p50_us=...
 *   p90_us=... p99_us=... p999_us=... max_us=... errors=0 capped=0 self_cpu=... cpu0_busy=...
 * rate is completed round trips (pingpong) or connections (connrate) per second of the window;
 * stalled counts pingpong connections that completed nothing in the window (a server that
 * serves only some of its connections shows up here); capped=1 means MAX_SAMPLES ended the
 * window early (seconds is then shorter). Exit status: 0 ok, 1 errors seen, 2 usage/setup.
 * cpuN_busy is the share (0..1) of CPU N that was not idle during the measured window
 * (from /proc/stat); self_cpu is this process's CPU time divided by the window.
 *
 * Build: gcc -O2 -Wall -o echoload echoload.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES   (20u * 1000u * 1000u) /* hard bound on recorded samples (80 MB) */
#define MAX_ERRORS    100000u               /* give up after this many errors */
#define MAX_CONNS     4096
#define MAX_SECONDS   600
#define MIN_SIZE      16                    /* sockperf header is 14 bytes */
#define MAX_SIZE      65536
#define CONNRATE_SIZE 64
#define HDR_FLAGS_OFF 8
#define MAX_CPUS      64
#define CONNECT_TIMEOUT_S 2
#define MAX_RATE      1000000               /* openloop: requests per second, all connections */
#define MAX_INFLIGHT  1024u                 /* openloop: outstanding requests per connection */
#define DRAIN_S       1                     /* openloop: wait this long for the window's replies */
#define LATE_US       1000                  /* openloop: a send this late counts as late */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "echoload: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(void) {
    fprintf(stderr,
            "usage: echoload [-w WARMUP_S] pingpong HOST PORT CONNS SECONDS SIZE\n"
            "       echoload [-w WARMUP_S] connrate HOST PORT WORKERS SECONDS\n"
            "       echoload [-w WARMUP_S] openloop HOST PORT CONNS SECONDS SIZE RATE\n"
            "       echoload check HOST PORT\n");
    exit(2);
}

static long parse_long(const char *s, long lo, long hi, const char *name) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        fprintf(stderr, "echoload: %s must be an integer in [%ld, %ld], got '%s'\n", name, lo, hi, s);
        exit(2);
    }
    return v;
}

/* ---- messages ------------------------------------------------------------------------ */

static void put_be(uint8_t *p, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* Request number seq of `size` bytes: sockperf header, then a fixed pattern. */
static void build_msg(uint8_t *buf, size_t size, uint64_t seq) {
    put_be(buf, seq, 8);
    put_be(buf + HDR_FLAGS_OFF, 3, 2); /* CLIENT | PONG_REQUEST */
    put_be(buf + 10, size, 4);
    for (size_t i = 14; i < size; i++) buf[i] = (uint8_t)(i * 31u + 7u);
}

/* 1 if `got` is an acceptable reply to `sent` (see the header comment). */
static int reply_ok(const uint8_t *sent, const uint8_t *got, size_t size) {
    if (memcmp(sent, got, HDR_FLAGS_OFF) != 0) return 0;
    if (got[HDR_FLAGS_OFF] != 0 || (got[HDR_FLAGS_OFF + 1] != 3 && got[HDR_FLAGS_OFF + 1] != 2)) return 0;
    return memcmp(sent + 10, got + 10, size - 10) == 0;
}

/* ---- samples and statistics ------------------------------------------------------------ */

typedef struct {
    uint32_t *v; /* nanoseconds, clamped to UINT32_MAX (4.29 s) */
    size_t n, cap;
} samples_t;

/* Appends one sample; returns 0 once MAX_SAMPLES is reached (the caller stops measuring). */
static int samples_add(samples_t *s, uint64_t ns) {
    if (s->n >= MAX_SAMPLES) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        if (cap > MAX_SAMPLES) cap = MAX_SAMPLES;
        uint32_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) die("realloc");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
    return s->n < MAX_SAMPLES;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples, in microseconds. */
static double pct_us(const samples_t *s, double p) {
    if (s->n == 0) return 0.0;
    size_t rank = (size_t)((p / 100.0) * (double)s->n + 0.999999999);
    if (rank < 1) rank = 1;
    if (rank > s->n) rank = s->n;
    return s->v[rank - 1] / 1000.0;
}

/* CPU accounting for the measured window: /proc/stat per CPU and our own rusage. */
typedef struct {
    int ncpu;
    unsigned long long busy[MAX_CPUS], total[MAX_CPUS];
    double self_s;
} cpu_snap_t;

static void cpu_snap(cpu_snap_t *c) {
    memset(c, 0, sizeof *c);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        c->self_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    }
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f) && c->ncpu < MAX_CPUS) {
        int id;
        unsigned long long u, n, sy, idle, iow, irq, sirq, st;
        if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &id, &u, &n, &sy, &idle, &iow, &irq, &sirq, &st) == 9 &&
            id == c->ncpu) {
            c->total[id] = u + n + sy + idle + iow + irq + sirq + st;
            c->busy[id] = c->total[id] - idle - iow;
            c->ncpu++;
        }
    }
    fclose(f);
}

static void print_stats(const char *head, samples_t *s, double seconds, unsigned long errors, int capped,
                        const char *extra, const cpu_snap_t *c0, const cpu_snap_t *c1) {
    qsort(s->v, s->n, sizeof *s->v, cmp_u32);
    printf("%s seconds=%.3f count=%zu rate=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f "
           "errors=%lu capped=%d self_cpu=%.2f",
           head, seconds, s->n, seconds > 0 ? s->n / seconds : 0.0, pct_us(s, 50), pct_us(s, 90), pct_us(s, 99),
           pct_us(s, 99.9), pct_us(s, 100), errors, capped, seconds > 0 ? (c1->self_s - c0->self_s) / seconds : 0.0);
    if (*extra) printf(" %s", extra);
    for (int i = 0; i < c0->ncpu && i < c1->ncpu; i++) {
        unsigned long long dt = c1->total[i] - c0->total[i];
        printf(" cpu%d_busy=%.2f", i, dt ? (double)(c1->busy[i] - c0->busy[i]) / (double)dt : 0.0);
    }
    printf("\n");
    fflush(stdout);
}

/* ---- sockets ------------------------------------------------------------------------- */

static struct sockaddr_in target;

static void resolve(const char *host, const char *port) {
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons((uint16_t)parse_long(port, 1, 65535, "PORT"));
    if (inet_pton(AF_INET, host, &target.sin_addr) != 1) {
        fprintf(stderr, "echoload: HOST must be an IPv4 literal, got '%s'\n", host);
        exit(2);
    }
}

static void set_nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Bounds blocking connect/send/recv on fd (connect honours SO_SNDTIMEO on Linux). */
static void set_timeouts(int fd, int seconds) {
    struct timeval tv = {.tv_sec = seconds};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void ep_ctl(int ep, int op, int fd, uint32_t events, uint32_t idx) {
    struct epoll_event ev = {.events = events, .data.u32 = idx};
    if (epoll_ctl(ep, op, fd, &ev) != 0) die("epoll_ctl");
}

/* A connected TCP socket (blocking connect, bounded by CONNECT_TIMEOUT_S), then non-blocking
 * with TCP_NODELAY. Exits on failure: a load run without all its connections is meaningless. */
static int connect_nonblocking(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    set_timeouts(fd, CONNECT_TIMEOUT_S);
    if (connect(fd, (struct sockaddr *)&target, sizeof target) != 0) die("connect");
    set_nodelay(fd);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* A connection that failed: counted as an error, closed, no longer alive. */
static void drop(int *fd, unsigned long *errors, int *alive) {
    (*errors)++;
    close(*fd);
    *fd = -1;
    (*alive)--;
}

/* Opens the measured window once `now` reaches t_measure: takes the CPU snapshot the end of the
 * window is compared with. */
static void window_start(int *measuring, uint64_t now, uint64_t t_measure, cpu_snap_t *c0) {
    if (*measuring || now < t_measure) return;
    cpu_snap(c0);
    *measuring = 1;
}

/* Reads from a non-blocking fd until `size` bytes are in buf (*off counts them). Returns 1 when
 * the message is complete (the caller resets *off), 0 when the socket has nothing more for now,
 * -1 on EOF or error. */
static int recv_msg(int fd, uint8_t *buf, size_t *off, size_t size) {
    for (;;) {
        ssize_t r = recv(fd, buf + *off, size - *off, 0);
        if (r > 0) {
            *off += (size_t)r;
            if (*off == size) return 1;
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else {
            return -1;
        }
    }
}

/* ---- pingpong ------------------------------------------------------------------------ */

typedef struct {
    int fd;
    uint64_t seq;
    uint64_t sent_ns; /* when the current request's first byte went out */
    size_t out_off;   /* bytes of the current request written */
    size_t in_off;    /* bytes of the current reply read */
    uint64_t done;    /* round trips completed inside the measured window */
    uint8_t *out, *in;
} pp_conn_t;

/* Starts (or continues) writing the current request. Returns -1 on error. */
static int pp_send(int ep, pp_conn_t *c, uint32_t idx, size_t size, int registered_out) {
    while (c->out_off < size) {
        ssize_t w = send(c->fd, c->out + c->out_off, size - c->out_off, MSG_NOSIGNAL);
        if (w > 0) {
            c->out_off += (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!registered_out) ep_ctl(ep, EPOLL_CTL_MOD, c->fd, EPOLLIN | EPOLLOUT, idx);
            return 0;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else {
            return -1;
        }
    }
    if (registered_out) ep_ctl(ep, EPOLL_CTL_MOD, c->fd, EPOLLIN, idx);
    return 0;
}

static int run_pingpong(int nconns, int seconds, int warmup, size_t size) {
    pp_conn_t *cs = calloc((size_t)nconns, sizeof *cs);
    if (!cs) die("calloc");
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");

    /* Connect everything first (blocking), then switch to non-blocking. */
    for (int i = 0; i < nconns; i++) {
        pp_conn_t *c = &cs[i];
        c->fd = connect_nonblocking();
        c->out = malloc(size);
        c->in = malloc(size);
        if (!c->out || !c->in) die("malloc");
        ep_ctl(ep, EPOLL_CTL_ADD, c->fd, EPOLLIN, (uint32_t)i);
    }

    samples_t s = {0};
    unsigned long errors = 0;
    int alive = nconns, capped = 0, measuring = 0;
    cpu_snap_t c0, c1;
    uint64_t t_start = now_ns();
    uint64_t t_measure = t_start + (uint64_t)warmup * 1000000000ull;
    uint64_t t_end = t_measure + (uint64_t)seconds * 1000000000ull;
    if (warmup == 0) {
        cpu_snap(&c0);
        measuring = 1;
    }

    for (int i = 0; i < nconns; i++) {
        pp_conn_t *c = &cs[i];
        build_msg(c->out, size, ++c->seq);
        c->sent_ns = now_ns();
        if (pp_send(ep, c, (uint32_t)i, size, 0) < 0) die("send");
    }

    struct epoll_event evs[256];
    uint64_t now = now_ns();
    while (now < t_end && alive > 0 && !capped && errors < MAX_ERRORS) {
        int n = epoll_wait(ep, evs, 256, 50);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        now = now_ns();
        window_start(&measuring, now, t_measure, &c0);
        for (int k = 0; k < n; k++) {
            uint32_t idx = evs[k].data.u32;
            pp_conn_t *c = &cs[idx];
            if (c->fd < 0) continue;
            int bad = 0;
            if (evs[k].events & EPOLLOUT) bad = pp_send(ep, c, idx, size, 1) < 0;
            if (!bad && (evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                /* Closed loop: at most one reply can be pending. */
                int got = recv_msg(c->fd, c->in, &c->in_off, size);
                uint64_t t = now_ns();
                if (got < 0 || (got == 1 && !reply_ok(c->out, c->in, size))) {
                    bad = 1; /* EOF, error or a wrong reply */
                } else if (got == 1) {
                    if (c->sent_ns >= t_measure && t <= t_end) {
                        c->done++;
                        if (!samples_add(&s, t - c->sent_ns)) capped = 1;
                    }
                    /* Next request on this connection. */
                    c->in_off = 0;
                    c->out_off = 0;
                    build_msg(c->out, size, ++c->seq);
                    c->sent_ns = now_ns();
                    if (pp_send(ep, c, idx, size, 0) < 0) bad = 1;
                }
            }
            if (bad) {
                drop(&c->fd, &errors, &alive);
            }
        }
    }
    now = now_ns();
    if (!measuring) cpu_snap(&c0);
    cpu_snap(&c1);
    uint64_t stop = now < t_end ? now : t_end;
    double measured = stop > t_measure ? (stop - t_measure) / 1e9 : 0.0;

    /* A connection that completed nothing in the window was starved (or dead): report it. */
    int stalled = 0;
    for (int i = 0; i < nconns; i++) stalled += cs[i].done == 0;
    char head[160];
    snprintf(head, sizeof head, "mode=pingpong conns=%d size=%zu stalled=%d", nconns, size, stalled);
    print_stats(head, &s, measured, errors, capped, "", &c0, &c1);
    for (int i = 0; i < nconns; i++)
        if (cs[i].fd >= 0) close(cs[i].fd);
    return errors ? 1 : 0;
}

/* ---- connrate ------------------------------------------------------------------------ */

enum { W_IDLE, W_CONNECTING, W_READING };

typedef struct {
    int fd, state;
    uint64_t t0;       /* connect() call */
    uint64_t retry_at; /* W_IDLE: start again at this time */
    uint64_t seq;
    size_t in_off;
    uint8_t out[CONNRATE_SIZE], in[CONNRATE_SIZE];
} cr_worker_t;

static unsigned long cr_errors;

static void cr_fail(cr_worker_t *w, uint64_t now) {
    cr_errors++;
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    w->state = W_IDLE;
    w->retry_at = now + 1000000ull; /* back off 1 ms (e.g. no free local port) */
}

/* Sends the request on a connected socket and waits for the reply. */
static void cr_send(int ep, cr_worker_t *w, uint32_t idx, uint64_t now) {
    ssize_t r = send(w->fd, w->out, CONNRATE_SIZE, MSG_NOSIGNAL);
    if (r != CONNRATE_SIZE) { /* 64 bytes always fit a fresh socket's buffer */
        cr_fail(w, now);
        return;
    }
    w->state = W_READING;
    w->in_off = 0;
    ep_ctl(ep, EPOLL_CTL_MOD, w->fd, EPOLLIN, idx);
}

static void cr_start(int ep, cr_worker_t *w, uint32_t idx) {
    uint64_t now = now_ns();
    w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (w->fd < 0) {
        cr_fail(w, now);
        return;
    }
    set_nodelay(w->fd);
    build_msg(w->out, CONNRATE_SIZE, ++w->seq);
    w->t0 = now;
    int rc = connect(w->fd, (struct sockaddr *)&target, sizeof target);
    if (rc != 0 && errno != EINPROGRESS) {
        cr_fail(w, now);
        return;
    }
    w->state = W_CONNECTING;
    ep_ctl(ep, EPOLL_CTL_ADD, w->fd, EPOLLOUT, idx);
    if (rc == 0) cr_send(ep, w, idx, now);
}

static int run_connrate(int nworkers, int seconds, int warmup) {
    cr_worker_t *ws = calloc((size_t)nworkers, sizeof *ws);
    if (!ws) die("calloc");
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");

    samples_t s = {0};
    int capped = 0, measuring = 0;
    cpu_snap_t c0, c1;
    uint64_t t_start = now_ns();
    uint64_t t_measure = t_start + (uint64_t)warmup * 1000000000ull;
    uint64_t t_end = t_measure + (uint64_t)seconds * 1000000000ull;
    unsigned long errors_at_measure = 0;
    if (warmup == 0) {
        cpu_snap(&c0);
        measuring = 1;
    }
    for (int i = 0; i < nworkers; i++) {
        ws[i].fd = -1;
        cr_start(ep, &ws[i], (uint32_t)i);
    }

    struct epoll_event evs[256];
    uint64_t now = now_ns();
    while (now < t_end && !capped && cr_errors < MAX_ERRORS) {
        int any_idle = 0;
        for (int i = 0; i < nworkers; i++) any_idle |= ws[i].state == W_IDLE;
        int n = epoll_wait(ep, evs, 256, any_idle ? 1 : 50);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        now = now_ns();
        if (!measuring && now >= t_measure) errors_at_measure = cr_errors;
        window_start(&measuring, now, t_measure, &c0);
        for (int k = 0; k < n; k++) {
            uint32_t idx = evs[k].data.u32;
            cr_worker_t *w = &ws[idx];
            if (w->fd < 0) continue;
            if (w->state == W_CONNECTING) {
                int err = 0;
                socklen_t len = sizeof err;
                if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
                    cr_fail(w, now);
                    continue;
                }
                cr_send(ep, w, idx, now);
                continue;
            }
            /* W_READING */
            int got = recv_msg(w->fd, w->in, &w->in_off, CONNRATE_SIZE);
            if (got < 0 || (got == 1 && !reply_ok(w->out, w->in, CONNRATE_SIZE))) {
                cr_fail(w, now);
            } else if (got == 1) {
                close(w->fd); /* closing the fd also removes it from the epoll set */
                w->fd = -1;
                uint64_t t = now_ns();
                if (w->t0 >= t_measure && t <= t_end && !samples_add(&s, t - w->t0)) capped = 1;
                cr_start(ep, w, idx);
            }
        }
        for (int i = 0; i < nworkers; i++)
            if (ws[i].state == W_IDLE && now >= ws[i].retry_at) cr_start(ep, &ws[i], (uint32_t)i);
    }
    now = now_ns();
    if (!measuring) cpu_snap(&c0);
    cpu_snap(&c1);
    uint64_t stop = now < t_end ? now : t_end;
    double measured = stop > t_measure ? (stop - t_measure) / 1e9 : 0.0;

    char head[160];
    snprintf(head, sizeof head, "mode=connrate workers=%d size=%d", nworkers, CONNRATE_SIZE);
    print_stats(head, &s, measured, cr_errors - errors_at_measure, capped, "", &c0, &c1);
    for (int i = 0; i < nworkers; i++)
        if (ws[i].fd >= 0) close(ws[i].fd);
    return cr_errors - errors_at_measure ? 1 : 0;
}

/* ---- openloop ------------------------------------------------------------------------ */

typedef struct {
    int fd;
    uint64_t base_ns;  /* scheduled time of request 1 */
    uint64_t sent;     /* requests fully or partly written: the next one to send is sent + 1 */
    uint64_t received; /* replies verified: the next one expected is received + 1 */
    size_t out_off;    /* bytes written of request sent (when < size, it is still going out) */
    size_t in_off;
    uint64_t done;     /* replies to requests scheduled in the window */
    int want_out;      /* EPOLLOUT registered */
    uint8_t *out, *in, *expect;
} ol_conn_t;

/* Scheduled send time of request k (k >= 1) on a connection. */
static uint64_t ol_sched(const ol_conn_t *c, uint64_t k, uint64_t interval_ns) {
    return c->base_ns + (k - 1) * interval_ns;
}

/* Requests of a connection scheduled before time t. */
static uint64_t ol_count_before(const ol_conn_t *c, uint64_t t, uint64_t interval_ns) {
    return t > c->base_ns ? (t - c->base_ns + interval_ns - 1) / interval_ns : 0;
}

static void ol_want_out(int ep, ol_conn_t *c, uint32_t idx, int on) {
    if (c->want_out == on) return;
    ep_ctl(ep, EPOLL_CTL_MOD, c->fd, on ? EPOLLIN | EPOLLOUT : EPOLLIN, idx);
    c->want_out = on;
}

/* Writes every request that is due by `now` (finishing a partial one first), up to
 * MAX_INFLIGHT outstanding. Send lags of requests scheduled in [t_measure, t_end) go to lag.
 * Returns -1 on a socket error. */
static int ol_send_due(int ep, ol_conn_t *c, uint32_t idx, size_t size, uint64_t interval_ns, uint64_t now,
                       uint64_t t_measure, uint64_t t_end, samples_t *lag, unsigned long *late) {
    for (;;) {
        if (c->out_off == size) { /* the current request is out: is the next one due? */
            uint64_t next = c->sent + 1, at = ol_sched(c, next, interval_ns);
            if (at > now || at >= t_end || next - c->received > MAX_INFLIGHT) break;
            build_msg(c->out, size, next);
            c->sent = next;
            c->out_off = 0;
            if (at >= t_measure) {
                uint64_t l = now_ns() - at;
                samples_add(lag, l);
                if (l > LATE_US * 1000ull) (*late)++;
            }
        }
        ssize_t w = send(c->fd, c->out + c->out_off, size - c->out_off, MSG_NOSIGNAL);
        if (w > 0) {
            c->out_off += (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ol_want_out(ep, c, idx, 1);
            return 0;
        } else {
            return -1;
        }
    }
    ol_want_out(ep, c, idx, 0);
    return 0;
}

static int run_openloop(int nconns, int seconds, int warmup, size_t size, long rate) {
    ol_conn_t *cs = calloc((size_t)nconns, sizeof *cs);
    if (!cs) die("calloc");
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    /* Timers to the nanosecond: the default 50 us slack would bunch sends at 10k/s. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    for (int i = 0; i < nconns; i++) {
        ol_conn_t *c = &cs[i];
        c->fd = connect_nonblocking();
        c->out = malloc(size);
        c->in = malloc(size);
        c->expect = malloc(size);
        if (!c->out || !c->in || !c->expect) die("malloc");
        c->out_off = size; /* nothing partly written */
        ep_ctl(ep, EPOLL_CTL_ADD, c->fd, EPOLLIN, (uint32_t)i);
    }

    uint64_t gap_ns = 1000000000ull / (uint64_t)rate;            /* between any two sends */
    uint64_t interval_ns = gap_ns * (uint64_t)nconns;           /* between sends on one connection */
    samples_t s = {0}, lag = {0};
    unsigned long errors = 0, late = 0;
    int alive = nconns, capped = 0, measuring = 0;
    cpu_snap_t c0, c1;
    uint64_t t_start = now_ns() + 1000000ull; /* first sends 1 ms from now */
    uint64_t t_measure = t_start + (uint64_t)warmup * 1000000000ull;
    uint64_t t_end = t_measure + (uint64_t)seconds * 1000000000ull;
    uint64_t t_stop = t_end + DRAIN_S * 1000000000ull;
    for (int i = 0; i < nconns; i++) cs[i].base_ns = t_start + (uint64_t)i * gap_ns;
    if (warmup == 0) {
        cpu_snap(&c0);
        measuring = 1;
    }

    struct epoll_event evs[256];
    uint64_t now = now_ns();
    while (now < t_stop && alive > 0 && !capped && errors < MAX_ERRORS) {
        /* Sleep until the earliest next scheduled send (or a reply). */
        uint64_t wake = t_stop, pending = 0;
        for (int i = 0; i < nconns; i++) {
            ol_conn_t *c = &cs[i];
            if (c->fd < 0) continue;
            uint64_t at = ol_sched(c, c->sent + 1, interval_ns);
            int blocked = c->sent + 1 - c->received > MAX_INFLIGHT; /* woken by a reply instead */
            if (at < t_end && c->out_off == size && !blocked && at < wake) wake = at;
            pending += c->sent - c->received;
        }
        if (now >= t_end && pending == 0) break; /* every reply is in */
        struct timespec ts = {0, 0};
        if (wake > now) {
            ts.tv_sec = (time_t)((wake - now) / 1000000000ull);
            ts.tv_nsec = (long)((wake - now) % 1000000000ull);
        }
        int n = epoll_pwait2(ep, evs, 256, &ts, NULL);
        if (n < 0 && errno != EINTR) die("epoll_pwait2");
        now = now_ns();
        window_start(&measuring, now, t_measure, &c0);
        for (int k = 0; k < n; k++) {
            uint32_t idx = evs[k].data.u32;
            ol_conn_t *c = &cs[idx];
            if (c->fd < 0) continue;
            int bad = 0;
            if (evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                int got;
                while ((got = recv_msg(c->fd, c->in, &c->in_off, size)) == 1) {
                    uint64_t t = now_ns(), seq = c->received + 1;
                    build_msg(c->expect, size, seq);
                    if (seq > c->sent || !reply_ok(c->expect, c->in, size)) break;
                    c->received = seq;
                    c->in_off = 0;
                    uint64_t at = ol_sched(c, seq, interval_ns);
                    if (at >= t_measure && at < t_end) {
                        c->done++;
                        if (!samples_add(&s, t - at)) capped = 1;
                    }
                }
                bad = got != 0; /* EOF, error, or (got == 1) a reply that is not the expected one */
            }
            if (!bad && (evs[k].events & EPOLLOUT))
                bad = ol_send_due(ep, c, idx, size, interval_ns, now, t_measure, t_end, &lag, &late) < 0;
            if (bad) {
                drop(&c->fd, &errors, &alive);
            }
        }
        now = now_ns();
        for (int i = 0; i < nconns; i++) {
            ol_conn_t *c = &cs[i];
            if (c->fd < 0 || c->want_out) continue;
            if (ol_send_due(ep, c, (uint32_t)i, size, interval_ns, now, t_measure, t_end, &lag, &late) < 0) {
                drop(&c->fd, &errors, &alive);
            }
        }
    }
    now = now_ns();
    if (!measuring) cpu_snap(&c0);
    cpu_snap(&c1);
    double measured = (t_end - t_measure) / 1e9;

    /* Requests scheduled in the window that never got their reply: unsent (the connection
     * died, or MAX_INFLIGHT was reached until the end) or unanswered by the end of the drain. */
    uint64_t scheduled = 0, answered = 0;
    int stalled = 0;
    for (int i = 0; i < nconns; i++) {
        scheduled += ol_count_before(&cs[i], t_end, interval_ns) - ol_count_before(&cs[i], t_measure, interval_ns);
        answered += cs[i].done;
        stalled += cs[i].done == 0;
    }
    qsort(lag.v, lag.n, sizeof *lag.v, cmp_u32);
    char head[200], extra[200];
    snprintf(head, sizeof head, "mode=openloop conns=%d size=%zu target_rate=%ld stalled=%d", nconns, size, rate, stalled);
    snprintf(extra, sizeof extra, "scheduled=%llu unanswered=%llu late_sends=%lu lag_p99_us=%.1f lag_max_us=%.1f",
             (unsigned long long)scheduled, (unsigned long long)(scheduled - answered), late, pct_us(&lag, 99),
             pct_us(&lag, 100));
    print_stats(head, &s, measured, errors, capped, extra, &c0, &c1);
    for (int i = 0; i < nconns; i++)
        if (cs[i].fd >= 0) close(cs[i].fd);
    return errors || scheduled != answered ? 1 : 0;
}

/* ---- check --------------------------------------------------------------------------- */

static int run_check(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    set_timeouts(fd, CONNECT_TIMEOUT_S);
    int ok = 0;
    uint8_t out[CONNRATE_SIZE], in[CONNRATE_SIZE];
    build_msg(out, sizeof out, 1);
    if (connect(fd, (struct sockaddr *)&target, sizeof target) == 0 &&
        send(fd, out, sizeof out, MSG_NOSIGNAL) == (ssize_t)sizeof out) {
        size_t got = 0;
        for (int tries = 0; tries < 64 && got < sizeof in; tries++) {
            ssize_t r = recv(fd, in + got, sizeof in - got, 0);
            if (r <= 0) break;
            got += (size_t)r;
        }
        ok = got == sizeof in && reply_ok(out, in, sizeof in);
    }
    close(fd);
    printf("mode=check ok=%d\n", ok);
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    int warmup = 1;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "-w") == 0) {
        warmup = (int)parse_long(argv[a + 1], 0, MAX_SECONDS, "WARMUP_S");
        a += 2;
    }
    if (a >= argc) usage();
    const char *mode = argv[a];
    int rest = argc - a - 1;
    char **p = argv + a + 1;
    if (strcmp(mode, "pingpong") == 0 && rest == 5) {
        resolve(p[0], p[1]);
        return run_pingpong((int)parse_long(p[2], 1, MAX_CONNS, "CONNS"), (int)parse_long(p[3], 1, MAX_SECONDS, "SECONDS"),
                            warmup, (size_t)parse_long(p[4], MIN_SIZE, MAX_SIZE, "SIZE"));
    }
    if (strcmp(mode, "connrate") == 0 && rest == 4) {
        resolve(p[0], p[1]);
        return run_connrate((int)parse_long(p[2], 1, MAX_CONNS, "WORKERS"), (int)parse_long(p[3], 1, MAX_SECONDS, "SECONDS"),
                            warmup);
    }
    if (strcmp(mode, "openloop") == 0 && rest == 6) {
        resolve(p[0], p[1]);
        return run_openloop((int)parse_long(p[2], 1, MAX_CONNS, "CONNS"), (int)parse_long(p[3], 1, MAX_SECONDS, "SECONDS"),
                            warmup, (size_t)parse_long(p[4], MIN_SIZE, MAX_SIZE, "SIZE"), parse_long(p[5], 1, MAX_RATE, "RATE"));
    }
    if (strcmp(mode, "check") == 0 && rest == 2) {
        resolve(p[0], p[1]);
        return run_check();
    }
    usage();
    return 2;
}
