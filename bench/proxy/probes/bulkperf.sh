#!/bin/bash
# perf of CPU 0 (iperf3 client+server) during single-stream bulk through berth (19011) and haproxy splice (19012)
. "$(dirname "$0")/env.sh"
. "$HERE/bulk-targets.sh"
for p in 19011 19012; do
  timeout 30 taskset -c 0 iperf3 -c 127.0.0.1 -p $p -t 6 -O 1 -J > ip-$p.json & CP=$!
  sleep 2
  perf record -a -g -o bulk-$p.perf -- sleep 3 2>/dev/null >/dev/null
  perf stat -a -e 'tcp:tcp_probe,skb:consume_skb,net:net_dev_xmit' -x, -o bstat-$p.txt -- sleep 1 2>/dev/null
  wait $CP
  echo "port $p: $(python3 -c "import json; d=json.load(open('ip-$p.json')); print('%.2f' % (d['end']['sum_received']['bits_per_second']/1e9))") Gbit/s; $(cut -d, -f1,3 bstat-$p.txt | grep -v '^#' | tr '\n' ' ')"
done
stop_bulk_targets
