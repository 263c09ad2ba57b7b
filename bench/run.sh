#!/usr/bin/env bash
# The proxy benchmark suite in one command: Berth side by side with HAProxy (with and without
# splice), nginx stream and no proxy, on 127.0.0.1, in one run. Installs what is missing from
# Debian packages (no service is started), builds the Berth jar from this checkout unless
# BERTH_JAR is given, runs bench/proxy/run.sh (the measurements, ~6 minutes), and draws the
# chart. Writes, in bench/results/ (git-ignored):
#   proxy-<stamp>.md    the tables (value, ratio to HAProxy, ratio to direct) and the chart
#   proxy-<stamp>.csv   one row per target, every number
#   proxy-<stamp>.json  the same with the settings, host, jar and ratios to HAProxy
#   proxy-<stamp>.png   the chart: one panel per headline metric, one bar per target
#   proxy-<stamp>.raw, proxy-<stamp>.<target>.log   raw measurements, each proxy's output
#
#   bench/run.sh
#   BERTH_JAR=/path/to/berth.jar BERTH_COMMIT=<commit it was built from> bench/run.sh
#
# Every knob of bench/proxy/run.sh passes through the environment (DURATION, TARGETS, ...);
# a smoke run: DURATION=1 WARMUP=0 BULK_SECONDS=1 BULK_OMIT=0 BERTH_WARMUP=3 IDLE_CONNS=500 bench/run.sh
# See bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=lib/install.sh
source "$BENCH_DIR/lib/install.sh"

log() { printf '[%s] bench: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "error: $*"; exit 1; }

(($# == 0)) || fail "unknown arguments: $* (settings are environment variables; see bench/README.md)"

WORK_DIR="$(mktemp -d /tmp/berth-bench.XXXXXX)"   # the private copy of the jar
trap 'rm -rf "$WORK_DIR"' EXIT

# ---- tools: the chart's; bench/proxy/run.sh installs its own (haproxy, nginx, iperf3, gcc) ----
if ! command -v gnuplot >/dev/null; then
  log "installing gnuplot-nox (apt-get; no service is started)"
  bench_apt_install gnuplot-nox || fail "apt-get install gnuplot-nox failed"
fi

# ---- the jar -----------------------------------------------------------------------------------
# Measured from a private copy, so that a rebuild during the run cannot change it. Its commit
# goes into the report: given (BERTH_COMMIT), or this checkout's HEAD when it is built here
# ("-dirty" when files outside bench/ differ from HEAD).
TARGETS="${TARGETS:-direct haproxy haproxy-splice nginx berth berth-uring}"
if [[ " $TARGETS " == *" berth"* ]]; then
  if [[ -n "${BERTH_JAR:-}" ]]; then
    [[ -f "$BERTH_JAR" ]] || fail "BERTH_JAR=$BERTH_JAR does not exist"
    BERTH_COMMIT="${BERTH_COMMIT:-unknown (BERTH_JAR given without BERTH_COMMIT)}"
  else
    log "building berth-cli/target/berth.jar from this checkout (Maven, tests skipped)"
    (cd "$REPO_DIR" && ./mvnw -q -B package -DskipTests -pl berth-cli -am) || fail "the jar did not build"
    BERTH_JAR="$REPO_DIR/berth-cli/target/berth.jar"
    BERTH_COMMIT="$(git -C "$REPO_DIR" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    if [[ -n "$(git -C "$REPO_DIR" status --porcelain -- . ':!bench' 2>/dev/null)" ]]; then
      BERTH_COMMIT+="-dirty"
    fi
  fi
  cp "$BERTH_JAR" "$WORK_DIR/berth.jar"
  export BERTH_JAR="$WORK_DIR/berth.jar" BERTH_COMMIT
  log "Berth jar: commit $BERTH_COMMIT, sha256 $(sha256sum "$BERTH_JAR" | cut -c1-12)"
fi

# ---- measure -----------------------------------------------------------------------------------
export BENCH_STAMP="${BENCH_STAMP:-$(date -u +%Y%m%dT%H%M%SZ)}"
rc=0
"$BENCH_DIR/proxy/run.sh" || rc=$?
base="$BENCH_DIR/results/proxy-$BENCH_STAMP"
[[ -f "$base.csv" ]] || fail "bench/proxy/run.sh wrote no results (exit $rc)"

# ---- chart -------------------------------------------------------------------------------------
title="Berth proxy benchmark $BENCH_STAMP — $(nproc) CPUs, proxy alone on one core, loopback"
[[ -n "${BERTH_COMMIT:-}" ]] && title+=" — Berth commit $BERTH_COMMIT"
if CONNS="${CONNS:-64}" OPEN_RATE="${OPEN_RATE:-10000}" "$BENCH_DIR/lib/chart.sh" "$base.csv" "$base.png" "$title" >/dev/null; then
  printf '\n## Chart\n\n![chart](%s)\n' "$(basename "$base.png")" >>"$base.md"
else
  log "the chart failed (the tables are written)"
  rc=1
fi
log "results: $base.md, .csv, .json, .png"
exit "$rc"
