# Sourced by the benchmark scripts (bash, set -euo pipefail): installs Debian packages without
# letting them start a service. nginx's package would otherwise start a web server on port 80
# of every interface (and haproxy's its own daemon): invoke-rc.d and deb-systemd-invoke ask
# /usr/sbin/policy-rc.d first, and exit code 101 means "action forbidden". A policy-rc.d that
# was there before (Docker images ship one) is put back afterwards. Same pattern as .ci/run.

# bench_apt_install PKG...: installs the packages (apt-get update only if the first try fails).
bench_apt_install() {
  (($# > 0)) || return 0
  local policy=/usr/sbin/policy-rc.d saved="" rc=0
  if [[ -e $policy ]]; then
    saved="$(mktemp)"
    cp -p "$policy" "$saved"
  fi
  printf '#!/bin/sh\n# written by bench/lib/install.sh while it installs benchmark tools: start no service\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >/dev/null; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >/dev/null || rc=$?
  fi
  if [[ -n $saved ]]; then mv -f "$saved" "$policy"; else rm -f "$policy"; fi
  # Under systemd the package also enables nginx.service for the next boot; the benchmark does not want it.
  if [[ " $* " == *" nginx "* && -d /run/systemd/system ]] && systemctl is-enabled --quiet nginx 2>/dev/null; then
    systemctl disable --quiet nginx || true
  fi
  return "$rc"
}
