#!/usr/bin/env bash
# Dial benchmark: time-to-connect of `berth dial` (RFC 8305 Happy Eyeballs) against a sequential
# dialer with a 2 s per-attempt timeout (bench/dial/SequentialDial.java), in three situations:
#
#   up        both families up            up.bench.test       fd00:9::1 and 10.9.9.1, port 7000
#   refused6  IPv6 refuses (RST)          refused6.bench.test fd00:9::1 (closed) and 10.9.9.1, port 7001
#   hole6     IPv6 black-holed (SYN lost) hole6.bench.test    fd00:9::99 (no one there) and 10.9.9.1, port 7001
#
# Everything runs inside a private network namespace made here (and removed on exit); no packet
# leaves it. Needs root (ip netns). Writes bench/results/dial-<timestamp>.{md,csv,jsonl} and
# prints the Markdown table.
#
#   BERTH_JAR=/path/to/berth.jar bench/dial/run.sh
#
# Knobs (environment): RUNS=10 measured dials per case and dialer (1..30), WARMUP=1 unmeasured
# dials per case and dialer before the first measured one (0..3), DEADLINE_S=165 (no new
# round of dials starts after this many seconds; the table then says how many runs it has),
# JAVA=path of a Java 25+ `java` for the sequential dialer (default: the Temurin 25 JDK, else
# `java` on PATH). See bench/dial/README.md.
set -euo pipefail

# ---- configuration ------------------------------------------------------------------------

DIAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(cd "$DIAL_DIR/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BERTH="$REPO_DIR/bin/berth"
USER_BERTH_JAR="${BERTH_JAR:-}"      # for the command line in the report
export BERTH_JAR="${BERTH_JAR:-$REPO_DIR/berth-cli/target/berth.jar}"  # bin/berth honours it

RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-1}"
DEADLINE_S="${DEADLINE_S:-165}"
DIAL_TIMEOUT_S=20                    # hard bound on any one dial process (coreutils timeout)

if [[ -z "${JAVA:-}" ]]; then
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  else
    JAVA="$(command -v java || true)"
  fi
fi
# The sequential dialer's JVM gets the flags bin/berth gives Berth's, so both start alike.
SEQ_JVM_FLAGS=(-XX:+UseSerialGC -Xms16m -Xmx256m -XX:+UseCompactObjectHeaders -Xss512k)

NS="berthbench-$$"                   # the private network namespace
NS_HOSTS_DIR="/etc/netns/$NS"        # `ip netns exec` bind-mounts its hosts file on /etc/hosts
V4=10.9.9.1
V6=fd00:9::1
V6_HOLE=fd00:9::99                   # a static neighbour entry, nobody answers: SYNs vanish

# case name | host name | port | expected winner family | expected fate of the IPv6 attempt,
# for Berth and for the sequential dialer (checks the namespace really produced the situation)
CASES=(up refused6 hole6)
declare -A CASE_HOST=([up]=up.bench.test [refused6]=refused6.bench.test [hole6]=hole6.bench.test)
declare -A CASE_PORT=([up]=7000 [refused6]=7001 [hole6]=7001)
declare -A CASE_FAMILY=([up]=ipv6 [refused6]=ipv4 [hole6]=ipv4)
declare -A CASE_V6_BERTH=([up]=connected [refused6]=refused [hole6]=cancelled)
declare -A CASE_V6_SEQ=([up]=connected [refused6]=refused [hole6]=timeout)
declare -A CASE_TITLE=([up]="both families up" [refused6]="IPv6 refused (RST)" [hole6]="IPv6 black-holed (SYN dropped)")

RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT_MD="$RESULTS_DIR/dial-$STAMP.md"
OUT_CSV="$RESULTS_DIR/dial-$STAMP.csv"
OUT_RAW="$RESULTS_DIR/dial-$STAMP.jsonl"
WORK_DIR=""                          # private temp dir: compiled SequentialDial, server logs
NS_MADE=0

STARTED_PIDS=()                      # every server process this script started
declare -A STOPPED=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "error: $*"; exit 1; }

# ---- cleanup ------------------------------------------------------------------------------

# Stops one process we started, by its PID: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
  local pid="$1" i
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
  return 0
}

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_pid "$pid"
  done
  if ((NS_MADE)); then
    ip netns del "$NS" 2>/dev/null || log "warning: could not delete namespace $NS"
  fi
  rm -rf "$NS_HOSTS_DIR"
  [[ -n "$WORK_DIR" ]] && rm -rf "$WORK_DIR"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- setup --------------------------------------------------------------------------------

preflight() {
  if ! [[ "$RUNS" =~ ^[0-9]+$ ]] || ((RUNS < 1 || RUNS > 30)); then
    fail "RUNS must be 1..30, got '$RUNS'"
  fi
  if ! [[ "$WARMUP" =~ ^[0-9]+$ ]] || ((WARMUP > 3)); then
    fail "WARMUP must be 0..3, got '$WARMUP'"
  fi
  if ! [[ "$DEADLINE_S" =~ ^[0-9]+$ ]] || ((DEADLINE_S < 10 || DEADLINE_S > 600)); then
    fail "DEADLINE_S must be 10..600, got '$DEADLINE_S'"
  fi
  ((EUID == 0)) || fail "needs root (ip netns)"
  [[ -f "$BERTH_JAR" ]] || fail "berth jar not found at $BERTH_JAR (set BERTH_JAR)"
  [[ -n "$JAVA" && -x "$JAVA" ]] || fail "no java found; set JAVA to a Java 25+ java binary"
  [[ -x "${JAVA%/java}/javac" ]] || fail "no javac next to $JAVA; set JAVA to a JDK's java"
  local tool
  for tool in ip jq ss timeout awk sort; do
    command -v "$tool" >/dev/null || fail "$tool is missing"
  done
  [[ ! -e "$NS_HOSTS_DIR" ]] || fail "$NS_HOSTS_DIR already exists; not touching it"
}

# Compiles SequentialDial once into the private work dir, so each measured process is a plain
# cold JVM (the source launcher would run javac inside the same JVM first, warming JDK code).
compile_sequential() {
  "${JAVA%/java}/javac" -d "$WORK_DIR/classes" "$DIAL_DIR/SequentialDial.java"
  log "compiled SequentialDial.java with $("$JAVA" -version 2>&1 | head -n 1)"
}

# The namespace: lo and a veth pair, IPv4 10.9.9.1/24 and IPv6 fd00:9::1/64 on veth0,
# fd00:9::99 pinned to a MAC nobody has (frames go out veth0, the peer drops them: a black
# hole that never answers, not even with an ICMP error), and a hosts file for the three names.
make_namespace() {
  ip netns add "$NS"
  NS_MADE=1
  ip -n "$NS" link set lo up
  ip -n "$NS" link add veth0 type veth peer name veth1
  ip -n "$NS" link set veth0 up
  ip -n "$NS" link set veth1 up
  ip -n "$NS" addr add "$V4/24" dev veth0
  ip -n "$NS" -6 addr add "$V6/64" dev veth0 nodad
  ip -n "$NS" -6 neigh add "$V6_HOLE" lladdr 02:00:00:00:00:99 dev veth0 nud permanent
  mkdir -p "$NS_HOSTS_DIR"
  printf '%s up.bench.test\n%s up.bench.test\n%s refused6.bench.test\n%s refused6.bench.test\n%s hole6.bench.test\n%s hole6.bench.test\n' \
    "$V6" "$V4" "$V6" "$V4" "$V6_HOLE" "$V4" >"$NS_HOSTS_DIR/hosts"
  log "namespace $NS ready"
}

# Runs a command inside the namespace (with its hosts file).
in_ns() {
  ip netns exec "$NS" "$@"
}

# Starts a `berth echo` inside the namespace and remembers its PID. `ip netns exec` and
# bin/berth both exec, so $! is the server's JVM itself (started directly, not through a shell
# function, which would put a subshell in between). Usage: start_echo NAME ARGS...
start_echo() {
  local name="$1"
  shift
  ip netns exec "$NS" "$BERTH" echo "$@" --log-level warn --drain-timeout 1s >"$WORK_DIR/$name.log" 2>&1 &
  ECHO_PID=$!
  STARTED_PIDS+=("$ECHO_PID")
}

# Waits (at most 30 s) until a listening socket's local address (as ss prints it) is one of
# the extended regex $1, in the namespace, while the server $2 is alive.
wait_listening() {
  local want="$1" pid="$2" i
  for ((i = 0; i < 300; i++)); do
    in_ns ss -Hltn | awk '{ print $4 }' | grep -qxE -- "$want" && return 0
    kill -0 "$pid" 2>/dev/null || fail "server for $want exited: $(cat "$WORK_DIR"/*.log)"
    sleep 0.1
  done
  fail "nothing listens on $want after 30 s"
}

# Two servers serve all three cases: [::]:7000 dual-stack (up) and 10.9.9.1:7001 only, so that
# fd00:9::1:7001 refuses (refused6) and 10.9.9.1:7001 is the IPv4 fallback (refused6, hole6).
# (ss shows the dual-stack socket as *:7000 and the IPv4 one as [::ffff:10.9.9.1]:7001 when
# the JVM binds it through an IPv6 socket.)
start_servers() {
  start_echo dualstack --port 7000
  wait_listening '(\*|\[::\]):7000' "$ECHO_PID"
  start_echo v4only --bind "$V4" --port 7001
  wait_listening "(\[::ffff:)?${V4//./\\.}\]?:7001" "$ECHO_PID"
  log "echo servers listening on [::]:7000 and $V4:7001"
}

# ---- measuring ----------------------------------------------------------------------------

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# One dial in a fresh process; prints its one JSON line with "wall_ms" (process start to exit)
# added. Usage: dial_once berth|sequential CASE
dial_once() {
  local dialer="$1" c="$2" t0 t1 out rc=0
  local host="${CASE_HOST[$c]}" port="${CASE_PORT[$c]}"
  t0="$(now_ms)"
  if [[ "$dialer" == berth ]]; then
    out="$(timeout -k 2 "$DIAL_TIMEOUT_S" ip netns exec "$NS" "$BERTH" dial --json "$host" "$port" 2>>"$WORK_DIR/dial.err")" || rc=$?
  else
    out="$(timeout -k 2 "$DIAL_TIMEOUT_S" ip netns exec "$NS" "$JAVA" "${SEQ_JVM_FLAGS[@]}" -cp "$WORK_DIR/classes" \
      SequentialDial "$host" "$port" 2>>"$WORK_DIR/dial.err")" || rc=$?
  fi
  t1="$(now_ms)"
  # a dial that printed nothing parseable (crash, timeout) still leaves a line in the results
  if ! jq -e . >/dev/null 2>&1 <<<"$out"; then
    out="{\"connected\":false,\"elapsed_ms\":null,\"attempts\":[],\"error\":\"exit $rc, no JSON\"}"
  fi
  jq -c --argjson wall "$((t1 - t0))" '. + {wall_ms: $wall}' <<<"$out"
}

# Appends one run to the CSV and the raw JSON lines. Usage: record DIALER CASE RUN JSON
record() {
  local dialer="$1" c="$2" run="$3" json="$4" want_v6
  [[ "$dialer" == berth ]] && want_v6="${CASE_V6_BERTH[$c]}" || want_v6="${CASE_V6_SEQ[$c]}"
  jq -c --arg d "$dialer" --arg c "$c" --argjson r "$run" '{dialer: $d, case: $c, run: $r} + .' <<<"$json" >>"$OUT_RAW"
  # ok = connected, over the expected family, and the IPv6 attempt ended the expected way
  jq -r --arg d "$dialer" --arg c "$c" --argjson r "$run" --arg fam "${CASE_FAMILY[$c]}" --arg v6 "$want_v6" '
    ([.attempts[] | select(.family == "ipv6")][0].outcome // "none") as $v6out
    | [ $c, $d, $r, .connected, (.family // ""), (.address // ""), (.elapsed_ms // ""), .wall_ms,
        (.attempts | length), $v6out,
        (if .connected and .family == $fam and $v6out == $v6 then "ok" else "UNEXPECTED" end) ]
    | @csv' <<<"$json" >>"$OUT_CSV"
}

# Warm-up: WARMUP unmeasured dials per case and dialer (page cache, the namespace's neighbour
# and route caches, the servers' accept paths). Each measured dial is still a cold JVM.
warm_up() {
  local c i
  for ((i = 0; i < WARMUP; i++)); do
    for c in "${CASES[@]}"; do
      dial_once berth "$c" >/dev/null
      dial_once sequential "$c" >/dev/null
    done
  done
  log "warm-up done ($WARMUP per case and dialer)"
}

# RUNS rounds; each round dials every case once with each dialer, alternating which dialer goes
# first, so slow drift in machine load spreads evenly. A round never starts past DEADLINE_S.
measure() {
  local run c json line
  echo '"case","dialer","run","connected","family","address","elapsed_ms","wall_ms","attempts","ipv6_attempt","check"' >"$OUT_CSV"
  : >"$OUT_RAW"
  DONE_RUNS=0
  for ((run = 1; run <= RUNS; run++)); do
    if ((SECONDS >= DEADLINE_S)); then
      log "warning: ${SECONDS}s used, deadline ${DEADLINE_S}s: stopping after $DONE_RUNS of $RUNS rounds"
      break
    fi
    line="round $run/$RUNS:"
    for c in "${CASES[@]}"; do
      local order=(berth sequential)
      ((run % 2 == 0)) && order=(sequential berth)
      local d
      for d in "${order[@]}"; do
        json="$(dial_once "$d" "$c")"
        record "$d" "$c" "$run" "$json"
        line+=" $c/$d=$(jq -r '.elapsed_ms // "fail"' <<<"$json")ms"
      done
    done
    log "$line"
    DONE_RUNS=$run
  done
}

# ---- report -------------------------------------------------------------------------------

# Prints "median max n" of the jq expression $3 (e.g. .elapsed_ms) over the runs of case $1
# with dialer $2 ("- - 0" if there are none).
stats() {
  local c="$1" d="$2" expr="$3"
  jq -r --arg c "$c" --arg d "$d" "
    select(.case == \$c and .dialer == \$d) | $expr // empty" "$OUT_RAW" | sort -n |
    awk '
      { v[NR] = $1 }
      END {
        n = NR
        if (n == 0) { print "- - 0"; exit }
        med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        print med, v[n], n
      }'
}

ok_count() { # runs of case $1, dialer $2 whose check column says ok
  awk -F, -v c="\"$1\"" -v d="\"$2\"" '$1 == c && $2 == d && $11 == "\"ok\"" { n++ } END { print n + 0 }' "$OUT_CSV"
}

fmt_ms() { awk -v x="$1" 'BEGIN { if (x == "-") print "-"; else if (x == int(x)) printf "%d", x; else printf "%.1f", x }'; }

ratio() { # $1 / $2 as "12.3x", or "-"
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.1fx", a / b }'
}

write_report() {
  local c bmed bmax bn smed smax sn fb fs wb ws
  local _                             # the columns of stats() a table does not show
  local cmd="${USER_BERTH_JAR:+BERTH_JAR=$USER_BERTH_JAR }bench/dial/run.sh"
  [[ "$RUNS" != 10 ]] && cmd="RUNS=$RUNS $cmd"
  {
    echo "# berth dial vs sequential dial, $STAMP"
    echo
    echo "Time to connect in ms, measured inside each dialer from just before name resolution to the"
    echo "connected socket (JVM start-up excluded; see bench/dial/README.md). One fresh JVM per dial for"
    echo "both dialers; $WARMUP unmeasured warm-up dial(s) per case and dialer first."
    echo "Berth: \`berth dial --json\` (Happy Eyeballs, 250 ms attempt delay, IPv6 preferred)."
    echo "Sequential: \`SequentialDial\` (IPv6 first, then IPv4, 2000 ms connect timeout each)."
    echo "Ratio = sequential median / Berth median (above 1: Berth connects sooner)."
    echo
    echo "| case | runs ok (berth / seq) | berth median | berth max | sequential median | sequential max | ratio (median) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    for c in "${CASES[@]}"; do
      read -r bmed bmax bn < <(stats "$c" berth .elapsed_ms)
      read -r smed smax sn < <(stats "$c" sequential .elapsed_ms)
      echo "| ${CASE_TITLE[$c]} | $(ok_count "$c" berth)/$bn / $(ok_count "$c" sequential)/$sn |" \
        "$(fmt_ms "$bmed") | $(fmt_ms "$bmax") | $(fmt_ms "$smed") | $(fmt_ms "$smax") | $(ratio "$smed" "$bmed") |"
    done
    echo
    echo "Where the time goes, median ms: when the first connect attempt starts (dialer start-up and"
    echo "name resolution, inside the dialer's clock), and the process wall time from fork to exit"
    echo "(JVM start-up and, for Berth, the bin/berth launcher included; for reference only)."
    echo
    echo "| case | first attempt starts: berth | sequential | process wall time: berth | sequential |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for c in "${CASES[@]}"; do
      read -r fb _ _ < <(stats "$c" berth '.attempts[0].start_ms')
      read -r fs _ _ < <(stats "$c" sequential '.attempts[0].start_ms')
      read -r wb _ _ < <(stats "$c" berth .wall_ms)
      read -r ws _ _ < <(stats "$c" sequential .wall_ms)
      echo "| ${CASE_TITLE[$c]} | $(fmt_ms "$fb") | $(fmt_ms "$fs") | $(fmt_ms "$wb") | $(fmt_ms "$ws") |"
    done
    echo
    echo "- command: \`$cmd\` ($DONE_RUNS of $RUNS rounds done, ${SECONDS}s in all)"
    echo "- berth jar: \`$BERTH_JAR\` ($(stat -c %y "$BERTH_JAR" | cut -d. -f1)), repo HEAD when the report was written: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet 2>/dev/null || echo ' (work tree has uncommitted changes)')"
    echo "- java: $("$JAVA" -version 2>&1 | head -n 1); $(nproc) CPUs; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- per-run data: \`$(basename "$OUT_CSV")\`, per-attempt detail: \`$(basename "$OUT_RAW")\`"
  } >"$OUT_MD"
}

# ---- main ---------------------------------------------------------------------------------

main() {
  preflight
  mkdir -p "$RESULTS_DIR"
  WORK_DIR="$(mktemp -d /tmp/berth-dialbench.XXXXXX)"
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  compile_sequential
  make_namespace
  start_servers
  warm_up
  measure
  write_report
  local bad
  bad="$(grep -c UNEXPECTED "$OUT_CSV" || true)"
  ((bad == 0)) || log "warning: $bad run(s) did not go as the case expects; see $OUT_CSV"
  [[ -s "$WORK_DIR/dial.err" ]] && log "dialers wrote to stderr: $(head -c 600 "$WORK_DIR/dial.err")"
  cat "$OUT_MD"
  log "wrote $OUT_MD, $OUT_CSV, $OUT_RAW"
}

main "$@"
