# Sourced by every probe: REPO (this checkout), HERE (this folder), WORK (scratch dir, the
# working directory of the probe: its outputs land there), the load tools bench/run.sh builds.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
WORK="${WORK:-/tmp/berth-probes}"
mkdir -p "$WORK/ngx/logs"
cp "$HERE"/*.yaml "$HERE"/*.cfg "$WORK"/
for c in "$HERE"/nginx*.conf; do sed "s|/tmp/berth-probes|$WORK|g" "$c" > "$WORK/ngx/$(basename "$c")"; done
cd "$WORK"
[[ -x "$REPO/bench/proxy/tools/build/echoload" ]] || { echo "build the load tools first: run bench/run.sh once (or a smoke run)" >&2; exit 2; }
