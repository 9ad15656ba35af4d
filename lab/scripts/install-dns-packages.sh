#!/bin/bash
# install-dns-packages.sh -- install the Debian packages the DNS lab needs (Knot 3.2, PowerDNS 4.7,
# BIND 9.18, Unbound, their tools, sqlite3, dnsperf), and what other tests run: kcat (the auditor's
# recipe in docs/audit/), chromium + chromium-driver (the status page's browser test); only those
# that are missing. Idempotent.
# The lab runs every daemon itself, in the foreground, from its own config on 127.0.0.1 with free
# ports; the packaged services are not used and are stopped/disabled if the install started them.
#
# Usage: sudo lab/scripts/install-dns-packages.sh     (Debian 12 / bookworm; needs root and apt-get)
# Exit codes: 0 all present, 1 not root while something is missing, 2 no apt-get, 3 install failed.
set -uo pipefail

PACKAGES=(knot knot-dnsutils pdns-server pdns-backend-sqlite3 bind9 bind9-dnsutils unbound
          ldnsutils sqlite3 dnsperf kcat chromium chromium-driver)
SERVICES=(knot pdns named bind9 unbound)

# AppArmor (enabled on most Debian/Ubuntu VMs, not in containers) confines named and unbound to
# /etc/bind, /var/cache/bind, /etc/unbound...; the lab runs them from configs in a temp dir. Put
# their profiles into complain mode (until the next reboot or profile reload) and say so.
relax_apparmor() {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || return 0
  command -v apparmor_parser >/dev/null 2>&1 || return 0
  for prof in usr.sbin.named usr.sbin.unbound; do
    [ -f "/etc/apparmor.d/$prof" ] || continue
    if [ "$(id -u)" -ne 0 ]; then
      echo "install-dns-packages: WARNING: AppArmor profile $prof may keep the lab's daemon from reading" \
           "its temp-dir config; as root run: apparmor_parser -r -C /etc/apparmor.d/$prof" >&2
      continue
    fi
    if apparmor_parser -r -C "/etc/apparmor.d/$prof" 2>/dev/null; then
      echo "install-dns-packages: AppArmor profile $prof set to complain mode (lab daemons run from temp dirs)"
    else
      echo "install-dns-packages: WARNING: could not set AppArmor profile $prof to complain mode" >&2
    fi
  done
}

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-dns-packages: all present: ${PACKAGES[*]}"
  relax_apparmor
  exit 0
fi
echo "install-dns-packages: missing: ${missing[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-dns-packages: ERROR: apt-get not found; this lab needs Debian 12 (bookworm) packages." >&2
  echo "  Install by hand: ${missing[*]}" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-dns-packages: ERROR: not root; cannot install packages." >&2
  echo "  Run: sudo $0" >&2
  echo "  or:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

# Keep the packaged services from starting during the install (they would take port 53 and are
# not used). Only add a policy-rc.d if there is none; remove it again afterwards.
policy=/usr/sbin/policy-rc.d
own_policy=no
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=yes
fi
cleanup() { [ "$own_policy" = yes ] && rm -f "$policy"; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -q; then
  echo "install-dns-packages: WARNING: apt-get update failed; trying the install with the current lists." >&2
fi
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "install-dns-packages: ERROR: apt-get install failed for: ${missing[*]}" >&2
  for p in "${missing[@]}"; do
    if ! apt-cache show "$p" >/dev/null 2>&1 || apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: (none)'; then
      echo "  package '$p' has no installation candidate: the lab needs Debian 12 (bookworm) main in /etc/apt/sources.list" >&2
    fi
  done
  exit 3
fi

still=()
for p in "${PACKAGES[@]}"; do installed "$p" || still+=("$p"); done
if [ ${#still[@]} -ne 0 ]; then
  echo "install-dns-packages: ERROR: still missing after install: ${still[*]}" >&2
  exit 3
fi

# Make sure no packaged service was left running: policy-rc.d (ours or the image's) keeps
# invoke-rc.d from starting them; on a systemd host also disable and stop the units.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  for s in "${SERVICES[@]}"; do
    systemctl disable --now "$s" >/dev/null 2>&1 || true
  done
fi
relax_apparmor
echo "install-dns-packages: installed: ${missing[*]}"
