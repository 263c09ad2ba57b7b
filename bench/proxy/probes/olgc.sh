#!/bin/bash
. "$(dirname "$0")/env.sh"
T=$REPO/bench/proxy/tools/build
L=$T/echoload
gc() { curl -s 127.0.0.1:19089/metrics | grep -E '^jvm_gc_pause_seconds_(count|sum)|^jvm_gc_memory_allocated_bytes_total' | tr '\n' ' '; echo; }
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
BERTH_JAR=$JAR BERTH_JAVA_OPTS="$OPTS" taskset -c 1 $REPO/bin/berth proxy --config cfg-both.yaml --threads 1 --log-level warn > berth.log 2>&1 & BP=$!
for i in $(seq 100); do curl -sf 127.0.0.1:19089/ready >/dev/null && break; sleep 0.1; done
taskset -c 0 $L pingpong 127.0.0.1 19001 64 10 64 >/dev/null
taskset -c 0 $L openloop 127.0.0.1 19001 64 5 64 10000 >/dev/null
gc
taskset -c 0 $L openloop 127.0.0.1 19001 64 10 64 10000 | tail -1 | grep -o -E '(count|p50_us|p99_us|p999_us)=[0-9.]*' | tr '\n' ' '; echo
gc
kill $BP $EP
