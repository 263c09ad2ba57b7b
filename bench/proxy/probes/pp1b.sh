#!/bin/bash
# 1-conn pingpong tail right after a connrate burst (many TIME_WAIT sockets): berth vs haproxy
. "$(dirname "$0")/env.sh"
L=$REPO/bench/proxy/tools/build/echoload
T=$REPO/bench/proxy/tools/build
settle() { while [ $(ss -tan state time-wait | wc -l) -gt 1000 ]; do sleep 2; done; }
threads() { for t in /proc/$1/task/*; do echo "$(basename $t)_$(cat $t/comm | tr " " _) $(awk "{print \$14+\$15}" $t/stat)"; done | sort; }
pp() { taskset -c 0 $L -w 1 pingpong 127.0.0.1 $1 1 5 64 | tail -1 | grep -o -E '(rate|p50_us|p99_us|p999_us)=[0-9.]*' | tr '\n' ' '; echo " tw=$(ss -tan state time-wait | wc -l)"; }
settle
if [ -z "$NOBERTH" ]; then
$HERE/start.sh >/dev/null; P=$(cat berth.pid)
taskset -c 0 $L pingpong 127.0.0.1 19001 64 10 64 >/dev/null
taskset -c 0 $L connrate 127.0.0.1 19001 4 15 >/dev/null
threads $P > th0.txt
for r in 1 2 3; do echo -n "berth: "; pp 19001; done
threads $P > th1.txt
join th0.txt th1.txt | awk '$3-$2>0 {print "  thread", $1, $3-$2, "ticks"}'
$HERE/stop.sh
settle
fi
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
taskset -c 1 haproxy -db -f hap.cfg > hap.log 2>&1 & HP=$!
sleep 1
taskset -c 0 $L connrate 127.0.0.1 19002 4 15 >/dev/null
for r in 1 2 3; do echo -n "haproxy: "; pp 19002; done
kill $HP $EP
