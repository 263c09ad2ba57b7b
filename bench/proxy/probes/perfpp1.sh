#!/bin/bash
# Kernel vs user share of the proxy core during 1-connection ping-pong: HAProxy, then Berth
# (after 20 s of the same load). Prints perf's split by binary for each.
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
T=$REPO/bench/proxy/tools/build
profile() { # PORT OUT: 10 s of ping-pong, perf on CPU 1 for 5 s in the middle
  taskset -c 0 $L pingpong 127.0.0.1 $1 1 10 64 | tail -1 | grep -o 'rate=[0-9.]*' & local lp=$!
  sleep 3; perf record -e cpu-clock -C 1 -o $2 -- sleep 5 >/dev/null 2>&1; wait $lp
  perf report -i $2 --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -5
}
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
taskset -c 1 haproxy -db -f hap.cfg > hap.log 2>&1 & HP=$!
sleep 1
echo "== haproxy"; profile 19002 pp1-hap.perf
kill $HP $EP; wait $HP $EP 2>/dev/null
$HERE/start.sh >/dev/null
taskset -c 0 $L pingpong 127.0.0.1 19001 1 20 64 >/dev/null
echo "== berth"; profile 19001 pp1-berth.perf
$HERE/stop.sh
