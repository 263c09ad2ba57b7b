#!/bin/bash
# strace one proxied connection on the event-loop thread only
. "$(dirname "$0")/env.sh"
$HERE/start.sh >/dev/null
BP=$(cat berth.pid)
L=$REPO/bench/proxy/tools/build/echoload
taskset -c 0 $L -w 0 connrate 127.0.0.1 19001 2 3 >/dev/null
for t in /proc/$BP/task/*; do n=$(cat $t/comm); case "$n" in berth-proxy*) echo "$n $(basename $t)";; esac; done > loops.txt
TID=$(awk 'NR==1{print $2}' loops.txt)
strace -tt -p $TID -o one.txt & SP=$!
sleep 1
python3 -c "
import socket; s=socket.create_connection(('127.0.0.1',19001)); s.sendall(b'x'*64); d=s.recv(64); s.close(); print(len(d))"
sleep 0.5; kill -INT $SP; sleep 0.3; $HERE/stop.sh
cat loops.txt
grep -v -E 'futex|restart_syscall' one.txt
