#!/bin/bash
# single-stream iperf3 through Berth (19011) and HAProxy with splice (19012), with ss -tmi of every
# socket five times during each run: where the bytes wait
. "$(dirname "$0")/env.sh"
. "$HERE/bulk-targets.sh"
for r in 1 2; do
for p in 19011 19012; do
  timeout 30 taskset -c 0 iperf3 -c 127.0.0.1 -p $p -t 5 -O 1 -J > ip-$p.json & CP=$!
  sleep 3
  for k in 1 2 3 4 5; do ss -tnmi state established '( sport = :19010 or dport = :19010 or sport = :'$p' or dport = :'$p' )' > ss-$p-$k.txt; sleep 0.2; done
  wait $CP
  echo "port $p: $(python3 -c "import json; d=json.load(open('ip-$p.json')); print('%.2f' % (d['end']['sum_received']['bits_per_second']/1e9))") Gbit/s"
  python3 - $p <<'PY'
import re,sys,glob
p=sys.argv[1]
for f in sorted(glob.glob(f'ss-{p}-*.txt')):
    lines=open(f).read().split('\n')
    out=[]
    i=0
    while i < len(lines):
        l=lines[i]
        m=re.match(r'\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)',l)
        if m and i+1<len(lines):
            rq,sq,loc,peer=m.groups(); info=lines[i+1]
            rb=re.search(r'rb(\d+)',info); tb=re.search(r'tb(\d+)',info)
            if int(rq)+int(sq)>100000 or True:
                out.append(f"{loc}->{peer} rq={int(rq)//1024}K sq={int(sq)//1024}K rb={int(rb.group(1))//1024 if rb else 0}K tb={int(tb.group(1))//1024 if tb else 0}K")
            i+=2
        else: i+=1
    print('  ', f[-5:-4], ' | '.join(o for o in out if ':'+p in o or ':19010' in o))
PY
done
done
stop_bulk_targets
