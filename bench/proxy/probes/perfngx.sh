#!/bin/bash
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
T=$REPO/bench/proxy/tools/build
while [ $(ss -tan state time-wait | wc -l) -gt 1000 ]; do sleep 2; done
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
taskset -c 1 nginx -c $WORK/ngx/nginx.conf -p $WORK/ngx > ngx.log 2>&1 & NP=$!
sleep 1
taskset -c 0 $L connrate 127.0.0.1 19003 4 12 | tail -1 | grep -o 'rate=[0-9.]*' &
sleep 3; perf record -e cpu-clock -C 1 -g -o ngx.perf -- sleep 6 2>&1 | tail -1
sleep 4; kill $NP $EP
