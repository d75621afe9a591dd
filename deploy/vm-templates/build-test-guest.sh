#!/usr/bin/env bash
# Builds the VzPanel test guest, a tiny real Linux VM (Debian cloud kernel + busybox + qemu-ga in an
# initramfs, no root filesystem), and installs it as a VM template in the node's template cache.
#
#   deploy/vm-templates/build-test-guest.sh [--into DIR] [--name NAME] [--cache DIR]
#
#   --into DIR    template cache of VM templates   (default /var/lib/vzpanel-agent/templates/vm)
#   --name NAME   template name = directory name   (default vzpanel-test-guest)
#   --cache DIR   build cache (downloaded kernel package, finished builds)
#                 (default /var/cache/vzpanel/test-guest)
#
# Result, DIR/NAME/ (all world-readable; libvirt runs QEMU as the unprivileged libvirt-qemu):
#   vmlinuz, initrd.img   boot them directly (<kernel>, <initrd>, <cmdline> from template.json)
#   disk.qcow2            empty 1 GiB base disk (give each VM a qcow2 overlay of it)
#   template.json         {"name","kind":"vm","version":"<kernel>-<yyyyMMdd>","description","osFamily",
#                          "disk","kernel","initrd","cmdline","guestAgent":true,"minMemoryMib":128}
# A second run with the same kernel package, busybox, qemu-ga, this script and
# deploy/guest-tools/chpasswd only checks (< 2 s).
# The template directory is replaced with a rename: a half-built template never appears.
# Needs: apt-get/apt-cache (Debian), busybox-static, qemu-guest-agent, qemu-utils, cpio.
#
# What the guest does (see GUEST_INIT below). Under TCG it is at the ready marker in about 3 s:
#   * /init (busybox sh, PID 1) mounts proc, sys, devtmpfs, devpts, /run and /tmp; insmods the
#     virtio modules in dependency order (virtio_ring, virtio, virtio_pci_modern_dev,
#     virtio_pci_legacy_dev, virtio_pci, virtio_console, virtio_balloon, virtio_mem, then failover,
#     net_failover, virtio_net, virtio_blk, evdev, button; modules built into the kernel are
#     skipped); turns on memory auto-online (hotplugged DIMMs and virtio-mem appear in MemTotal);
#     sets the hostname from /etc/hostname; brings up lo; starts acpid and qemu-ga on the
#     virtio-serial port named org.qemu.guest_agent.0 (found via /sys/class/virtio-ports, no
#     udev), restarting qemu-ga when it exits; prints VZPANEL-GUEST-READY on the serial console
#     (nothing else: the console is slow under TCG) and then reaps orphans forever.
#   * PATH is /bin:/sbin:/usr/bin:/usr/sbin for everything, so guest-exec finds echo, cat, sleep,
#     free, hostname, ip (busybox applets).
#   * guest-set-user-password: qemu-ga runs `chpasswd [-e]`; busybox-static has no chpasswd
#     applet, so /usr/sbin/chpasswd is a small script (busybox mkpasswd -m sha512 + /etc/shadow),
#     deploy/guest-tools/chpasswd, shared with the busybox container template.
#     root starts with a locked password.
#   * Graceful shutdown, both libvirt modes work:
#       virsh shutdown --mode acpi   ACPI power button -> button.ko + evdev -> busybox acpid ->
#                                    /etc/acpi/PWRF/00000080 -> poweroff (needs <features><acpi/>)
#       virsh shutdown --mode agent  guest-shutdown -> qemu-ga runs /sbin/shutdown -P +0 (a
#                                    script here: busybox has no shutdown) -> poweroff
#     `poweroff` (busybox, not PID 1) signals PID 1 (SIGUSR2; SIGUSR1 = halt, SIGTERM = reboot);
#     /init stops qemu-ga and acpid, syncs and powers off with `poweroff -f`.
#     Plain `virsh shutdown` uses the agent when it is connected, else ACPI.
set -euo pipefail
umask 022   # QEMU (libvirt-qemu) must be able to read the template and traverse its parents

INTO=/var/lib/vzpanel-agent/templates/vm
NAME=vzpanel-test-guest
CACHE=${VZPANEL_TEST_GUEST_CACHE:-/var/cache/vzpanel/test-guest}
META_PKG=linux-image-cloud-amd64
# online_movable: hotplugged DIMMs hold no kernel memory, so the guest can give them back (unplug).
CMDLINE='console=ttyS0 quiet memhp_default_state=online_movable'
DISK_SIZE=1G
MIN_MEMORY_MIB=128
# insmod order matters: busybox insmod does not resolve dependencies (and depmod is not there).
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_console
  virtio_balloon virtio_mem failover net_failover virtio_net virtio_blk evdev button)

say() { printf 'vzpanel: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
  case "$1" in
    --into) [[ $# -ge 2 ]] || die "--into needs a directory"; INTO=$2; shift 2 ;;
    --into=*) INTO=${1#*=}; shift ;;
    --name) [[ $# -ge 2 ]] || die "--name needs a name"; NAME=$2; shift 2 ;;
    --name=*) NAME=${1#*=}; shift ;;
    --cache) [[ $# -ge 2 ]] || die "--cache needs a directory"; CACHE=$2; shift 2 ;;
    --cache=*) CACHE=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ "$NAME" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "bad template name: $NAME"
[[ -n "$INTO" ]] || die "--into must not be empty"

for tool in apt-cache apt-get dpkg dpkg-query qemu-img cpio gzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (install qemu-utils cpio; Debian only)"
done
BUSYBOX=/bin/busybox
QEMU_GA=/usr/sbin/qemu-ga
if [[ ! -x "$BUSYBOX" ]] || ldd "$BUSYBOX" >/dev/null 2>&1; then
  die "$BUSYBOX is missing or not static: install busybox-static"
fi
[[ -x "$QEMU_GA" ]] || die "$QEMU_GA not found: install qemu-guest-agent"
# The guest's /usr/sbin/chpasswd, shared with the busybox container template.
CHPASSWD=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../guest-tools/chpasswd
[[ -f "$CHPASSWD" ]] || die "$CHPASSWD not found (deploy/guest-tools comes with this script)"

# One run at a time per cache (concurrent runs would race on the build and the install).
mkdir -p "$CACHE"
exec 8>"$CACHE/.lock"
flock -w 600 8 || die "another build-test-guest.sh holds $CACHE/.lock"

# --- what to build: the current cloud kernel package, our inputs ------------------------------

# apt-cache depends linux-image-cloud-amd64 -> "  Depends: linux-image-6.1.0-56-cloud-amd64".
# Each apt-cache call takes over a second where apt keeps no pkgcache.bin (Debian container images),
# so the answer is remembered until the package lists or the apt configuration change.
APT_STATE=$(find /var/lib/apt/lists /etc/apt -maxdepth 2 -type f ! -name lock -printf '%p %T@ %s\n' 2>/dev/null |
  LC_ALL=C sort | sha256sum | cut -c1-16)
state='' KPKG='' KVER='' OLD_KPKG='' OLD_KVER=''
if [[ -f "$CACHE/resolved" ]]; then
  read -r state OLD_KPKG OLD_KVER <"$CACHE/resolved" || true
  [[ "$state" != "$APT_STATE" ]] || { KPKG=$OLD_KPKG; KVER=$OLD_KVER; }
fi
if [[ -z "$KPKG" || -z "$KVER" ]]; then
  KPKG=$(apt-cache depends "$META_PKG" 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {print $2; exit}') || true
  [[ -z "$KPKG" ]] ||
    KVER=$(apt-cache show --no-all-versions "$KPKG" 2>/dev/null | awk '$1 == "Version:" {print $2; exit}') || true
  if [[ -n "$KPKG" && -n "$KVER" ]]; then
    echo "$APT_STATE $KPKG $KVER" >"$CACHE/resolved"
  elif [[ -n "$OLD_KPKG" && -n "$OLD_KVER" ]]; then
    say "warning: apt-cache cannot resolve $META_PKG now; using the last known $OLD_KPKG $OLD_KVER"
    KPKG=$OLD_KPKG KVER=$OLD_KVER
  else
    die "cannot resolve $META_PKG with apt-cache depends (run apt-get update?)"
  fi
fi
KREL=${KPKG#linux-image-}    # uname -r of the guest, e.g. 6.1.0-56-cloud-amd64
KUPSTREAM=${KVER%%-*}        # 6.1.192 from 6.1.192-2
INPUTS=$(
  printf '%s %s %s\n' "$NAME" "$KPKG" "$KVER"
  dpkg-query -W busybox-static qemu-guest-agent 2>/dev/null || true
  sha256sum <"${BASH_SOURCE[0]}"
  sha256sum <"$CHPASSWD"
)
KEY=$(sha256sum <<<"$INPUTS" | cut -c1-16)
BUILD=$CACHE/builds/$NAME/$KEY   # one build kept per template name
DEST=$INTO/$NAME
FILES=(vmlinuz initrd.img disk.qcow2 template.json)

# Atomically (re)places DEST with a copy of BUILD, unless it already holds exactly that build.
install_template() {
  local f same=1
  for f in "${FILES[@]}"; do
    cmp -s "$BUILD/$f" "$DEST/$f" || { same=0; break; }
  done
  if ((same)); then
    say "VM template $NAME is up to date in $INTO (kernel $KREL, build $KEY)"
    return 0
  fi
  mkdir -p "$INTO"
  chmod a+rx "$INTO"
  local tmp old
  tmp=$(mktemp -d "$INTO/.$NAME.new.XXXXXX")
  cp "${FILES[@]/#/$BUILD/}" "$tmp/"
  chmod 0755 "$tmp"
  chmod 0644 "${FILES[@]/#/$tmp/}"
  if [[ -e "$DEST" ]]; then
    old=$(mktemp -d "$INTO/.$NAME.old.XXXXXX")
    mv -T "$DEST" "$old/t"
    mv -T "$tmp" "$DEST"
    rm -rf "$old"
  else
    mv -T "$tmp" "$DEST"
  fi
  say "VM template $NAME installed in $INTO (kernel $KREL, version $(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$DEST/template.json"))"
}

if [[ -f "$BUILD/template.json" ]]; then
  install_template
  exit 0
fi

# --- build -------------------------------------------------------------------------------------

mkdir -p "$CACHE/builds/$NAME" "$CACHE/debs"
WORK=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

DEB=$CACHE/debs/${KPKG}_${KVER}_amd64.deb
if [[ ! -s "$DEB" ]]; then
  say "downloading $KPKG $KVER"
  mkdir -p "$WORK/dl"
  # Sandbox user root: apt's _apt user could not write into a root-only cache directory.
  (cd "$WORK/dl" && apt-get download -qq -o APT::Sandbox::User=root "$KPKG=$KVER") ||
    die "apt-get download $KPKG=$KVER failed"
  rm -f "$CACHE/debs/"*.deb   # keep only the current kernel
  mv "$WORK/dl/"*.deb "$DEB"
fi
dpkg -x "$DEB" "$WORK/kernel"
MODDIR=$WORK/kernel/lib/modules/$KREL
VMLINUZ=$WORK/kernel/boot/vmlinuz-$KREL
[[ -f "$VMLINUZ" ]] || die "$DEB has no boot/vmlinuz-$KREL"

ROOT=$WORK/root
OUT=$WORK/out
mkdir -p "$OUT" "$ROOT"/{bin,sbin,usr/bin,usr/sbin,etc/acpi/PWRF,lib/modules,proc,sys,dev,run,tmp,root,var/log,var/lib}
ln -s ../run "$ROOT/var/run"
chmod 1777 "$ROOT/tmp"
chmod 0700 "$ROOT/root"

# Kernel modules, decompressed (busybox insmod may not read .ko.xz/.ko.zst). A module the kernel
# has built in (modules.builtin) is fine to miss; a module missing altogether is only a warning.
: >"$ROOT/etc/modules"
for m in "${MODULES[@]}"; do
  ko=$(find "$MODDIR/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" \) -print -quit)
  case "$ko" in
    "")
      grep -q "/$m\.ko$" "$MODDIR/modules.builtin" 2>/dev/null ||
        say "warning: kernel module $m is neither in $KPKG nor built in; the guest goes without it"
      continue ;;
    *.ko) cp "$ko" "$ROOT/lib/modules/$m.ko" ;;
    *.xz) xz -dc "$ko" >"$ROOT/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$ko" >"$ROOT/lib/modules/$m.ko" ;;
    *.gz) gzip -dc "$ko" >"$ROOT/lib/modules/$m.ko" ;;
  esac
  echo "$m" >>"$ROOT/etc/modules"
done

# busybox with a link per applet (--list-full gives bin/sh, usr/bin/awk, ...).
cp "$BUSYBOX" "$ROOT/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
  [[ "$applet" == bin/busybox || -e "$ROOT/$applet" ]] || ln -s /bin/busybox "$ROOT/$applet"
done

# qemu-ga, its libraries and the dynamic loader, at the paths ldd shows.
cp "$QEMU_GA" "$ROOT/usr/sbin/qemu-ga"
ldd "$QEMU_GA" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u |
  while read -r lib; do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
  done

cat >"$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
EOF
cat >"$ROOT/etc/group" <<'EOF'
root:x:0:
EOF
cat >"$ROOT/etc/shadow" <<'EOF'
root:!:19000:0:99999:7:::
EOF
chmod 0600 "$ROOT/etc/shadow"
echo "$NAME" >"$ROOT/etc/hostname"
cat >"$ROOT/etc/os-release" <<EOF
NAME="VzPanel test guest"
ID=vzpanel-test-guest
ID_LIKE=debian
VERSION_ID=$KUPSTREAM
VERSION="$KUPSTREAM ($KREL)"
PRETTY_NAME="VzPanel test guest $KUPSTREAM (busybox + qemu-ga, kernel $KREL)"
HOME_URL="https://github.com/vzpanel"
EOF
cat >"$ROOT/etc/hosts" <<EOF
127.0.0.1 localhost
EOF

# chpasswd for qemu-ga's guest-set-user-password: "user:password" lines on stdin, -e = crypted.
cp "$CHPASSWD" "$ROOT/usr/sbin/chpasswd"
# shutdown for qemu-ga's guest-shutdown (it runs /sbin/shutdown -P|-H|-r +0 "message").
cat >"$ROOT/sbin/shutdown" <<'EOF'
#!/bin/sh
# shutdown -P|-h (power off), -H (halt), -r (reboot); the time and message are ignored.
action=poweroff
for a in "$@"; do
  case "$a" in -r) action=reboot ;; -H) action=halt ;; -P | -h) action=poweroff ;; esac
done
exec "$action"
EOF
cat >"$ROOT/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
# busybox acpid runs this on the ACPI power button (virsh shutdown --mode acpi).
exec poweroff
EOF

# PID 1.
cat >"$ROOT/init" <<'GUEST_INIT'
#!/bin/sh
# PID 1 of the VzPanel test guest. Keep it quiet: the serial console is slow under TCG.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=linux
umask 022

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=000 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /run
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
exec </dev/null >/dev/console 2>&1

while read -r m; do
  insmod "/lib/modules/$m.ko" 2>>/run/init.log || echo "insmod $m failed" >>/run/init.log
done </etc/modules

# Hotplugged memory comes online by itself, movable so it can be unplugged again (the kernel
# command line says the same; this covers kernels that ignore it).
[ -w /sys/devices/system/memory/auto_online_blocks ] &&
  echo online_movable >/sys/devices/system/memory/auto_online_blocks 2>>/run/init.log

hostname -F /etc/hostname
ip link set lo up

acpid -l /run/acpid.log -p /run/acpid.pid

# The guest agent port: no udev, so look for the virtio port by name; devtmpfs made /dev/vportNpM.
ga_port() {
  for n in /sys/class/virtio-ports/*/name; do
    [ -r "$n" ] && [ "$(cat "$n")" = org.qemu.guest_agent.0 ] && { d=${n%/name}; echo "/dev/${d##*/}"; return 0; }
  done
  return 1
}
# `vzpanel.noagent` on the kernel command line plays a guest without tools (tests of that failure).
grep -qw vzpanel.noagent /proc/cmdline || (
  trap 'exit 0' TERM
  while :; do
    if port=$(ga_port) && [ -c "$port" ]; then
      qemu-ga -m virtio-serial -p "$port" -l /run/qemu-ga.log -f /run/qemu-ga.pid &
      echo $! >/run/qemu-ga-loop.child
      wait $!
    fi
    sleep 1 &
    wait $!
  done
) &
echo $! >/run/qemu-ga-loop.pid

echo VZPANEL-GUEST-READY

stop() {
  kill "$(cat /run/qemu-ga-loop.pid)" "$(cat /run/qemu-ga-loop.child 2>/dev/null)" "$(cat /run/acpid.pid 2>/dev/null)" 2>/dev/null
  kill -TERM -1 2>/dev/null
  sleep 0.2
  sync
  "$1" -f
}
# busybox poweroff/halt/reboot signal PID 1 with USR2/USR1/TERM.
trap 'stop poweroff' USR2
trap 'stop halt' USR1
trap 'stop reboot' TERM
trap '' INT HUP

# Reap orphans: ash's wait collects any child while it waits for the sleep.
while :; do
  sleep 3600 &
  wait $!
done
GUEST_INIT

chmod 0755 "$ROOT/init" "$ROOT/usr/sbin/chpasswd" "$ROOT/sbin/shutdown" "$ROOT/etc/acpi/PWRF/00000080"

(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$OUT/initrd.img"
cp "$VMLINUZ" "$OUT/vmlinuz"
qemu-img create -q -f qcow2 "$OUT/disk.qcow2" "$DISK_SIZE"

printf '{"name":"%s","kind":"vm","version":"%s-%s","description":"%s","osFamily":"linux","disk":"disk.qcow2","kernel":"vmlinuz","initrd":"initrd.img","cmdline":"%s","guestAgent":true,"minMemoryMib":%d}\n' \
  "$NAME" "$KUPSTREAM" "$(date -u +%Y%m%d)" \
  "VzPanel test guest: Debian cloud kernel $KREL, busybox and qemu-guest-agent in an initramfs (direct kernel boot, no OS on the disk)" \
  "$CMDLINE" "$MIN_MEMORY_MIB" >"$OUT/template.json"
chmod 0644 "$OUT"/*
chmod 0755 "$OUT"

# Publish the build, then drop older ones.
rm -rf "$BUILD"
mv -T "$OUT" "$BUILD"
for old in "$CACHE/builds/$NAME/"*; do
  [[ "$old" == "$BUILD" ]] || rm -rf "$old"
done
say "built test guest $KEY: kernel $KREL ($KVER), initrd $(du -k "$BUILD/initrd.img" | cut -f1) KiB"
install_template
