#!/bin/bash
# async-profiler allocation profile of berth during 64-conn pingpong (after warm-up)
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
rm -f apa-*.collapsed  # one file per 5 s: the last ones cover the measured run
export BERTH_JAVA_OPTS="-agentpath:${AP_LIB:?set AP_LIB to the path of libasyncProfiler.so}=start,event=alloc,collapsed,loop=5s,file=$WORK/apa-%n.collapsed"
$HERE/start.sh >/dev/null
taskset -c 0 $L pingpong 127.0.0.1 19001 64 20 64 | tail -1 | grep -o 'rate=[0-9.]*'
taskset -c 0 $L ${MODE:-pingpong} 127.0.0.1 19001 ${ARGS:-64 12 64} | tail -1 | grep -o 'rate=[0-9.]*'
sleep 1
$HERE/stop.sh
