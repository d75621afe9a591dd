#!/usr/bin/env bash
# Makes the system libvirt daemon (qemu:///system) usable on this node, with or without systemd.
#
#   deploy/libvirt/ensure-libvirtd.sh        (as root; idempotent; prints one `vzpanel:` line)
#
# With systemd as PID 1: `systemctl start virtlogd libvirtd`, then wait until virsh answers.
# Without systemd (CI containers, the dev machines): nothing starts libvirt for us and Debian's
# libvirt-daemon package alone ships no qemu.conf and no `libvirt-qemu` account (those come with
# libvirt-daemon-system, which needs systemd). So this script:
#   1. creates the runtime/state directories libvirtd and virtlogd expect;
#   2. creates the `libvirt-qemu` system user and group if missing. Debian builds libvirt with
#      --with-qemu-user=libvirt-qemu --with-qemu-group=libvirt-qemu, so without that account every
#      domain start fails. We create the account rather than writing user="root" into qemu.conf:
#      it keeps QEMU unprivileged exactly like a real node with libvirt-daemon-system, so what the
#      tests see (files must be readable by QEMU, dynamic ownership of disks) is what production
#      sees. Consequence: VM template files and the directories above them must be world-readable
#      and traversable;
#   3. starts `virtlogd -d` BEFORE `libvirtd -d` (otherwise starting a domain fails with an error
#      about .../virtlogd-sock), each only if its pid file does not name a live process of that
#      name. Stale pid files and sockets of a killed daemon are fine: the daemons take their pid
#      file with a lock and re-create their sockets;
#   4. waits (VZPANEL_LIBVIRT_TIMEOUT seconds, default 30) until `virsh -c qemu:///system version`
#      answers, or fails with the tail of the daemon log.
# Concurrent runs serialize on a lock file. Daemon errors go to /var/log/libvirt/{libvirtd,virtlogd}.log.
# Harmless noise in libvirtd.log: dmidecode cannot read /dev/mem.
set -euo pipefail

URI=qemu:///system
TIMEOUT=${VZPANEL_LIBVIRT_TIMEOUT:-30}
LOCK=/run/lock/vzpanel-libvirtd.lock
LOGDIR=/var/log/libvirt

say() { printf 'vzpanel: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

case "${1:-}" in
  -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "ensure-libvirtd.sh takes no arguments (got: $1)" ;;
esac

((EUID == 0)) || die "ensure-libvirtd.sh must run as root (it starts the system libvirt daemons)"
for tool in virsh libvirtd virtlogd; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found: install libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients (./vzpanel deps)"
done

answers() { timeout 10 virsh -c "$URI" version >/dev/null 2>&1; }

# Waits until virsh answers; on timeout fails with the end of the daemon log.
wait_answers() {
  local deadline=$((SECONDS + TIMEOUT))
  until answers; do
    if ((SECONDS >= deadline)); then
      say "libvirtd did not answer on $URI within ${TIMEOUT}s"
      [[ -f "$LOGDIR/libvirtd.log" ]] && tail -n 15 "$LOGDIR/libvirtd.log" | sed 's/^/  libvirtd.log: /' >&2
      timeout 10 virsh -c "$URI" version 2>&1 | sed 's/^/  virsh: /' >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

report() {
  local v
  v=$(timeout 10 virsh -c "$URI" version 2>/dev/null |
    awk -F': ' '/^Using library/ {l=$2} /^Running hypervisor/ {h=$2} END {print l ", " h}') || true
  say "libvirtd is up ($URI, ${v:-?}${1:+, $1})"
}

if [[ "$(cat /proc/1/comm 2>/dev/null)" == systemd ]]; then
  answers || systemctl start virtlogd libvirtd
  wait_answers
  report systemd
  exit 0
fi

# --- no systemd ---------------------------------------------------------------

mkdir -p /run/lock
exec 9>"$LOCK"
flock -w "$TIMEOUT" 9 || die "another ensure-libvirtd.sh holds $LOCK for more than ${TIMEOUT}s"

mkdir -p "$LOGDIR/qemu" /run/libvirt /var/lib/libvirt/qemu /var/lib/libvirt/images /var/cache/libvirt/qemu
chmod 755 /var/lib/libvirt /var/cache/libvirt

if ! getent group libvirt-qemu >/dev/null; then
  groupadd --system libvirt-qemu
fi
if ! getent passwd libvirt-qemu >/dev/null; then
  useradd --system --gid libvirt-qemu --home-dir /var/lib/libvirt --no-create-home \
    --shell /usr/sbin/nologin --comment 'libvirt QEMU' libvirt-qemu
fi
# /dev/kvm: QEMU opens it as libvirt-qemu. udev normally makes it root:kvm 0660; without udev it
# stays root 0600, and then libvirt finds "KVM was enabled when probing qemu-system-x86_64, but it
# is not available now" on EVERY call that needs QEMU capabilities, re-probes QEMU each time and
# `virsh version` / `virsh start` take 4-12 s longer. Do what Debian's udev rule does
# (KERNEL=="kvm", GROUP="kvm", MODE="0660"). Domains of type 'qemu' (TCG) never use /dev/kvm.
if [[ -c /dev/kvm ]]; then
  getent group kvm >/dev/null || groupadd --system kvm
  if [[ "$(stat -c %G:%a /dev/kvm)" == root:600 ]]; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
  fi
fi
if getent group kvm >/dev/null && ! id -nG libvirt-qemu | tr ' ' '\n' | grep -qx kvm; then
  usermod -a -G kvm libvirt-qemu
fi

# True when PIDFILE names a live process called NAME. A dead pid, a pid reused by another
# program, or a killed daemon not yet reaped (a zombie, state Z) all count as stale.
alive() {
  local name=$1 pidfile=$2 pid stat
  [[ -s "$pidfile" ]] || return 1
  pid=$(tr -dc 0-9 <"$pidfile")
  [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }   # fields after "(comm) ": the first is the state
  [[ "${stat%% *}" != Z ]]
}

# Starts DAEMON -d unless alive; its own errors go to its log file.
start_daemon() {
  local name=$1
  alive "$name" "/run/$name.pid" && return 1
  # The parent of `-d` waits until the daemon is initialized and fails if it could not start.
  # 9>&-: the daemon must not inherit the lock (it would hold it for its whole life).
  if ! LIBVIRT_LOG_OUTPUTS="3:file:$LOGDIR/$name.log" "$name" -d </dev/null >>"$LOGDIR/$name.log" 2>&1 9>&-; then
    say "$name -d failed"
    tail -n 15 "$LOGDIR/$name.log" | sed "s/^/  $name.log: /" >&2
    exit 1
  fi
}

started=()
if start_daemon virtlogd; then started+=(virtlogd); fi
# libvirtd connects to virtlogd's socket when a domain starts: make sure it is there first.
deadline=$((SECONDS + TIMEOUT))
until [[ -S /run/libvirt/virtlogd-sock ]]; do
  ((SECONDS < deadline)) || die "virtlogd is running but /run/libvirt/virtlogd-sock did not appear"
  sleep 0.1
done
if start_daemon libvirtd; then started+=(libvirtd); fi
wait_answers
report "${started[*]:+started ${started[*]}}"
