#!/bin/bash
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
T=$REPO/bench/proxy/tools/build
settle() { while [ $(ss -tan state time-wait | wc -l) -gt 1000 ]; do sleep 2; done; }
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
for r in 1 2; do
for c in nginx.conf nginx-hc.conf; do
  settle
  taskset -c 1 nginx -c $WORK/ngx/$c -p $WORK/ngx > ngx.log 2>&1 & NP=$!
  sleep 1; W=$(pgrep -P $NP)
  c0=$(awk '{print $14+$15}' /proc/$W/stat)
  x=$(taskset -c 0 $L connrate 127.0.0.1 19003 4 8 | tail -1)
  c1=$(awk '{print $14+$15}' /proc/$W/stat)
  n=$(echo "$x" | grep -o 'count=[0-9]*' | cut -d= -f2)
  echo "$c $(echo "$x" | grep -o 'rate=[0-9.]*') cpu_us_per_conn=$(echo "scale=1; ($c1-$c0)*10000/$n" | bc)"
  kill $NP; wait $NP 2>/dev/null
done
done
kill $EP
