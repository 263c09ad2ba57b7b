#!/bin/bash
# 1-conn ping-pong tail right away vs after 60 s idle: berth and haproxy in the same way
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
T=$REPO/bench/proxy/tools/build
pp() { taskset -c 0 $L -w 1 pingpong 127.0.0.1 $1 1 5 64 | tail -1 | grep -o -E '(p50_us|p99_us|p999_us)=[0-9.]*' | tr '\n' ' '; echo; }
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
BERTH_JAR=$JAR BERTH_JAVA_OPTS="$OPTS" taskset -c 1 $REPO/bin/berth proxy --config cfg-both.yaml --threads 1 --log-level warn > berth.log 2>&1 & BP=$!
taskset -c 1 haproxy -db -f hap.cfg > hap.log 2>&1 & HP=$!
for i in $(seq 100); do curl -sf 127.0.0.1:19089/ready >/dev/null && break; sleep 0.1; done
taskset -c 0 $L pingpong 127.0.0.1 19001 64 10 64 >/dev/null
taskset -c 0 $L pingpong 127.0.0.1 19001 1 10 64 >/dev/null
for round in 1 2; do
  for p in 19001 19002; do echo -n "busy  $p: "; pp $p; done
  sleep ${IDLE:-60}
  for p in 19001 19002; do echo -n "idle  $p: "; pp $p; sleep ${IDLE:-60}; done
done
kill $BP $HP $EP
