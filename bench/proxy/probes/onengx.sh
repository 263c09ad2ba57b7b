#!/bin/bash
. "$(dirname "$0")/env.sh"
T=$REPO/bench/proxy/tools/build
taskset -c 0 $T/echod 127.0.0.1 19000 3000 > echod.log 2>&1 & EP=$!
taskset -c 1 nginx -c $WORK/ngx/nginx.conf -p $WORK/ngx > ngx.log 2>&1 & NP=$!
sleep 1
W=$(pgrep -P $NP)
strace -tt -p $W -o onengx.txt & SP=$!
sleep 1
python3 -c "
import socket; s=socket.create_connection(('127.0.0.1',19003)); s.sendall(b'x'*64); d=s.recv(64); s.close(); print(len(d))"
sleep 0.5; kill -INT $SP; sleep 0.3; kill $NP $EP
cat onengx.txt
