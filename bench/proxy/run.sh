#!/usr/bin/env bash
# Side-by-side L4 proxy benchmark on 127.0.0.1 in one run: no proxy (direct), HAProxy `mode
# tcp`, HAProxy with splice (bulk rows only), nginx `stream`, and `berth proxy` with the access
# log off and with it written to a file. Writes bench/results/proxy-<timestamp>.{md,csv,json,raw}
# and the proxies' logs as bench/results/proxy-<timestamp>.<target>.log. bench/run.sh drives
# it (and adds the chart); run this one directly to skip the chart or the jar build.
#
#   BERTH_JAR=/path/to/berth.jar bench/proxy/run.sh
#
# Knobs (environment): DURATION=5 measured seconds per request/response row, WARMUP=1 warm-up
# seconds before each such row, BULK_SECONDS=5 and BULK_OMIT=1 (iperf3 -t/-O), BERTH_WARMUP=60
# seconds of mixed load (JIT warm-up) before measuring each Berth target, CONNS=64, WORKERS=4, SIZE=64,
# OPEN_RATE=10000 req/s over OPEN_CONNS=64 connections (open-loop row),
# IDLE_CONNS=9000, PORT_BASE=19200 (uses PORT_BASE..PORT_BASE+49 on 127.0.0.1),
# PROXY_CPU=1, LOAD_CPU=0, IDLE_WAIT=30 (seconds to wait for other load to go away),
# TARGETS="direct haproxy haproxy-splice nginx berth berth-uring" (a subset, in this order; also
# berth-log: berth with its JSON access log on).
# Set by bench/run.sh: BENCH_STAMP (the results' file stamp), BERTH_COMMIT (what the jar was
# built from, for the report).
#
#   bench/proxy/run.sh --combine bench/results/proxy-A.csv bench/results/proxy-B.csv ...
# prints the same tables over several runs (median [min-max]; ratios per run, then median).
# See bench/proxy/README.md.
set -euo pipefail

# ---- configuration ------------------------------------------------------------------------

PROXY_BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(cd "$PROXY_BENCH_DIR/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
KNOBS="DURATION WARMUP BULK_SECONDS BULK_OMIT BERTH_WARMUP CONNS WORKERS SIZE OPEN_RATE OPEN_CONNS IDLE_CONNS PORT_BASE PROXY_CPU LOAD_CPU IDLE_WAIT TARGETS"
USER_SETTINGS=""                     # knobs set in the environment, for the command line in the report
for knob in $KNOBS; do
  [[ -n "${!knob:-}" ]] && USER_SETTINGS+="$knob='${!knob}' "
done
[[ -n "${BERTH_JAR:-}" ]] && USER_SETTINGS="BERTH_JAR=$BERTH_JAR $USER_SETTINGS"
export BERTH_JAR="${BERTH_JAR:-$REPO_DIR/berth-cli/target/berth.jar}"   # bin/berth honours it

HOST=127.0.0.1                       # every listener, backend and client is on loopback
IDLE_SRC=127.0.0.2                   # source address of the idle connections (own port range)
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-1}"
BULK_SECONDS="${BULK_SECONDS:-5}"
BULK_OMIT="${BULK_OMIT:-1}"
BERTH_WARMUP="${BERTH_WARMUP:-60}"
CONNS="${CONNS:-64}"
WORKERS="${WORKERS:-4}"
SIZE="${SIZE:-64}"
OPEN_RATE="${OPEN_RATE:-10000}"
OPEN_CONNS="${OPEN_CONNS:-64}"
IDLE_CONNS="${IDLE_CONNS:-9000}"
PORT_BASE="${PORT_BASE:-19200}"
PROXY_CPU="${PROXY_CPU:-1}"
LOAD_CPU="${LOAD_CPU:-0}"
IDLE_WAIT="${IDLE_WAIT:-30}"
TARGETS="${TARGETS:-direct haproxy haproxy-splice nginx berth berth-uring}"
ALL_TARGETS="direct haproxy haproxy-splice nginx berth berth-uring berth-log"
NOISY_PCT=5                          # other programs using this % of all CPUs = noisy row
SETTLE_MAX_S="${SETTLE_MAX_S:-65}"   # longest wait for TIME_WAIT sockets to expire before a target's rr rows
SETTLE_TW="${SETTLE_TW:-1000}"       # ... down to at most this many on the host
BUDGET_S=570                         # no new target after this many seconds (the report is still written)
NCPU="$(nproc)"
CLK_TCK="$(getconf CLK_TCK)"

ECHO_PORT="$PORT_BASE"               # echod (request/response backend)
IPERF_PORT=$((PORT_BASE + 1))        # iperf3 -s (bulk backend)

TOOLS_BUILD="$PROXY_BENCH_DIR/tools/build"   # git-ignored via bench/proxy/.gitignore
ECHOLOAD="$TOOLS_BUILD/echoload"
ECHOD="$TOOLS_BUILD/echod"
IDLEHOLD="$TOOLS_BUILD/idlehold"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="${BENCH_STAMP:-$(date -u +%Y%m%dT%H%M%SZ)}"
BERTH_COMMIT="${BERTH_COMMIT:-}"
OUT_MD="$RESULTS_DIR/proxy-$STAMP.md"
OUT_CSV="$RESULTS_DIR/proxy-$STAMP.csv"
OUT_JSON="$RESULTS_DIR/proxy-$STAMP.json"
OUT_RAW="$RESULTS_DIR/proxy-$STAMP.raw"
WORK_DIR=""                          # private temp dir on /tmp (configs, the access log)

STARTED_PIDS=()                      # every background process this script started
declare -A STOPPED=()
declare -A EXTRA_PIDS=()             # pid -> comm of children of a started process (nginx workers)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "error: $*"; exit 1; }
raw() { echo "$*" >>"$OUT_RAW"; }

# ---- process bookkeeping ------------------------------------------------------------------

# PIDs whose parent is $1 (read from /proc; bounded by the number of processes).
children_of() {
  local parent="$1" f line
  for f in /proc/[0-9]*/stat; do
    line="$(cat "$f" 2>/dev/null)" || continue
    line="${line##*) }"
    [[ "$(cut -d' ' -f2 <<<"$line")" == "$parent" ]] && echo "${f//[^0-9]/}"
  done
  return 0
}

comm_of() { cat "/proc/$1/comm" 2>/dev/null || true; }

# Starts "$@" in the background pinned to CPU $1; sets BG_PID and remembers it for cleanup.
BG_PID=""
start_bg() {
  local cpu="$1" logfile="$2"
  shift 2
  taskset -c "$cpu" "$@" >"$logfile" 2>&1 &
  BG_PID=$!
  STARTED_PIDS+=("$BG_PID")
}

# Stops one process we started, by PID: SIGTERM, up to 10 s, then SIGKILL. Children we saw
# (nginx workers) are signalled by PID afterwards if they are still there under the same name.
stop_pid() {
  local pid="$1" i kid
  [[ -n "${STOPPED[$pid]:-}" ]] && return 0
  STOPPED[$pid]=1
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  for kid in "${!EXTRA_PIDS[@]}"; do
    if [[ "${EXTRA_PIDS[$kid]}" == "$pid:"* && "$(comm_of "$kid")" == "${EXTRA_PIDS[$kid]#*:}" ]]; then
      kill -KILL "$kid" 2>/dev/null || true
    fi
  done
  return 0
}

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_pid "$pid"
  done
  [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]] && rm -rf "$WORK_DIR"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- measurement primitives ---------------------------------------------------------------

# The proxy's processes: the started PID and its direct children (nginx's worker). Sets TREE.
TREE=""
proxy_tree() {
  local root="$1" kid
  TREE="$root"
  for kid in $(children_of "$root"); do
    TREE+=" $kid"
    EXTRA_PIDS[$kid]="$root:$(comm_of "$kid")"
  done
}

# CPU time (clock ticks) used so far by the processes in TREE: utime+stime of each. For a
# thread group the kernel reports the exact summed run time (sum_exec_runtime, dead threads
# included), in ticks; loopback softirq work done inline in the proxy's system calls counts
# too (this kernel has no IRQ_TIME_ACCOUNTING).
tree_ticks() {
  local pid sum=0 line
  for pid in $TREE; do
    line="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    line="${line##*) }"
    read -r -a f <<<"$line"
    sum=$((sum + f[11] + f[12]))
  done
  echo "$sum"
}

# Resident memory (KiB) of the processes in TREE, summed.
tree_rss_kib() {
  local pid sum=0 v
  for pid in $TREE; do
    v="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# "busy idle" ticks of CPU $1 so far (/proc/stat; idle is exact on this NO_HZ kernel).
cpu_ticks() {
  awk -v c="cpu$1" '$1 == c { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat
}

# CPU time (ticks) used so far by processes that are neither this script's descendants nor
# kernel threads: other people's programs (exited ones via their parent's cutime/cstime).
other_ticks() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v self="$$" '
    {
      pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
      ppid[pid] = f[2]; t[pid] = f[12] + f[13] + f[14] + f[15]
    }
    END {
      for (p in t) {
        if (p == 2 || ppid[p] == 2) continue
        q = p; own = 0
        for (d = 0; d < 64 && q > 1; d++) { if (q == self) { own = 1; break } q = ppid[q] }
        if (!own) sum += t[p]
      }
      printf "%d\n", sum
    }'
}

# Snapshots before/after a measured step. snap_begin; ...; snap_end sets:
#   D_WALL (s), D_PROXY (proxy CPU s), D_CPU1 (busy s of PROXY_CPU), D_OTHER (% of all CPUs
#   used by other programs during the step).
S_WALL=0 S_PROXY=0 S_CPU1="" S_OTHER=0
D_WALL=0 D_PROXY=0 D_CPU1=0 D_OTHER=0
snap_begin() {
  S_OTHER="$(other_ticks)"
  S_CPU1="$(cpu_ticks "$PROXY_CPU")"
  S_PROXY="$(tree_ticks)"
  S_WALL="$EPOCHREALTIME"
}
snap_end() {
  local w proxy cpu1 other
  w="$EPOCHREALTIME"
  proxy="$(tree_ticks)"
  cpu1="$(cpu_ticks "$PROXY_CPU")"
  other="$(other_ticks)"
  read -r D_WALL D_PROXY D_CPU1 D_OTHER < <(awk -v w0="$S_WALL" -v w1="$w" -v p0="$S_PROXY" -v p1="$proxy" \
    -v c0="$S_CPU1" -v c1="$cpu1" -v o0="$S_OTHER" -v o1="$other" -v hz="$CLK_TCK" -v n="$NCPU" 'BEGIN {
      split(c0, a, " "); split(c1, b, " ")
      wall = w1 - w0; idle = (b[2] - a[2]) / hz
      busy = wall - idle; if (busy < 0) busy = 0
      oth = wall > 0 ? 100 * (o1 - o0) / hz / wall / n : 0; if (oth < 0) oth = 0
      printf "%.4f %.4f %.4f %.1f\n", wall, (p1 - p0) / hz, busy, oth
    }')
}

# Value of key $1 in the key=value line $2 ("-" if absent).
kv() {
  awk -v k="$1" '{ v = "-"; for (i = 1; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == k) v = substr($i, n + 1) } print v }' <<<"$2"
}

# a / b * scale, formatted; "-" when an input is missing or b is 0.
ratio() {
  awk -v a="$1" -v b="$2" -v s="${3:-1}" -v f="${4:-%.2f}" 'BEGIN {
    if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) { print "-"; exit }
    printf f "\n", a / b * s }'
}

# ---- setup --------------------------------------------------------------------------------

# shellcheck source=../lib/install.sh
source "$BENCH_DIR/lib/install.sh"

install_tools() {
  local need=()
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v nginx >/dev/null || need+=(nginx)
  [[ -e /usr/lib/nginx/modules/ngx_stream_module.so ]] || need+=(libnginx-mod-stream)
  command -v iperf3 >/dev/null || need+=(iperf3)
  command -v gcc >/dev/null || need+=(gcc)
  if ((${#need[@]} == 0)); then
    log "haproxy, nginx (+stream), iperf3 and gcc are installed"
    return 0
  fi
  log "installing ${need[*]} (apt-get; no service is started)"
  bench_apt_install "${need[@]}" || fail "apt-get install ${need[*]} failed"
}

build_tools() {
  mkdir -p "$TOOLS_BUILD"
  gcc -O2 -Wall -Wextra -o "$ECHOLOAD" "$BENCH_DIR/tools/echoload.c"
  gcc -O2 -Wall -Wextra -o "$ECHOD" "$PROXY_BENCH_DIR/tools/echod.c"
  gcc -O2 -Wall -Wextra -o "$IDLEHOLD" "$PROXY_BENCH_DIR/tools/idlehold.c"
  log "built echoload, echod, idlehold in $TOOLS_BUILD"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

preflight() {
  local v t port
  for v in DURATION WARMUP BULK_SECONDS BULK_OMIT BERTH_WARMUP CONNS WORKERS SIZE OPEN_RATE OPEN_CONNS IDLE_CONNS PORT_BASE PROXY_CPU LOAD_CPU IDLE_WAIT; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || fail "$v must be a non-negative integer, got '${!v}'"
  done
  ((DURATION >= 1 && DURATION <= 30 && WARMUP <= 10)) || fail "DURATION must be 1..30, WARMUP <= 10"
  ((BULK_SECONDS >= 1 && BULK_SECONDS <= 30 && BULK_OMIT <= 5)) || fail "BULK_SECONDS 1..30, BULK_OMIT <= 5"
  ((BERTH_WARMUP <= 60 && IDLE_WAIT <= 60)) || fail "BERTH_WARMUP and IDLE_WAIT must be <= 60"
  ((CONNS >= 1 && CONNS <= 1024 && WORKERS >= 1 && WORKERS <= 64)) || fail "CONNS 1..1024, WORKERS 1..64"
  ((SIZE >= 16 && SIZE <= 65536)) || fail "SIZE must be 16..65536"
  ((OPEN_RATE >= 1 && OPEN_RATE <= 200000 && OPEN_CONNS >= 1 && OPEN_CONNS <= 1024)) || fail "OPEN_RATE 1..200000, OPEN_CONNS 1..1024"
  ((IDLE_CONNS <= 9500)) || fail "IDLE_CONNS must be <= 9500 (a proxy needs 2 fds per connection; 20000 is the fd limit here)"
  ((PORT_BASE >= 1024 && PORT_BASE <= 65000)) || fail "PORT_BASE must be 1024..65000"
  ((PROXY_CPU < NCPU && LOAD_CPU < NCPU && PROXY_CPU != LOAD_CPU)) ||
    fail "need two distinct CPUs PROXY_CPU=$PROXY_CPU LOAD_CPU=$LOAD_CPU (this machine has $NCPU)"
  for t in $TARGETS; do
    [[ " $ALL_TARGETS " == *" $t "* ]] || fail "unknown target '$t' (known: $ALL_TARGETS)"
  done
  if [[ " $TARGETS " == *" berth"* ]]; then
    [[ -f "$BERTH_JAR" ]] || fail "berth jar not found at $BERTH_JAR (set BERTH_JAR)"
  fi
  command -v taskset >/dev/null || fail "taskset (util-linux) is missing"
  for port in $(seq "$PORT_BASE" $((PORT_BASE + 49))); do
    port_open "$port" && fail "127.0.0.1:$port is already in use; choose another PORT_BASE"
  done
  # Each process needs up to ~2 x IDLE_CONNS descriptors (the proxy) or IDLE_CONNS (echod,
  # idlehold). Children inherit this soft limit; the JVM, HAProxy and nginx raise their own.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  (($(ulimit -n) >= 2 * IDLE_CONNS + 500)) || fail "ulimit -n is $(ulimit -n); need $((2 * IDLE_CONNS + 500)) for IDLE_CONNS=$IDLE_CONNS"
  return 0
}

# Percent of all CPUs busy over one second: the load from other programs before we start.
BUSY_NOW=0
busy_percent() {
  local a b
  a="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)"
  sleep 1
  b="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)"
  BUSY_NOW="$(awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
    busy = y[1] - x[1]; idle = y[2] - x[2]; pct = busy + idle > 0 ? 100 * busy / (busy + idle) : 0
    printf "%d\n", pct }')"
}

wait_for_quiet() {
  local limit="$1" i
  for ((i = 0; i < limit; i++)); do
    busy_percent
    ((BUSY_NOW < NOISY_PCT)) && return 0
  done
  ((limit == 0)) && busy_percent
  ((BUSY_NOW < NOISY_PCT)) && return 0
  log "other programs keep ${BUSY_NOW}% of the CPUs busy; going on (results may be noisy)"
  return 0
}

# ---- backends -----------------------------------------------------------------------------

start_backends() {
  start_bg "$LOAD_CPU" "$WORK_DIR/echod.log" "$ECHOD" "$HOST" "$ECHO_PORT" $((BUDGET_S + 120))
  ECHOD_PID="$BG_PID"
  start_bg "$LOAD_CPU" "$WORK_DIR/iperf3-server.log" iperf3 -s -B "$HOST" -p "$IPERF_PORT"
  IPERF_PID="$BG_PID"
  wait_echo "$ECHO_PORT" "$ECHOD_PID" || fail "echod did not start (see $WORK_DIR/echod.log)"
  local i
  for ((i = 0; i < 50; i++)); do
    port_open "$IPERF_PORT" && return 0
    kill -0 "$IPERF_PID" 2>/dev/null || fail "iperf3 -s exited: $(cat "$WORK_DIR/iperf3-server.log")"
    sleep 0.2
  done
  fail "iperf3 -s did not listen on $IPERF_PORT"
}

# Waits (at most 30 s) until port $1 answers one 64-byte echo; $2 is the PID that must stay up.
wait_echo() {
  local port="$1" pid="$2" i
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    "$ECHOLOAD" check "$HOST" "$port" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# ---- proxies ------------------------------------------------------------------------------
# Each proxy has two listeners: RR_PORT -> echod (request/response, idle) and BULK_PORT ->
# iperf3 -s (bulk). Every one is pinned to PROXY_CPU with a single event loop / thread.

RR_PORT=0 BULK_PORT=0 ADMIN_PORT=0 PROXY_PID=""
ports_for() { # target index -> ports
  RR_PORT=$((PORT_BASE + 10 + 2 * $1))
  BULK_PORT=$((PORT_BASE + 11 + 2 * $1))
  ADMIN_PORT=$((PORT_BASE + 40 + $1))
}

write_haproxy_cfg() {
  local cfg="$1" splice="$2" maxconn=$((IDLE_CONNS + 300))
  # Splicing reserves pipes (2 fds each, maxconn/4 of them by default): with the idle test's
  # maxconn that exceeds the 20000-fd limit, and the splice target only runs the bulk rows.
  [[ "$splice" == yes ]] && maxconn=1000
  cat >"$cfg" <<EOF
# HAProxy 2.6, one thread, plain TCP relay; generated by bench/proxy/run.sh
global
    nbthread 1
    maxconn $maxconn
defaults
    mode tcp
    maxconn $maxconn
    timeout connect 5s
    timeout client 1h
    timeout server 1h
$( [[ "$splice" == yes ]] && printf '    option splice-request\n    option splice-response\n' )
frontend rr
    bind $HOST:$RR_PORT
    default_backend echo
frontend bulk
    bind $HOST:$BULK_PORT
    default_backend iperf
backend echo
    server echod $HOST:$ECHO_PORT
backend iperf
    server iperf3 $HOST:$IPERF_PORT
EOF
}

start_haproxy() {
  local cfg="$WORK_DIR/haproxy-$1.cfg"
  write_haproxy_cfg "$cfg" "$2"
  haproxy -c -q -f "$cfg" >/dev/null || fail "haproxy rejects $cfg: $(haproxy -c -f "$cfg" 2>&1 | tail -n 3)"
  start_bg "$PROXY_CPU" "$3" haproxy -db -f "$cfg"
}

start_nginx() {
  local dir="$WORK_DIR/nginx" cfg
  mkdir -p "$dir/logs"
  cfg="$dir/nginx.conf"
  cat >"$cfg" <<EOF
# nginx 1.22 stream, one worker; generated by bench/proxy/run.sh
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $((2 * IDLE_CONNS + 500));
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events {
    worker_connections $((2 * IDLE_CONNS + 400));
}
stream {
    proxy_timeout 1h;
    server {
        listen $HOST:$RR_PORT backlog=1024;
        proxy_pass $HOST:$ECHO_PORT;
    }
    server {
        listen $HOST:$BULK_PORT;
        proxy_pass $HOST:$IPERF_PORT;
    }
}
EOF
  nginx -t -q -p "$dir" -c "$cfg" -e "$dir/logs/error.log" >/dev/null 2>&1 || fail "nginx rejects $cfg: $(nginx -t -p "$dir" -c "$cfg" -e "$dir/logs/error.log" 2>&1 | tail -n 3)"
  start_bg "$PROXY_CPU" "$1" nginx -p "$dir" -c "$cfg" -e "$dir/logs/error.log"
}

start_berth() { # $1 log file, $2 access_log value (off or a path), $3 transport (default auto: epoll)
  local cfg="$WORK_DIR/berth-$ADMIN_PORT.yaml" al="$2"
  [[ "$al" == off ]] && al='"off"'
  cat >"$cfg" <<EOF
# berth proxy, one event loop; generated by bench/proxy/run.sh
admin:
  address: $HOST:$ADMIN_PORT
listeners:
  - name: rr
    address: $HOST:$RR_PORT
    cluster: echo
    access_log: $al
    zero_copy: ${BERTH_ZERO_COPY:-auto}
  - name: bulk
    address: $HOST:$BULK_PORT
    cluster: iperf
    access_log: $al
    zero_copy: ${BERTH_ZERO_COPY:-auto}
clusters:
  - name: echo
    endpoints: [$HOST:$ECHO_PORT]
    max_connections: $((IDLE_CONNS + 1000))
  - name: iperf
    endpoints: [$HOST:$IPERF_PORT]
shutdown:
  drain_timeout: 2s
EOF
  "$REPO_DIR/bin/berth" proxy --config "$cfg" --check >/dev/null 2>&1 ||
    fail "berth rejects $cfg: $("$REPO_DIR/bin/berth" proxy --config "$cfg" --check 2>&1 | tail -n 3)"
  start_bg "$PROXY_CPU" "$1" "$REPO_DIR/bin/berth" proxy --config "$cfg" --threads 1 --transport "${3:-auto}" --log-level warn
}

# ---- rows ---------------------------------------------------------------------------------

# Row results of the current target (reset per target).
declare -A R=()
NOTES=()
note() { NOTES+=("$*"); log "$CUR_TARGET: $*"; }
track_other() { awk -v a="$1" -v b="${R[other]:-0}" 'BEGIN { exit !(a > b) }' && R[other]="$1"; return 0; }

# iperf3 through PORT with P streams; sets R[bulkP_gbps], R[bulkP_cs_gb], R[bulkP_core_cs_gb].
bulk_row() {
  local key="$1" port="$2" streams="$3" json="$WORK_DIR/iperf3.json" rc=0 parsed gbps bytes err
  sleep 0.5                          # let iperf3 -s finish the previous test
  snap_begin
  timeout $((BULK_SECONDS + BULK_OMIT + 20)) taskset -c "$LOAD_CPU" \
    iperf3 -c "$HOST" -p "$port" -t "$BULK_SECONDS" -O "$BULK_OMIT" -P "$streams" -J >"$json" 2>&1 || rc=$?
  snap_end
  # Receiver bit rate of the measured seconds; bytes of every interval, omitted ones included,
  # to match the CPU time, which covers the whole iperf3 run.
  parsed="$(awk '
      /"error":/ { sub(/^[^:]*:[ \t]*/, ""); err = $0 }
      /"sum":[ \t]*\{/ { s = 1; next }
      /"sum_received":[ \t]*\{/ { r = 1; next }
      s && $1 == "\"bytes\":" { v = $2; gsub(/[^0-9.eE+-]/, "", v); total += v; s = 0 }
      r && $1 == "\"bits_per_second\":" { v = $2; gsub(/[^0-9.eE+-]/, "", v); bps = v; r = 0 }
      END { printf "%s %s %s\n", (bps == "" ? "-" : bps / 1e9), (total == "" ? "-" : total), (err == "" ? "-" : "error") }' "$json")"
  read -r gbps bytes err <<<"$parsed"
  raw "target=$CUR_TARGET test=$key exit=$rc gbps=$gbps bytes_all_intervals=$bytes wall_s=$D_WALL proxy_cpu_s=$D_PROXY cpu${PROXY_CPU}_busy_s=$D_CPU1 other_load=$D_OTHER"
  if [[ "$rc" != 0 || "$err" != "-" || "$gbps" == "-" ]]; then
    note "$key: iperf3 failed (exit $rc): $(grep -m1 '"error"' "$json" || tail -n 2 "$json" | tr '\n' ' ')"
    R[failed]=$((${R[failed]:-0} + 1))
    return 0
  fi
  track_other "$D_OTHER"
  R[${key}_gbps]="$(printf '%.2f' "$gbps")"
  if [[ "$CUR_TARGET" != direct ]]; then
    R[${key}_cs_gb]="$(ratio "$D_PROXY" "$bytes" 1e9 '%.3f')"
    R[${key}_core_cs_gb]="$(ratio "$D_CPU1" "$bytes" 1e9 '%.3f')"
  fi
  log "$CUR_TARGET $key: $(printf '%.2f' "$gbps") Gbit/s, proxy ${R[${key}_cs_gb]:--} core-s/GB, other load ${D_OTHER}%"
}

# echoload run pinned to LOAD_CPU, bounded by timeout; sets LINE (empty on setup failure).
LINE=""
echoload_run() {
  local seconds="$1" rc=0
  shift
  LINE="$(timeout $((seconds + 20)) taskset -c "$LOAD_CPU" "$ECHOLOAD" -w 0 "$@" 2>"$WORK_DIR/echoload.err")" || rc=$?
  [[ -z "$LINE" ]] && LINE="exit=$rc error=$(tr '\n' ' ' <"$WORK_DIR/echoload.err")"
  return 0
}

# One echoload run of MODE (pingpong, connrate, openloop) through PORT with N connections or
# workers for SECONDS; sets LINE.
echoload_mode() {
  local mode="$1" port="$2" n="$3" seconds="$4"
  case "$mode" in
    pingpong) echoload_run "$seconds" pingpong "$HOST" "$port" "$n" "$seconds" "$SIZE" ;;
    connrate) echoload_run "$seconds" connrate "$HOST" "$port" "$n" "$seconds" ;;
    openloop) echoload_run "$seconds" openloop "$HOST" "$port" "$n" "$seconds" "$SIZE" "$OPEN_RATE" ;;
  esac
}

# pingpong / connrate / openloop row: WARMUP s on fresh connections (discarded), then DURATION s
# measured on fresh connections, with the proxy's CPU time over the measured run.
rr_row() {
  local key="$1" port="$2" mode="$3" n="$4" rate count errs unanswered
  if ((WARMUP > 0)); then
    echoload_mode "$mode" "$port" "$n" "$WARMUP"
    raw "target=$CUR_TARGET test=$key-warmup $LINE"
  fi
  snap_begin
  echoload_mode "$mode" "$port" "$n" "$DURATION"
  snap_end
  raw "target=$CUR_TARGET test=$key wall_s=$D_WALL proxy_cpu_s=$D_PROXY cpu${PROXY_CPU}_busy_s=$D_CPU1 other_load=$D_OTHER $LINE"
  rate="$(kv rate "$LINE")"
  count="$(kv count "$LINE")"
  errs="$(kv errors "$LINE")"
  if [[ "$rate" == "-" ]]; then
    note "$key: echoload failed: $LINE"
    R[failed]=$((${R[failed]:-0} + 1))
    return 0
  fi
  track_other "$D_OTHER"
  R[errors]=$((${R[errors]:-0} + errs))
  R[stalled]=$((${R[stalled]:-0} + $(kv stalled "$LINE" | sed 's/^-$/0/')))
  ((errs > 0)) && note "$key: $errs errors"
  [[ "$(kv stalled "$LINE")" =~ ^[1-9] ]] && note "$key: $(kv stalled "$LINE") stalled connections"
  if [[ "$mode" == openloop ]]; then
    # Requests scheduled in the window without a reply count as errors; late sends mean the
    # load generator (not the proxy) fell behind its schedule, which inflates the latencies.
    unanswered="$(kv unanswered "$LINE")"
    R[${key}_late]="$(kv late_sends "$LINE")"
    R[${key}_lag_p99]="$(kv lag_p99_us "$LINE")"
    if [[ "$unanswered" =~ ^[1-9] ]]; then
      R[errors]=$((R[errors] + unanswered))
      note "$key: $unanswered of $(kv scheduled "$LINE") scheduled requests got no reply"
    fi
    awk -v l="${R[${key}_late]}" -v n="$(kv scheduled "$LINE")" 'BEGIN { exit !(n > 0 && l / n > 0.01) }' &&
      note "$key: ${R[${key}_late]} of $(kv scheduled "$LINE") requests were sent > 1 ms late (load generator behind: send lag p99 ${R[${key}_lag_p99]} us)"
    # The proxy's CPU as a share of its core: at a fixed rate, the cost shows as busy time.
    [[ "$CUR_TARGET" != direct ]] && R[${key}_busy]="$(ratio "$D_PROXY" "$D_WALL" 100 '%.1f')"
  fi
  R[${key}_rate]="$(printf '%.0f' "$rate")"
  R[${key}_p50]="$(kv p50_us "$LINE")"
  R[${key}_p99]="$(kv p99_us "$LINE")"
  R[${key}_p999]="$(kv p999_us "$LINE")"
  R[${key}_client_core]="$(kv "cpu${LOAD_CPU}_busy" "$LINE")"
  if [[ "$CUR_TARGET" != direct ]]; then
    # CPU per operation: the proxy's CPU over the whole measured run ÷ operations counted in
    # its window (the run is DURATION s plus connection set-up, a few ms).
    R[${key}_us]="$(ratio "$D_PROXY" "$count" 1e6 '%.1f')"
    R[${key}_core_us]="$(ratio "$D_CPU1" "$count" 1e6 '%.1f')"
  fi
  log "$CUR_TARGET $key: $(printf '%.0f' "$rate")/s p50 ${R[${key}_p50]} p99 ${R[${key}_p99]} p99.9 ${R[${key}_p999]} us, proxy ${R[${key}_us]:--} us/op, errors $errs, other load ${D_OTHER}%"
}

# IDLE_CONNS idle connections through the proxy after one SIZE-byte exchange each.
# Java heap in use after a full GC (KiB), for Berth targets only: what the JVM's objects really
# hold. RSS cannot show it: a heap already grown by earlier load absorbs 9,000 connections'
# objects without a page more, which made "RSS per idle conn" understate Berth.
heap_live_kib() {
  [[ -n "$JAVA_BIN" && "$CUR_TARGET" == berth* ]] || return 0
  local jcmd
  jcmd="$(dirname "$JAVA_BIN")/jcmd"
  [[ -x "$jcmd" ]] || return 0
  timeout 20 "$jcmd" "$PROXY_PID" GC.run >/dev/null 2>&1 || return 0
  timeout 20 "$jcmd" "$PROXY_PID" GC.heap_info 2>/dev/null |
    awk 'match($0, / total [0-9]+K, used [0-9]+K/) { v = substr($0, RSTART, RLENGTH); sub(/.*used /, "", v); s += v + 0 }
         END { if (s > 0) printf "%d\n", s }'
}

idle_row() {
  local port="$1" out="$WORK_DIR/idlehold.out" before after pid i ready="" done_line
  sleep 1
  before="$(tree_rss_kib)"
  R[rss_base_kib]="$before"
  local heap_before heap_after
  heap_before="$(heap_live_kib)"
  start_bg "$LOAD_CPU" "$out" "$IDLEHOLD" "$HOST" "$port" "$IDLE_CONNS" "$SIZE" 120 "$IDLE_SRC"
  pid="$BG_PID"
  for ((i = 0; i < 700; i++)); do     # at most 70 s (idlehold gives up opening after 60 s)
    ready="$(grep -m1 'phase=ready' "$out" 2>/dev/null || true)"
    [[ -n "$ready" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$ready" ]]; then
    note "idle: idlehold produced no result: $(tr '\n' ' ' <"$out")"
    R[failed]=$((${R[failed]:-0} + 1))
    stop_pid "$pid"
    return 0
  fi
  sleep 2                              # let the proxy settle (buffers released, GC, ...)
  after="$(tree_rss_kib)"
  heap_after="$(heap_live_kib)"
  local fds=0 p
  for p in $TREE; do fds=$((fds + $(ls "/proc/$p/fd" 2>/dev/null | wc -l))); done
  stop_pid "$pid"
  done_line="$(grep -m1 'phase=done' "$out" || true)"
  raw "target=$CUR_TARGET test=idle rss_before_kib=$before rss_after_kib=$after heap_live_before_kib=${heap_before:--} heap_live_after_kib=${heap_after:--} proxy_fds=$fds $ready $done_line"
  local ok
  ok="$(kv ok "$ready")"
  if [[ "$ok" != "$IDLE_CONNS" ]]; then
    note "idle: only $ok of $IDLE_CONNS connections made their round trip ($ready)"
  fi
  [[ "$(kv dropped "$done_line")" =~ ^[1-9] ]] && note "idle: $(kv dropped "$done_line") idle connections were closed by the proxy while held"
  R[idle_ok]="$ok"
  R[rss_idle_mib]="$(ratio "$after" 1024 1 '%.1f')"
  ((ok > 0)) && R[idle_b_conn]="$(awk -v a="$after" -v b="$before" -v n="$ok" 'BEGIN { printf "%.0f\n", (a - b) * 1024 / n }')"
  [[ ok -gt 0 && -n "$heap_before" && -n "$heap_after" ]] &&
    R[idle_heap_b_conn]="$(awk -v a="$heap_after" -v b="$heap_before" -v n="$ok" 'BEGIN { printf "%.0f\n", (a - b) * 1024 / n }')"
  log "$CUR_TARGET idle: $ok connections, RSS $before -> $after KiB (${R[idle_b_conn]:--} B/conn), $fds fds"
  sleep 1                              # the proxy closes 2 x IDLE_CONNS sockets
}

# JIT warm-up for the JVM, recorded only in the raw file: of BERTH_WARMUP s, 1/5 pingpong
# (CONNS connections), 1/8 bulk (iperf3 -P 2), the rest connection rate in chunks of at most
# 5 s. The connection path is the slowest to warm (measured: ~20 s of connrate before conn/s
# stops rising), so the chunks' rates are kept as a note: they show the warm-up curve.
warm_up_jvm() {
  ((BERTH_WARMUP > 0)) || return 0
  local pp=$(((BERTH_WARMUP + 4) / 5)) bulk=$(((BERTH_WARMUP + 7) / 8)) cr chunk rates=""
  cr=$((BERTH_WARMUP - pp - bulk))
  ((cr < 1)) && cr=1
  log "$CUR_TARGET: JVM warm-up ${pp}s pingpong x$CONNS + ${bulk}s bulk + ${cr}s connrate x$WORKERS"
  echoload_run "$pp" pingpong "$HOST" "$RR_PORT" "$CONNS" "$pp" "$SIZE"
  raw "target=$CUR_TARGET test=jvm-warmup-pingpong $LINE"
  timeout $((bulk + 20)) taskset -c "$LOAD_CPU" iperf3 -c "$HOST" -p "$BULK_PORT" -t "$bulk" -P 2 >/dev/null 2>&1 ||
    note "JVM warm-up: iperf3 through the proxy failed"
  while ((cr > 0)); do
    chunk=$((cr < 5 ? cr : 5))
    echoload_run "$chunk" connrate "$HOST" "$RR_PORT" "$WORKERS" "$chunk"
    raw "target=$CUR_TARGET test=jvm-warmup-connrate $LINE"
    rates+="${rates:+ / }$(kv rate "$LINE" | cut -d. -f1)"
    [[ "$(kv errors "$LINE")" =~ ^[1-9] ]] && note "JVM warm-up: connrate had $(kv errors "$LINE") errors"
    cr=$((cr - chunk))
  done
  note "JVM warm-up conn/s per connrate chunk of <= 5 s: $rates"
}

# TIME_WAIT sockets left by an earlier connection-rate run (a previous target's row, or Berth's
# JIT warm-up) cost every target after it: the kernel expires tens of thousands of them on both
# CPUs during the next rows (tail latency) and connect() has to search a nearly full port pool.
# So each target starts its request/response rows from the same socket table: wait (at most
# SETTLE_MAX_S) until TIME_WAIT is down to SETTLE_TW sockets on the host. An absolute limit, not
# one relative to the suite's start: a run right after another starts with the last one's.
time_wait_count() { ss -Htan state time-wait 2>/dev/null | wc -l; }
settle_sockets() {
  local limit=$SETTLE_TW start=$SECONDS before now
  before="$(time_wait_count)"
  now="$before"
  while ((now > limit && SECONDS - start < SETTLE_MAX_S)); do
    sleep 1
    now="$(time_wait_count)"
  done
  raw "target=$CUR_TARGET test=settle waited_s=$((SECONDS - start)) time_wait_before=$before time_wait_after=$now limit=$limit"
  ((now > limit)) && note "TIME_WAIT still $now (> $limit) after ${SETTLE_MAX_S}s of settling"
  ((SECONDS - start > 0)) && log "$CUR_TARGET: waited $((SECONDS - start))s for $before TIME_WAIT sockets to expire (now $now)"
  return 0
}

CUR_TARGET=""
CSV_COLS="target bulk1_gbps bulk1_cs_gb bulk1_core_cs_gb bulk4_gbps bulk4_cs_gb bulk4_core_cs_gb pp1_p50 pp1_p99 pp1_p999 pp1_rate pp1_us pp1_core_us ppN_rate ppN_p50 ppN_p99 ppN_p999 ppN_us ppN_core_us ppN_client_core ol_rate ol_p50 ol_p99 ol_p999 ol_us ol_core_us ol_busy ol_late ol_lag_p99 ol_client_core conn_rate conn_us conn_core_us conn_p50 conn_p99 conn_client_core rss_start_kib rss_base_kib rss_idle_mib idle_ok idle_b_conn idle_heap_b_conn errors stalled failed other notes"

emit_csv_row() {
  local c line="" v
  R[notes]="$(IFS=';'; echo "${NOTES[*]:-}" | tr ',' ' ')"
  for c in $CSV_COLS; do
    v="${R[$c]:--}"
    [[ "$c" == target ]] && v="$CUR_TARGET"
    line+="${line:+,}$v"
  done
  echo "$line" >>"$OUT_CSV"
}

run_target() {
  local t="$1" idx="$2" logf="$RESULTS_DIR/proxy-$STAMP.$1.log" rr bulk
  CUR_TARGET="$t"
  R=() NOTES=()
  R[errors]=0 R[stalled]=0 R[failed]=0 R[other]=0
  if ((SECONDS >= BUDGET_S)); then
    note "skipped: time budget of ${BUDGET_S}s used up"
    emit_csv_row
    return 0
  fi
  wait_for_quiet 5
  ports_for "$idx"
  PROXY_PID="" TREE=""
  case "$t" in
    direct) rr="$ECHO_PORT" bulk="$IPERF_PORT" ;;
    haproxy) start_haproxy plain no "$logf" ;;
    haproxy-splice) start_haproxy splice yes "$logf" ;;
    nginx) start_nginx "$logf" ;;
    berth) start_berth "$logf" off ;;
    berth-uring) start_berth "$logf" off io_uring ;;
    berth-log) ACCESS_LOG="$WORK_DIR/berth-access.log"; start_berth "$logf" "$ACCESS_LOG" ;;
  esac
  if [[ "$t" != direct ]]; then
    PROXY_PID="$BG_PID" rr="$RR_PORT" bulk="$BULK_PORT"
    if ! wait_echo "$RR_PORT" "$PROXY_PID"; then
      note "did not start or relay within 30 s (log: $(basename "$logf"): $(tail -n 3 "$logf" | tr '\n' ' '))"
      R[failed]=1
      stop_pid "$PROXY_PID"
      emit_csv_row
      return 0
    fi
    sleep 0.5
    proxy_tree "$PROXY_PID"
    R[rss_start_kib]="$(tree_rss_kib)"
    [[ "$t" == berth* ]] && JAVA_BIN="$(readlink "/proc/$PROXY_PID/exe" || true)"
  fi
  log "== $t (rr port $rr, bulk port $bulk${PROXY_PID:+, proxy pid $PROXY_PID on CPU $PROXY_CPU})"
  [[ "$t" == berth* ]] && warm_up_jvm

  bulk_row bulk1 "$bulk" 1
  bulk_row bulk4 "$bulk" 4
  if [[ "$t" != haproxy-splice ]]; then
    settle_sockets
    rr_row pp1 "$rr" pingpong 1
    rr_row ppN "$rr" pingpong "$CONNS"
    rr_row ol "$rr" openloop "$OPEN_CONNS"
    rr_row conn "$rr" connrate "$WORKERS"
    [[ "$t" != direct ]] && idle_row "$rr"
  fi
  if [[ -n "$PROXY_PID" ]]; then
    kill -0 "$PROXY_PID" 2>/dev/null || note "the proxy process exited during the run (log: $(basename "$logf"))"
    if [[ "$t" == berth-log ]]; then
      local accepted
      accepted="$(timeout 5 bash -c "exec 3<>/dev/tcp/$HOST/$ADMIN_PORT; printf 'GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n' >&3; cat <&3" 2>/dev/null |
        awk '/^(berth_)?downstream_cx_total\{/ { s += $NF } END { printf "%d\n", s }' || echo 0)"
      stop_pid "$PROXY_PID"
      local lines size
      lines="$(wc -l <"$ACCESS_LOG" 2>/dev/null || echo 0)"
      size="$(du -k "$ACCESS_LOG" 2>/dev/null | cut -f1 || echo 0)"
      raw "target=$t test=access-log lines=$lines kib=$size downstream_cx_total=$accepted"
      note "access log: $lines lines ($size KiB) for $accepted accepted connections"
      ((accepted > 0 && lines < accepted)) && note "access log: $((accepted - lines)) lines missing (dropped?)"
    fi
    stop_pid "$PROXY_PID"
  fi
  emit_csv_row
}

# ---- report -------------------------------------------------------------------------------

# key|label|better (higher/lower/-)|show ratio to direct (yes/no)
METRICS="bulk1_gbps|bulk 1 stream, Gbit/s|higher|yes
bulk1_cs_gb|bulk 1 stream, proxy CPU core-s/GB|lower|no
bulk4_gbps|bulk 4 streams, Gbit/s|higher|yes
bulk4_cs_gb|bulk 4 streams, proxy CPU core-s/GB|lower|no
pp1_p50|1 conn, p50 µs|lower|yes
pp1_p99|1 conn, p99 µs|lower|yes
pp1_p999|1 conn, p99.9 µs|lower|yes
pp1_us|1 conn, proxy CPU µs/req|lower|no
ppN_rate|CONNS conns, req/s|higher|yes
ppN_p50|CONNS conns, p50 µs|lower|yes
ppN_p99|CONNS conns, p99 µs|lower|yes
ppN_p999|CONNS conns, p99.9 µs|lower|yes
ppN_us|CONNS conns, proxy CPU µs/req|lower|no
ol_p50|open loop OPENRATE req/s (OPENCONNS conns), p50 µs|lower|yes
ol_p99|open loop OPENRATE req/s, p99 µs|lower|yes
ol_p999|open loop OPENRATE req/s, p99.9 µs|lower|yes
ol_us|open loop, proxy CPU µs/req|lower|no
ol_busy|open loop, proxy CPU % of its core|lower|no
conn_rate|new conn/s (WORKERS workers)|higher|yes
conn_us|new conn, proxy CPU µs/conn|lower|no
conn_p99|new conn, connect-to-close p99 µs|lower|yes
rss_start_kib|RSS after start, KiB|lower|no
rss_base_kib|RSS before idle test, KiB|lower|no
rss_idle_mib|RSS with IDLE idle conns, MiB|lower|no
idle_b_conn|RSS per idle conn, bytes|lower|no
idle_heap_b_conn|Java heap live per idle conn (after full GC), bytes|lower|no"

# Issue 7's targets, checked for every Berth target in the report:
# metric key|reference target|ge or le|threshold|label (a Berth value may come from another column: key:berth_key)
TARGETS_SPEC="bulk1_gbps|haproxy-splice|ge|1.0|bulk 1 stream ≥ 1.0× HAProxy with splice
bulk1_gbps|direct|ge|0.75|bulk 1 stream ≥ 0.75× direct
ppN_rate|nginx|ge|1.05|CONNS conns req/s ≥ 1.05× nginx
ppN_p99|nginx|le|1.0|CONNS conns p99 ≤ 1.0× nginx
ol_p99|haproxy|le|1.0|open loop p99 ≤ 1.0× HAProxy
conn_rate|nginx|ge|1.0|new conn/s ≥ 1.0× nginx
idle_b_conn:idle_heap_b_conn|haproxy|le|1.0|memory per idle conn ≤ 1.0× HAProxy's RSS (Berth: live heap after full GC)
pp1_us|haproxy|le|0.9|proxy CPU per request, 1 conn ≤ 0.9× HAProxy
ppN_us|haproxy|le|0.9|proxy CPU per request, CONNS conns ≤ 0.9× HAProxy
ol_us|haproxy|le|0.9|proxy CPU per request, open loop ≤ 0.9× HAProxy"

# METRICS with the run's settings filled in.
metric_lines() {
  sed -e "s/OPENRATE/$OPEN_RATE/g" -e "s/OPENCONNS/$OPEN_CONNS/g" -e "s/CONNS/$CONNS/g" \
    -e "s/WORKERS/$WORKERS/g" -e "s/IDLE/$IDLE_CONNS/g" <<<"$METRICS"
}

# Markdown tables from one or more CSV files of this script (same targets): each cell is the
# value, or for several files the median [min–max]; ratios are computed within each file first,
# then the median is taken (as in shared/research/perf-anchors.md). Prints to stdout.
report_tables() {
  local metrics
  metrics="$(metric_lines)"
  awk -F, -v metrics="$metrics" -v noisy="$NOISY_PCT" -v targets="$(sed -e "s/CONNS/$CONNS/g" <<<"$TARGETS_SPEC")" '
    function fmt(x) { if (x == "-" || x == "") return "–"; x += 0; return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.3g", x) }
    function num(x) { return x != "-" && x != "" }
    # median [min-max] of the k values in a[1..k] (sorted here); fmt or ratio style
    function summary(a, k, style,    i, j, t, med, s) {
      if (k == 0) return "–"
      for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      med = k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      if (style == "ratio") { s = sprintf("%.2f×", med); if (k > 1) s = s sprintf(" [%.2f–%.2f]", a[1], a[k]); return s }
      s = fmt(med); if (k > 1) s = s " [" fmt(a[1]) "–" fmt(a[k]) "]"; return s
    }
    FNR == 1 { nf++; for (i = 1; i <= NF; i++) col[$i] = i; fname[nf] = FILENAME; next }
    {
      if (!($1 in idx)) { n++; idx[$1] = n; name[n] = $1 }
      t = idx[$1]; has[nf, t] = 1
      for (i = 1; i <= NF; i++) v[nf, t, i] = $i
    }
    END {
      h = idx["haproxy"]; d = idx["direct"]
      m = split(metrics, ml, "\n")
      hdr = "| metric |"; sep = "|---|"
      for (i = 1; i <= n; i++) { hdr = hdr " " name[i] " |"; sep = sep "---:|" }
      print "## Results" (nf > 1 ? " (median [min–max] of " nf " runs)" : ""); print ""; print hdr; print sep
      for (k = 1; k <= m; k++) {
        split(ml[k], f, "|"); c = col[f[1]]; line = "| " f[2] " |"
        for (i = 1; i <= n; i++) {
          cnt = 0; delete a
          for (r = 1; r <= nf; r++) if (has[r, i] && num(v[r, i, c])) a[++cnt] = v[r, i, c] + 0
          line = line " " summary(a, cnt, "value") " |"
        }
        print line
      }
      line = "| errors / stalled conns / failed steps |"
      for (i = 1; i <= n; i++) {
        e = 0; s = 0; x = 0
        for (r = 1; r <= nf; r++) if (has[r, i]) { e += v[r, i, col["errors"]]; s += v[r, i, col["stalled"]]; x += v[r, i, col["failed"]] }
        line = line " " e " / " s " / " x " |"
      }
      print line
      line = "| other load (worst row" (nf > 1 ? ", worst run" : "") ") |"
      for (i = 1; i <= n; i++) {
        o = 0
        for (r = 1; r <= nf; r++) if (has[r, i] && v[r, i, col["other"]] + 0 > o) o = v[r, i, col["other"]] + 0
        line = line " " o "%" (o >= noisy ? " **noisy**" : "") " |"
      }
      print line
      for (pass = 1; pass <= 2; pass++) {
        ref = pass == 1 ? h : d
        if (!ref) continue
        print ""
        print "## Ratio to " (pass == 1 ? "HAProxy" : "direct (no proxy)") " (value ÷ " name[ref] (nf > 1 ? ", per run, then median [min–max]" : "") "; see \"better\")"
        print ""
        hdr = "| metric | better |"; sep = "|---|---|"
        for (i = 1; i <= n; i++) if (i != ref) { hdr = hdr " " name[i] " |"; sep = sep "---:|" }
        print hdr; print sep
        for (k = 1; k <= m; k++) {
          split(ml[k], f, "|")
          if (pass == 2 && f[4] != "yes") continue
          c = col[f[1]]; line = "| " f[2] " | " f[3] " |"
          for (i = 1; i <= n; i++) {
            if (i == ref) continue
            cnt = 0; delete a
            for (r = 1; r <= nf; r++)
              if (has[r, i] && has[r, ref] && num(v[r, i, c]) && num(v[r, ref, c]) && v[r, ref, c] + 0 != 0)
                a[++cnt] = v[r, i, c] / v[r, ref, c]
            line = line " " summary(a, cnt, "ratio") " |"
          }
          print line
        }
      }
      # the targets of issue 7: each Berth target, its ratio to the reference, per run, then the median;
      # "met" when the median meets the target, with how many runs met it
      nb = 0
      for (i = 1; i <= n; i++) if (name[i] ~ /^berth/) bt[++nb] = i
      if (nb > 0) {
        print ""
        print "## Targets (issue 7; value ÷ reference" (nf > 1 ? ", per run, then median [min–max]" : "") ")"
        print ""
        hdr = "| target |"; sep = "|---|"
        for (j = 1; j <= nb; j++) { hdr = hdr " " name[bt[j]] " |"; sep = sep "---:|" }
        print hdr; print sep
        tl = split(targets, tt, "\n")
        for (k = 1; k <= tl; k++) {
          split(tt[k], f, "|"); nk = split(f[1], keys, ":"); rf = idx[f[2]]
          c = col[keys[1]]; cb = nk > 1 ? col[keys[2]] : c
          line = "| " f[5] " |"
          for (j = 1; j <= nb; j++) {
            i = bt[j]; cnt = 0; met = 0; delete a
            for (r = 1; r <= nf; r++) {
              if (!rf || !has[r, i] || !has[r, rf]) continue
              x = cb && num(v[r, i, cb]) ? v[r, i, cb] : v[r, i, c]
              if (!num(x) || !num(v[r, rf, c]) || v[r, rf, c] + 0 <= 0) continue
              q = sprintf("%.2f", x / v[r, rf, c]) + 0; a[++cnt] = q   # judged as shown, to 2 decimals
              if (f[3] == "ge" ? q >= f[4] : q <= f[4]) met++
            }
            if (cnt == 0) { line = line " – |"; continue }
            s = summary(a, cnt, "ratio")
            med = cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
            ok = f[3] == "ge" ? med >= f[4] : med <= f[4]
            line = line " " s " " (ok ? "met" : "**missed**") (nf > 1 ? " (" met "/" cnt " runs)" : "") " |"
          }
          print line
        }
      }
      print ""
      print "## Notes"
      print ""
      any = 0
      for (r = 1; r <= nf; r++)
        for (i = 1; i <= n; i++) {
          nt = has[r, i] ? v[r, i, col["notes"]] : ""
          if (nt != "-" && nt != "") {
            gsub(/;/, "; ", nt); src = fname[r]; sub(/^.*\//, "", src)
            print "- " (nf > 1 ? src " " : "") name[i] ": " nt; any = 1
          }
        }
      if (!any) print "- none"
    }' "$@"
}

write_markdown() {
  local cmd="$1" load_end="$2"
  {
    echo "# Proxy benchmark $STAMP"
    echo
    echo "Command: \`$cmd\`"
    echo
    echo "- Host: $NCPU CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), kernel $(uname -r), $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release)"
    echo "- Placement: proxy alone on CPU $PROXY_CPU (\`taskset\`; HAProxy \`nbthread 1\`, nginx 1 worker, Berth \`--threads 1\`, whole JVM on that CPU); load generators and backends (echod, iperf3 -s) on CPU $LOAD_CPU. DIRECT = client and backend on CPU $LOAD_CPU, no proxy. All traffic on $HOST."
    echo "- Rows: bulk = iperf3 -t $BULK_SECONDS -O $BULK_OMIT (receiver rate); request/response = echoload, ${SIZE}-byte messages, closed loop, ${WARMUP} s warm-up on separate connections + ${DURATION} s measured; open loop = echoload openloop, ${OPEN_RATE} req/s in total over ${OPEN_CONNS} connections on a fixed schedule, latency from each request's *scheduled* send time (no coordinated omission), same warm-up and duration; new conn = echoload connrate, $WORKERS workers (connect, ${SIZE} B request/echo, close); idle = $IDLE_CONNS connections from $IDLE_SRC, one ${SIZE}-byte exchange each, then held (RSS = VmRSS of the proxy's processes, 2 s after the last one opened, minus VmRSS just before). Berth targets first get ${BERTH_WARMUP} s of mixed load (JIT warm-up: 1/5 pingpong, 1/8 bulk, the rest connection rate)."
    echo "- Proxy CPU = utime+stime of the proxy's processes over the measured run (exact run time, includes loopback softirq work done in its system calls), divided by operations or GB. The CSV also has the same from CPU $PROXY_CPU's idle time (\`*_core_*\`), which includes anything else that ran there."
    echo "- Load average at the start: $LOADAVG_START; at the end: $load_end. \"other load\" = CPU time of programs outside this benchmark during the target's rows, as % of all $NCPU CPUs (worst row); ${NOISY_PCT}% or more is flagged **noisy**."
    echo "- Versions: $(haproxy -v 2>/dev/null | head -n 1 | cut -d' ' -f1-3), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), iperf3 $(iperf3 --version 2>/dev/null | head -n 1 | cut -d' ' -f2), $("$REPO_DIR/bin/berth" --version 2>/dev/null | head -n 1 || echo 'berth ?'), $(java_version)"
    [[ " $TARGETS " == *" berth"* ]] && echo "- Berth jar: $BERTH_JAR (sha256 $(jar_sha)${BERTH_COMMIT:+, built from commit $BERTH_COMMIT})"
    echo
    report_tables "$OUT_CSV"
    echo
    echo "Diagnostics (CSV): client-core busy share in the ${CONNS}-connection and connection-rate rows (\`ppN_client_core\`, \`conn_client_core\`: 1.00 = the load core was saturated, so the row is partly limited by the load generator), CPU-$PROXY_CPU-based costs (\`*_core_*\`). Open-loop generator health (CSV): \`ol_late\` requests sent > 1 ms after their scheduled time, \`ol_lag_p99\` µs send lag. Raw lines: \`$(basename "$OUT_RAW")\`; CSV: \`$(basename "$OUT_CSV")\`; JSON: \`$(basename "$OUT_JSON")\`."
  } >"$OUT_MD"
}

jar_sha() { sha256sum "$BERTH_JAR" | cut -c1-12; }

# The CSV as JSON: the run's settings and host, the metric list (key, label, which way is
# better), every target's values (numbers; null where not measured) and notes, and each
# target's ratios to HAProxy (value ÷ haproxy, per metric).
write_json() {
  local cmd="$1" load_end="$2" settings="" knob
  for knob in DURATION WARMUP BULK_SECONDS BULK_OMIT BERTH_WARMUP CONNS WORKERS SIZE OPEN_RATE OPEN_CONNS IDLE_CONNS PROXY_CPU LOAD_CPU; do
    settings+="${settings:+, }\"$knob\": ${!knob}"
  done
  awk -F, -v metrics="$(metric_lines)" -v stamp="$STAMP" -v cmd="$cmd" -v settings="$settings" \
    -v host="$NCPU CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), kernel $(uname -r), $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release)" \
    -v jar="$([[ " $TARGETS " == *" berth"* ]] && echo "$BERTH_JAR")" -v sha="$([[ " $TARGETS " == *" berth"* ]] && jar_sha)" \
    -v commit="$BERTH_COMMIT" -v pcpu="$PROXY_CPU" -v lcpu="$LOAD_CPU" -v load0="$LOADAVG_START" -v load1="$load_end" '
    function str(x) { gsub(/\\/, "\\\\", x); gsub(/"/, "\\\"", x); gsub(/\t/, " ", x); return "\"" x "\"" }
    function num(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ ? x + 0 : "null" }
    FNR == 1 { for (i = 1; i <= NF; i++) col[i] = $i; nc = NF; next }
    { n++; for (i = 1; i <= nc; i++) v[n, col[i]] = $i; if ($1 == "haproxy") h = n }
    END {
      printf "{\n  \"stamp\": %s,\n  \"command\": %s,\n  \"host\": %s,\n", str(stamp), str(cmd), str(host)
      printf "  \"placement\": \"proxy alone on CPU %s (one thread / event loop), load generators and backends on CPU %s, loopback only\",\n", pcpu, lcpu
      printf "  \"loadavg_start\": %s,\n  \"loadavg_end\": %s,\n", str(load0), str(load1)
      printf "  \"berth_jar\": {\"path\": %s, \"sha256_prefix\": %s, \"commit\": %s},\n", jar == "" ? "null" : str(jar), sha == "" ? "null" : str(sha), commit == "" ? "null" : str(commit)
      printf "  \"settings\": {%s},\n  \"metrics\": [\n", settings
      m = split(metrics, ml, "\n")
      for (k = 1; k <= m; k++) {
        split(ml[k], f, "|"); key[k] = f[1]
        printf "    {\"key\": %s, \"label\": %s, \"better\": %s}%s\n", str(f[1]), str(f[2]), str(f[3]), k < m ? "," : ""
      }
      printf "  ],\n  \"targets\": [\n"
      for (t = 1; t <= n; t++) {
        printf "    {\"name\": %s, \"values\": {", str(v[t, "target"])
        first = 1
        for (i = 2; i <= nc; i++) if (col[i] != "notes") { printf "%s%s: %s", first ? "" : ", ", str(col[i]), num(v[t, col[i]]); first = 0 }
        printf "},\n      \"ratio_to_haproxy\": {"
        first = 1
        for (k = 1; k <= m; k++) {
          a = num(v[t, key[k]]); b = h ? num(v[h, key[k]]) : "null"
          r = (a == "null" || b == "null" || b == 0) ? "null" : sprintf("%.3f", a / b)
          printf "%s%s: %s", first ? "" : ", ", str(key[k]), r; first = 0
        }
        nt = v[t, "notes"]; printf "},\n      \"notes\": %s}%s\n", (nt == "-" || nt == "") ? "[]" : "[" notes(nt) "]", t < n ? "," : ""
      }
      printf "  ]\n}\n"
    }
    function notes(x,    p, c, i, out) { c = split(x, p, ";"); out = ""; for (i = 1; i <= c; i++) out = out (i > 1 ? ", " : "") str(p[i]); return out }
  ' "$OUT_CSV" >"$OUT_JSON"
}

JAVA_BIN=""
java_version() {
  if [[ -n "$JAVA_BIN" && -x "$JAVA_BIN" ]]; then
    "$JAVA_BIN" -version 2>&1 | head -n 1 | tr -d '"'
  else
    echo "java ?"
  fi
}

# ---- main ---------------------------------------------------------------------------------

main() {
  local cmd="${USER_SETTINGS}$0${*:+ $*}" t idx i
  if [[ "${1:-}" == --combine ]]; then   # tables over earlier runs' CSV files, to stdout
    shift
    (($# > 0)) || fail "usage: bench/proxy/run.sh --combine bench/results/proxy-*.csv"
    report_tables "$@"
    return 0
  fi
  (($# == 0)) || fail "unknown arguments: $* (settings are environment variables; see the header)"
  install_tools
  build_tools
  preflight
  mkdir -p "$RESULTS_DIR"
  WORK_DIR="$(mktemp -d /tmp/berth-proxy-bench.XXXXXX)"
  : >"$OUT_RAW"
  echo "${CSV_COLS// /,}" >"$OUT_CSV"
  wait_for_quiet "$IDLE_WAIT"
  LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "start: ${BUSY_NOW}% of all CPUs busy with other work, load average $LOADAVG_START"
  raw "start loadavg=$LOADAVG_START other_busy_pct=$BUSY_NOW"
  start_backends
  CUR_TARGET=start
  settle_sockets
  CUR_TARGET=""
  for t in $TARGETS; do
    idx=0
    for i in $ALL_TARGETS; do [[ "$i" == "$t" ]] && break; idx=$((idx + 1)); done
    run_target "$t" "$idx"
  done
  local load_end
  load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
  raw "end loadavg=$load_end seconds=$SECONDS"
  write_markdown "$cmd" "$load_end"
  write_json "$cmd" "$load_end"
  log "done in ${SECONDS}s: $OUT_MD"
  cat "$OUT_MD"
}

main "$@"
exit
