# Sourced by the bulk probes: iperf3 -s on CPU 0 (:19010), and on CPU 1 Berth (:19011, splice,
# admin :19088) and HAProxy with splice (:19012) in front of it, both warmed up with one 4 s
# two-stream run through Berth. Sets IP, BP, HP (the PIDs); stop_bulk_targets ends them.
taskset -c 0 iperf3 -s -p 19010 >/dev/null 2>&1 & IP=$!
BERTH_JAR=${JAR:-$REPO/berth-cli/target/berth.jar} taskset -c 1 "$REPO/bin/berth" proxy --config cfg-bulk.yaml \
  --threads 1 --log-level warn > berth-bulk.log 2>&1 & BP=$!
taskset -c 1 haproxy -db -f hap-bulk.cfg > hap-bulk.log 2>&1 & HP=$!
for i in $(seq 100); do curl -sf 127.0.0.1:19088/ready >/dev/null && break; sleep 0.1; done
timeout 30 taskset -c 0 iperf3 -c 127.0.0.1 -p 19011 -t 4 -P 2 >/dev/null
stop_bulk_targets() { kill "$BP" "$HP" "$IP"; }
