#!/bin/bash
# async-profiler CPU profile of Berth during connrate after a 25 s warm-up: $WORK/ap-N.collapsed,
# one file per 6 s (the last full ones cover the measured 14 s). JAR=..., AP_LIB=.../libasyncProfiler.so
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
settle() { while [ $(ss -tan state time-wait | wc -l) -gt 1000 ]; do sleep 2; done; }
settle
export BERTH_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -agentpath:${AP_LIB:?set AP_LIB to the path of libasyncProfiler.so}=start,event=cpu,interval=200us,collapsed,loop=6s,file=$WORK/ap-%n.collapsed $BERTH_JAVA_OPTS"
$HERE/start.sh >/dev/null; P=$(cat berth.pid)
taskset -c 0 $L connrate 127.0.0.1 19001 4 25 | tail -1 | grep -o 'rate=[0-9.]*'
settle
taskset -c 0 $L connrate 127.0.0.1 19001 4 14 | tail -1 | grep -o 'rate=[0-9.]*' &
sleep 14
$HERE/stop.sh
