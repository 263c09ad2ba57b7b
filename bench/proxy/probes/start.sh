#!/bin/bash
# start echod (cpu0) and berth (cpu1); writes pids
. "$(dirname "$0")/env.sh"
T=$REPO/bench/proxy/tools/build
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 &
echo $! > echod.pid
JAR=${JAR:-$REPO/berth-cli/target/berth.jar}
BERTH_JAR=$JAR taskset -c 1 $REPO/bin/berth proxy --config cfg.yaml --threads 1 --log-level warn > berth.log 2>&1 &
echo $! > berth.pid
for i in $(seq 100); do curl -sf 127.0.0.1:19089/ready >/dev/null && break; sleep 0.1; done
echo started echod $(cat echod.pid) berth $(cat berth.pid)
