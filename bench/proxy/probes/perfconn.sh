#!/bin/bash
# perf profile of core 1 during connrate: berth (after warm-up) and haproxy
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
T=$REPO/bench/proxy/tools/build
$HERE/start.sh >/dev/null
taskset -c 0 $L connrate 127.0.0.1 19001 4 20 | tail -1 | grep -o 'rate=[0-9.]*'
taskset -c 0 $L pingpong 127.0.0.1 19001 64 20 64 >/dev/null
while [ $(ss -tan state time-wait | wc -l) -gt 1000 ]; do sleep 2; done
taskset -c 0 $L connrate 127.0.0.1 19001 4 12 | tail -1 | grep -o 'rate=[0-9.]*' &
sleep 3; perf record -e cpu-clock -C 1 -g -o berth.perf -- sleep 6 2>&1 | tail -1
sleep 4; $HERE/stop.sh
while [ $(ss -tan state time-wait | wc -l) -gt 1000 ]; do sleep 2; done
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
taskset -c 1 haproxy -db -f hap.cfg > hap.log 2>&1 & HP=$!
sleep 1
taskset -c 0 $L connrate 127.0.0.1 19002 4 12 | tail -1 | grep -o 'rate=[0-9.]*' &
sleep 3; perf record -e cpu-clock -C 1 -g -o hap.perf -- sleep 6 2>&1 | tail -1
sleep 4; kill $HP $EP
