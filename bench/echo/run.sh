#!/usr/bin/env bash
# Echo-server benchmark: `berth echo` side by side with `sockperf server` (C++, epoll) and
# socat, on 127.0.0.1 only, in one run. Writes bench/results/echo-<timestamp>.{md,csv,raw} and
# server logs bench/results/echo-<timestamp>.<target>.log.
#
# Targets, one after another, each pinned to SERVER_CPU while echoload (bench/tools) runs on
# LOAD_CPU: sockperf, socat, berth at warn level, berth at info level with JSON logs to
# /dev/null. Per target: 64-byte pingpong on 1 and on CONNS connections, then connection
# rate with WORKERS workers. Rows disturbed by other programs are repeated (see load()).
# Every process started here is remembered by PID and stopped by PID on exit.
#
#   BERTH_JAR=/path/to/berth.jar bench/echo/run.sh
#
# Knobs (environment): DURATION=5 measured seconds per row, WARMUP=1 warm-up seconds per row,
# BERTH_WARMUP=5 seconds of pingpong and of connrate before measuring each Berth server,
# CONNS=64, WORKERS=4, SIZE=64, PORT_BASE=18801 (uses PORT_BASE..PORT_BASE+3),
# SERVER_CPU=1, LOAD_CPU=0, IDLE_WAIT=30 (seconds to wait for other load to go away).
# See bench/echo/README.md.
set -euo pipefail

# ---- configuration ------------------------------------------------------------------------

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
USER_BERTH_JAR="${BERTH_JAR:-}"      # for the command line in the report
declare -A USER_ENV=()               # knobs set in the environment, also for the report
for knob in LOAD_CPU SERVER_CPU PORT_BASE SIZE WORKERS CONNS BERTH_WARMUP WARMUP DURATION IDLE_WAIT; do
  [[ -n "${!knob:-}" ]] && USER_ENV[$knob]="${!knob}"
done
export BERTH_JAR="${BERTH_JAR:-$REPO_DIR/berth-cli/target/berth.jar}"  # bin/berth honours it

HOST=127.0.0.1                       # all traffic stays on loopback
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-1}"
BERTH_WARMUP="${BERTH_WARMUP:-5}"
CONNS="${CONNS:-64}"
WORKERS="${WORKERS:-4}"
SIZE="${SIZE:-64}"
PORT_BASE="${PORT_BASE:-18801}"
SERVER_CPU="${SERVER_CPU:-1}"
LOAD_CPU="${LOAD_CPU:-0}"
IDLE_WAIT="${IDLE_WAIT:-30}"         # seconds to wait for other load to go away, at the start
TARGET_IDLE_WAIT=5                   # ... and before each target or repeated row (max)
NOISY_PCT=5                          # other programs using this % of all CPUs = noisy row
NCPU="$(nproc)"
CLK_TCK="$(getconf CLK_TCK)"
BUDGET_S=280                         # no new step after this many seconds (hard stop)
RETRY_UNTIL_S=200                    # repeat noisy rows only before this many seconds
MAX_REPEATS=2                        # ... and at most this often per row

TOOLS_SRC="$BENCH_DIR/tools/echoload.c"
TOOLS_BUILD="$BENCH_DIR/tools/build"
ECHOLOAD="$TOOLS_BUILD/echoload"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT_MD="$RESULTS_DIR/echo-$STAMP.md"
OUT_CSV="$RESULTS_DIR/echo-$STAMP.csv"
OUT_RAW="$RESULTS_DIR/echo-$STAMP.raw"
WORK_DIR=""                          # private temp dir (sockperf feed file), made in main
LOADAVG=""

STARTED_PIDS=()                      # every server process this script started
declare -A STOPPED=()                # PIDs already stopped and reaped (never signalled again)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "error: $*"; exit 1; }

# ---- process bookkeeping ------------------------------------------------------------------

# Prints the PIDs whose parent is $1 (socat forks one child per connection). Reads /proc, so
# procps is not needed; bounded by the number of processes.
children_of() {
  local parent="$1" stat rest ppid pid
  for stat in /proc/[0-9]*/stat; do
    rest="$(cat "$stat" 2>/dev/null)" || continue
    pid="${rest%% *}"
    rest="${rest##*) }"              # drop "pid (comm) ", comm may contain spaces
    ppid="$(cut -d' ' -f2 <<<"$rest")"
    [[ "$ppid" == "$parent" ]] && echo "$pid"
  done
  return 0
}

# Stops one process we started, by PID: SIGTERM, wait up to 10 s, then SIGKILL. A forking
# server's children (socat: one per connection) are signalled by PID first.
stop_pid() {
  local pid="$1" i kid
  [[ -n "${STOPPED[$pid]:-}" ]] && return 0
  STOPPED[$pid]=1
  if kill -0 "$pid" 2>/dev/null; then
    for kid in $(children_of "$pid"); do
      kill -TERM "$kid" 2>/dev/null || true
    done
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
  return 0
}

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_pid "$pid"
  done
  [[ -n "$WORK_DIR" ]] && rm -rf "$WORK_DIR"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check_budget() {
  ((SECONDS < BUDGET_S)) || fail "time budget of ${BUDGET_S}s used up; stopping"
}

# ---- setup --------------------------------------------------------------------------------

install_tools() {
  if command -v sockperf >/dev/null && command -v socat >/dev/null && command -v gcc >/dev/null; then
    log "sockperf, socat and gcc are installed"
    return 0
  fi
  log "installing sockperf socat gcc (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y sockperf socat gcc >/dev/null; then
    apt-get update >/dev/null
    apt-get install -y sockperf socat gcc >/dev/null
  fi
}

build_echoload() {
  mkdir -p "$TOOLS_BUILD"
  gcc -O2 -Wall -Wextra -o "$ECHOLOAD" "$TOOLS_SRC"
  log "built $ECHOLOAD"
}

preflight() {
  local v
  for v in IDLE_WAIT DURATION WARMUP BERTH_WARMUP CONNS WORKERS SIZE PORT_BASE SERVER_CPU LOAD_CPU; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || fail "$v must be a non-negative integer, got '${!v}'"
  done
  ((DURATION >= 1 && DURATION <= 30)) || fail "DURATION must be 1..30"
  ((WARMUP <= 10 && BERTH_WARMUP <= 30)) || fail "WARMUP must be <= 10 and BERTH_WARMUP <= 30"
  ((IDLE_WAIT <= 60)) || fail "IDLE_WAIT must be <= 60"
  ((CONNS >= 1 && CONNS <= 1024 && WORKERS >= 1 && WORKERS <= 64)) || fail "CONNS 1..1024, WORKERS 1..64"
  ((SIZE >= 16 && SIZE <= 65536)) || fail "SIZE must be 16..65536"
  ((PORT_BASE >= 1024 && PORT_BASE <= 65000)) || fail "PORT_BASE must be 1024..65000"
  local ncpu
  ncpu="$NCPU"
  ((SERVER_CPU < ncpu && LOAD_CPU < ncpu && SERVER_CPU != LOAD_CPU)) ||
    fail "need two distinct CPUs SERVER_CPU=$SERVER_CPU LOAD_CPU=$LOAD_CPU (this machine has $ncpu)"
  [[ -f "$BERTH_JAR" ]] || fail "berth jar not found at $BERTH_JAR (set BERTH_JAR)"
  command -v taskset >/dev/null || fail "taskset (util-linux) is missing"
  local port
  for port in $(seq "$PORT_BASE" $((PORT_BASE + 3))); do
    if port_open "$port"; then
      fail "127.0.0.1:$port is already in use; choose another PORT_BASE"
    fi
  done
}

# True if something accepts connections on 127.0.0.1:$1 (bash /dev/tcp, 2 s bound).
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Percent of all CPUs busy over one second (/proc/stat), i.e. load from other programs.
busy_percent() {
  local a b
  a="$(awk '/^cpu / { print $2+$3+$4+$6+$7+$8+$9, $5+$6 }' /proc/stat)"
  sleep 1
  b="$(awk '/^cpu / { print $2+$3+$4+$6+$7+$8+$9, $5+$6 }' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
    busy = y[1] - x[1]; idle = y[2] - x[2]; pct = busy + idle > 0 ? 100 * busy / (busy + idle) : 0
    printf "%d\n", pct }'
}

# The numbers are only meaningful on an otherwise idle machine: wait (at most $1 seconds)
# until other programs use under NOISY_PCT% of the CPUs, then go on regardless. Leaves the last
# 1 s sample in BUSY_NOW; the report shows it per target and flags busy ones.
BUSY_NOW=0
wait_for_quiet() {
  local max="$1" i
  BUSY_NOW="$(busy_percent)"
  for ((i = 1; i < max && BUSY_NOW >= NOISY_PCT; i++)); do
    ((i == 1)) && log "machine is ${BUSY_NOW}% busy with other work; waiting up to ${max}s for it to quiet down"
    BUSY_NOW="$(busy_percent)"
  done
  if ((BUSY_NOW >= NOISY_PCT)); then
    log "warning: machine is ${BUSY_NOW}% busy with other work; results will be noisy"
  fi
}

# ---- servers ------------------------------------------------------------------------------

# Starts a server pinned to SERVER_CPU, remembers its PID in SERVER_PID and STARTED_PIDS.
# Usage: start_server LOGFILE COMMAND...
SERVER_PID=""
start_server() {
  local logfile="$1"
  shift
  taskset -c "$SERVER_CPU" "$@" >"$logfile" 2>&1 &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
}

# Waits (at most 20 s) until the server on port $1 answers one echo round trip.
wait_ready() {
  local port="$1" i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server pid $SERVER_PID exited during start-up"
    if "$ECHOLOAD" check "$HOST" "$port" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  fail "server on port $port did not echo within 20 s"
}

start_sockperf() { # sockperf serves several TCP connections only in its epoll mode (-f feed file)
  local port="$1" feed="$WORK_DIR/sockperf.feed"
  echo "T:$HOST:$port" >"$feed"
  start_server "$2" sockperf server -f "$feed" -F epoll
}

start_socat() { # one forked socat per connection, echoing through an unnamed pipe
  start_server "$2" socat -b65536 "TCP-LISTEN:$1,bind=$HOST,reuseaddr,fork,nodelay,backlog=1024" PIPE
}

start_berth_warn() {
  start_server "$2" "$REPO_DIR/bin/berth" echo --threads 1 --bind "$HOST" --port "$1" --log-level warn
}

start_berth_info() { # default level (info), JSON access log discarded (stderr to /dev/null)
  taskset -c "$SERVER_CPU" "$REPO_DIR/bin/berth" echo --threads 1 --bind "$HOST" --port "$1" \
    --log-format json >"$2" 2>/dev/null &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
}

# ---- load ---------------------------------------------------------------------------------

# CPU time (clock ticks) used so far by processes that are not this script or its
# descendants (servers, echoload) and not kernel threads: other people's programs. Exited
# processes stay counted through their parent's cutime/cstime. (Processes may vanish between
# the glob and the read; cat then fails, which is fine.)
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

# Runs echoload once, pinned to LOAD_CPU and bounded by timeout. Sets LAST to
# "target=... test=... exit=... other_load=<% of all CPUs used by other programs meanwhile>
# <echoload line>" and appends it to the raw file. A run with errors (exit 1) still yields its
# line; no line at all (setup failure, timeout) stops the benchmark.
LAST=""
run_echoload() {
  local target="$1" test="$2" warmup="$3" seconds="$4"
  shift 4
  check_budget
  local line rc=0 t0 t1 w0 w1 other
  t0="$(other_ticks)"
  w0="$EPOCHREALTIME"
  line="$(timeout $((warmup + seconds + 10)) taskset -c "$LOAD_CPU" "$ECHOLOAD" -w "$warmup" "$@")" || rc=$?
  w1="$EPOCHREALTIME"
  t1="$(other_ticks)"
  [[ -n "$line" ]] || fail "echoload $* against $target produced no result (exit $rc)"
  other="$(awk -v d="$((t1 - t0))" -v hz="$CLK_TCK" -v w="$w1" -v v="$w0" -v n="$NCPU" \
    'BEGIN { p = 100 * d / hz / (w - v) / n; printf "%d\n", p < 0 ? 0 : p }')"
  LAST="target=$target test=$test exit=$rc other_load=$other $line"
  echo "$LAST" >>"$OUT_RAW"
  log "$target $test: $(field rate) /s p50 $(field p50_us) us p99 $(field p99_us) us errors $(field errors) stalled $(field stalled) other load ${other}%"
}

# run_echoload, repeated (at most MAX_REPEATS times) while other programs used NOISY_PCT% or
# more of the machine during the row, provided they quiet down within TARGET_IDLE_WAIT s and
# the time budget allows. Keeps the attempt with the least other load in LAST.
load() {
  local best attempt
  run_echoload "$@"
  best="$LAST"
  for ((attempt = 1; attempt <= MAX_REPEATS; attempt++)); do
    (($(field other_load) >= NOISY_PCT && SECONDS < RETRY_UNTIL_S)) || break
    log "$1 $2: other programs used $(field other_load)% of the CPUs during the row"
    wait_for_quiet "$TARGET_IDLE_WAIT"
    if ((BUSY_NOW >= NOISY_PCT)); then
      log "$1 $2: still busy; keeping the noisy result"
      break
    fi
    log "$1 $2: repeating it (repeat $attempt of at most $MAX_REPEATS)"
    run_echoload "$@"
    if (($(field other_load) < $(LAST="$best" field other_load))); then
      best="$LAST"
    fi
  done
  LAST="$best"
}

# Value of key $1 in LAST ("-" if absent).
field() {
  awk -v k="$1" '{ v = "-"; for (i = 1; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == k) v = substr($i, n + 1) } print v }' <<<"$LAST"
}

CSV_HEADER="target,pp1_p50_us,pp1_p99_us,pp1_p999_us,pp1_rps,ppN_p50_us,ppN_p99_us,ppN_p999_us,ppN_rps,conn_per_s,conn_p50_us,conn_p99_us,errors,stalled,ppN_client_core,ppN_server_core,conn_client_core,conn_server_core,other_load_pct"


# Measures one running server and appends its CSV row.
measure() {
  local target="$1" port="$2" row errors=0 stalled=0 other=0
  load "$target" "pingpong-1" "$WARMUP" "$DURATION" pingpong "$HOST" "$port" 1 "$DURATION" "$SIZE"
  row="$target,$(field p50_us),$(field p99_us),$(field p999_us),$(field rate)"
  errors=$((errors + $(field errors))); stalled=$((stalled + $(field stalled)))
  other=$(($(field other_load) > other ? $(field other_load) : other))

  load "$target" "pingpong-$CONNS" "$WARMUP" "$DURATION" pingpong "$HOST" "$port" "$CONNS" "$DURATION" "$SIZE"
  row="$row,$(field p50_us),$(field p99_us),$(field p999_us),$(field rate)"
  errors=$((errors + $(field errors))); stalled=$((stalled + $(field stalled)))
  other=$(($(field other_load) > other ? $(field other_load) : other))
  local pp_cpu
  pp_cpu="$(field "cpu${LOAD_CPU}_busy"),$(field "cpu${SERVER_CPU}_busy")"

  load "$target" "connrate-$WORKERS" "$WARMUP" "$DURATION" connrate "$HOST" "$port" "$WORKERS" "$DURATION"
  row="$row,$(field rate),$(field p50_us),$(field p99_us)"
  errors=$((errors + $(field errors)))
  other=$(($(field other_load) > other ? $(field other_load) : other))
  row="$row,$errors,$stalled,$pp_cpu,$(field "cpu${LOAD_CPU}_busy"),$(field "cpu${SERVER_CPU}_busy"),$other"
  echo "$row" >>"$OUT_CSV"
}

# JIT warm-up for the JVM: pingpong and connrate for BERTH_WARMUP seconds each, not recorded
# in the CSV (the lines go to the raw file as test=warmup-*).
warm_up_jvm() {
  local target="$1" port="$2"
  ((BERTH_WARMUP > 0)) || return 0
  log "$target: JVM warm-up, ${BERTH_WARMUP}s pingpong + ${BERTH_WARMUP}s connrate"
  run_echoload "$target" "warmup-pingpong" 0 "$BERTH_WARMUP" pingpong "$HOST" "$port" "$CONNS" "$BERTH_WARMUP" "$SIZE"
  run_echoload "$target" "warmup-connrate" 0 "$BERTH_WARMUP" connrate "$HOST" "$port" "$WORKERS" "$BERTH_WARMUP"
}

# Runs one target end to end: start, wait until it echoes, (warm up), measure, stop.
bench_target() {
  local target="$1" port="$2" starter="$3" jvm="$4"
  check_budget
  wait_for_quiet $((IDLE_WAIT < TARGET_IDLE_WAIT ? IDLE_WAIT : TARGET_IDLE_WAIT))
  log "== $target on $HOST:$port (CPU $SERVER_CPU)"
  "$starter" "$port" "$RESULTS_DIR/echo-$STAMP.$target.log"
  wait_ready "$port"
  if [[ "$jvm" == yes ]]; then
    JAVA_BIN="$(readlink "/proc/$SERVER_PID/exe" || true)"
    warm_up_jvm "$target" "$port"
  fi
  measure "$target" "$port"
  stop_pid "$SERVER_PID"
}

# ---- report -------------------------------------------------------------------------------

# Markdown table from the CSV: every cell "value (ratio)", ratio = value / best value in its
# column (best = lowest for latencies, highest for rates).
write_markdown() {
  local cmd="$1"
  {
    echo "# Echo benchmark $STAMP"
    echo
    echo "Command: \`$cmd\`"
    echo
    echo "- Host: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), kernel $(uname -r), $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release)"
    echo "- Placement: servers on CPU $SERVER_CPU, load generator (echoload, one thread, epoll) on CPU $LOAD_CPU, all traffic to $HOST"
    echo "- Each row: ${WARMUP} s warm-up + ${DURATION} s measured; ${SIZE}-byte messages; closed loop; Berth rows after ${BERTH_WARMUP} s pingpong + ${BERTH_WARMUP} s connrate JVM warm-up"
    echo "- Load average at the start: $LOADAVG. \"other load\" below is the CPU time other programs used while a row ran, as a share of all $NCPU CPUs (worst row of the target; a row at ${NOISY_PCT}% or more is repeated up to ${MAX_REPEATS} times if the machine quiets down, the least disturbed attempt is kept, and targets still at ${NOISY_PCT}% or more are flagged **noisy**)."
    echo "- Versions: sockperf $(sockperf --version 2>&1 | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -n 1), $(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'), $("$REPO_DIR/bin/berth" --version 2>/dev/null | head -n 1 || echo 'berth ?'), $(java_version)"
    echo "- Berth jar: $BERTH_JAR (sha256 $(sha256sum "$BERTH_JAR" | cut -c1-12))"
    echo
    echo "Ratios in parentheses are value ÷ best value in the column: for latencies lower is better (best = 1.00, 2.00 = twice as slow); for rates higher is better (best = 1.00, 0.50 = half the rate)."
    echo
    awk -F, -v conns="$CONNS" -v workers="$WORKERS" -v noisy="$NOISY_PCT" '
      NR == 1 { next }
      {
        n++; name[n] = $1
        for (c = 2; c <= 12; c++) v[n, c] = $c + 0
        err[n] = $13; stl[n] = $14
        for (c = 15; c <= 18; c++) cpu[n, c] = $c
        other[n] = $19 + 0
      }
      function lower_is_better(c) { return !(c == 5 || c == 9 || c == 10) }
      function per_op(busy, rate) { return rate > 0 ? sprintf("%.1f", busy * 1e6 / rate) : "-" }
      function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.1f", x) }
      END {
        for (c = 2; c <= 12; c++) {
          best[c] = v[1, c]
          for (i = 2; i <= n; i++)
            if (lower_is_better(c) ? v[i, c] < best[c] : v[i, c] > best[c]) best[c] = v[i, c]
        }
        printf "| Server | 1 conn p50 µs | 1 conn p99 µs | 1 conn p99.9 µs | %s conn p50 µs | %s conn p99 µs | %s conn p99.9 µs | %s conn req/s | new conn/s (%s workers) |\n", conns, conns, conns, conns, workers
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        split("2 3 4 6 7 8 9 10", cols, " ")
        for (i = 1; i <= n; i++) {
          line = "| " name[i]
          for (k = 1; k <= 8; k++) {
            c = cols[k]
            r = best[c] > 0 ? v[i, c] / best[c] : 0
            line = line sprintf(" | %s (%.2f)", fmt(v[i, c]), r)
          }
          print line " |"
        }
        print ""
        print "Diagnostics: busy share of each core during the measured window (1.00 = the core never idled), from /proc/stat, so kernel and softirq work count too. `client core` near 1.00 means the row is limited by the load generator, not the server. `server CPU µs/op` = server-core busy time ÷ operations: the server-side cost of one request or one connection (lower is better), which stays comparable even when the client is the bottleneck."
        print ""
        printf "| Server | %s conn: client core | %s conn: server core | %s conn: server CPU µs/req | connrate: client core | connrate: server core | connrate: server CPU µs/conn | connrate p50 µs | connrate p99 µs | errors | stalled conns | other load |\n", conns, conns, conns
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for (i = 1; i <= n; i++)
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d%%%s |\n", name[i], cpu[i, 15], cpu[i, 16], per_op(cpu[i, 16], v[i, 9]), cpu[i, 17], cpu[i, 18], per_op(cpu[i, 18], v[i, 10]), fmt(v[i, 11]), fmt(v[i, 12]), err[i], stl[i], other[i], (other[i] >= noisy ? " **noisy**" : "")
      }' "$OUT_CSV"
    echo
    echo "Raw echoload lines: \`$(basename "$OUT_RAW")\`; CSV: \`$(basename "$OUT_CSV")\`."
  } >"$OUT_MD"
}

# Version of the java binary the Berth server actually ran on (JAVA_BIN, read from
# /proc/<pid>/exe while it was up).
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
  local cmd="$0${*:+ $*}" v
  for v in IDLE_WAIT DURATION WARMUP BERTH_WARMUP CONNS WORKERS SIZE PORT_BASE SERVER_CPU LOAD_CPU; do
    [[ -n "${USER_ENV[$v]:-}" ]] && cmd="$v=${USER_ENV[$v]} $cmd"
  done
  [[ -n "$USER_BERTH_JAR" ]] && cmd="BERTH_JAR=$USER_BERTH_JAR $cmd"
  install_tools
  build_echoload
  preflight
  mkdir -p "$RESULTS_DIR"
  WORK_DIR="$(mktemp -d /tmp/berth-echo-bench.XXXXXX)"
  wait_for_quiet "$IDLE_WAIT"
  LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "before the run: ${BUSY_NOW}% of all CPUs busy with other work, load average $LOADAVG"
  echo "$CSV_HEADER" >"$OUT_CSV"
  : >"$OUT_RAW"

  bench_target sockperf "$PORT_BASE" start_sockperf no
  bench_target socat $((PORT_BASE + 1)) start_socat no
  bench_target berth-warn $((PORT_BASE + 2)) start_berth_warn yes
  bench_target berth-info-json $((PORT_BASE + 3)) start_berth_info yes

  write_markdown "$cmd"
  log "done in ${SECONDS}s: $OUT_MD"
  cat "$OUT_MD"
}

main "$@"
