#!/usr/bin/env bash
# Draws the proxy benchmark's CSV (bench/proxy/run.sh) as one PNG: eight panels, one bar per
# target, each bar labelled with its value and its ratio to HAProxy from the same run.
#
#   [CONNS=64 OPEN_RATE=10000] bench/lib/chart.sh RESULTS.csv OUT.png "title line"
#
# Needs gnuplot with the pngcairo terminal (Debian: gnuplot-nox). Rows a target did not
# measure ("-" in the CSV) are left out of that panel; a target whose rows ran while other
# programs used >= 5% of the CPUs (the CSV's "other" column; the report flags it noisy) is
# marked "(noisy)".
set -euo pipefail

(($# == 3)) || { echo "usage: bench/lib/chart.sh RESULTS.csv OUT.png TITLE" >&2; exit 2; }
csv="$1" png="$2" title="$3"
[[ -f "$csv" ]] || { echo "chart: no such file: $csv" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "chart: gnuplot is not installed (apt-get install gnuplot-nox)" >&2; exit 2; }

work="$(mktemp -d /tmp/berth-bench-chart.XXXXXX)"
trap '[[ -n "${KEEP_CHART_WORK:-}" ]] || rm -rf "$work"' EXIT

# key|panel title|which way is better
PANELS="bulk1_gbps|Bulk, 1 stream: Gbit/s|higher
bulk1_cs_gb|Bulk, 1 stream: proxy CPU core-s per GB|lower
ppN_rate|Closed loop, CONNS conns: req/s|higher
ppN_p99|Closed loop, CONNS conns: p99 µs|lower
ol_p99|Open loop, RATE req/s: p99 µs (from schedule)|lower
conn_rate|New connections: conn/s|higher
ppN_us|Proxy CPU per request, CONNS conns: µs|lower
idle_b_conn|Per idle connection: bytes (RSS; Berth: live heap)|lower"

# One data file per panel: index, target, value, label "value\nratio", colour.
awk -F, -v panels="$PANELS" -v dir="$work" -v noisy=5 '
  function fmt(x) { x += 0; return x >= 1000 ? sprintf("%.0f", x) : x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.3g", x) }
  function colour(t) {
    if (t == "direct") return 10066329        # 0x999999
    if (t == "haproxy") return 2003199         # 0x1e90ff
    if (t == "haproxy-splice") return 8900331  # 0x87ceeb
    if (t == "nginx") return 3329330           # 0x32cd32
    if (t == "berth") return 16737792          # 0xff6600
    if (t == "berth-log") return 13395456      # 0xcc6600
    if (t == "berth-uring") return 11749120    # 0xb34700
    return 8421504
  }
  function num(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { n++; name[n] = $1; for (i = 1; i <= NF; i++) v[n, i] = $i; if ($1 == "haproxy") h = n }
  END {
    m = split(panels, pl, "\n")
    for (k = 1; k <= m; k++) {
      split(pl[k], f, "|"); c = col[f[1]]; out = dir "/panel" k ".dat"; rows = 0
      printf "" > out
      for (t = 1; t <= n; t++) {
        # A JVM RSS barely moves when a heap already grown absorbs new connections, so for
        # Berth the idle panel shows live heap per connection after a full GC (own CSV column).
        if (f[1] == "idle_b_conn" && name[t] ~ /^berth/ && col["idle_heap_b_conn"] && num(v[t, col["idle_heap_b_conn"]]))
          v[t, c] = v[t, col["idle_heap_b_conn"]]
        if (!c || !num(v[t, c])) continue
        r = ""
        if (t == h) r = "1×"
        else if (h && num(v[h, c]) && v[h, c] + 0 != 0) r = sprintf("%.2f×", v[t, c] / v[h, c])
        label = name[t] ((col["other"] && v[t, col["other"]] + 0 >= noisy) ? " (noisy)" : "")
        printf "%d\t\"%s\"\t%s\t\"%s\"\t\"%s\"\t%d\n", rows++, label, v[t, c], fmt(v[t, c]), r, colour(name[t]) >> out
      }
      close(out)
    }
  }' "$csv"

conns="${CONNS:-64}" rate="${OPEN_RATE:-10000}"      # the run's settings (the CSV does not carry them)
{
  echo "set terminal pngcairo size 1800,980 font 'sans,10'"
  echo "set output '$png'"
  echo "set multiplot layout 2,4 title \"${title//\"/\'}\\nlabels: value, and below it the ratio to HAProxy (same run); (noisy) = other programs used 5% or more of the CPUs during one of that target's rows\" font 'sans,12'"
  echo "set style fill solid 0.85 border -1"
  echo "set boxwidth 0.7"
  echo "set xtics rotate by -30 nomirror font 'sans,9'"
  echo "set ytics nomirror"
  echo "set grid ytics"
  echo "unset key"
  echo "set offsets 0.6, 0.6, 0, 0"
  k=0
  while IFS='|' read -r key label better; do
    k=$((k + 1))
    dat="$work/panel$k.dat"
    label="${label//CONNS/$conns}"
    echo "set title \"${label//RATE/$rate} ($better is better)\""
    if [[ -s "$dat" ]]; then
      echo "set autoscale y"
      echo "stats '$dat' using 3 nooutput"
      echo "set yrange [0:STATS_max * 1.3]"
      echo "unset label 1"
      echo "plot '$dat' using 1:3:6:xtic(2) with boxes lc rgb variable, \\"
      echo "     '' using 1:3:4 with labels offset 0,1.6 font 'sans,9', \\"
      echo "     '' using 1:3:5 with labels offset 0,0.7 font 'sans,8' tc rgb '#444444'"
    else
      echo "set yrange [0:1]"
      echo "set label 1 'not measured' at graph 0.5, 0.5 center"
      echo "set xtics ('' 0)"
      echo "plot [0:1] NaN notitle"
      echo "set xtics rotate by -30 nomirror font 'sans,9' autofreq"
    fi
  done <<<"$PANELS"
  echo "unset multiplot"
} >"$work/chart.gp"
gnuplot "$work/chart.gp"
echo "$png"
