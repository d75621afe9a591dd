#!/usr/bin/env bash
# Builds a container OS template (an EZ-template-style cache entry: a root filesystem tarball and
# its template.json) for the agent's LXC engine and installs it in the node's template cache.
#
#   deploy/ct-templates/build-ct-template.sh busybox [--into DIR] [--name NAME] [--cache DIR] [--force]
#   deploy/ct-templates/build-ct-template.sh debian [--suite SUITE] [--mirror URL] [--into DIR]
#                                            [--name NAME] [--cache DIR] [--force]
#
#   busybox        BusyBox from busybox-static with busybox init: about 1 MiB, built in a second
#   debian         Debian minbase with systemd, by debootstrap: needs a Debian mirror, a few minutes
#   --into DIR     template cache of CT templates  (default /var/lib/vzpanel-agent/templates/ct)
#   --name NAME    template name = directory name  (default busybox-x86_64, debian-12-x86_64;
#                  the architecture is this machine's, the 12 comes from the suite)
#   --suite SUITE  Debian suite                    (default bookworm)
#   --mirror URL   Debian mirror                   (default http://deb.debian.org/debian)
#   --cache DIR    work space, lock and finished debian builds
#                  (default /var/cache/vzpanel/ct-templates)
#   --force        build again even when the template is up to date (debian: fresh packages)
#
# Result, DIR/NAME/:
#   rootfs.tar.gz  gzip tarball of the root filesystem (numeric owners, entries ./bin/..., ...);
#                  unpack with tar --numeric-owner -xpzf rootfs.tar.gz -C ROOTFS
#   template.json  {"name","kind":"ct","version","description","osFamily":"linux","osId",
#                   "rootfs":"rootfs.tar.gz","sha256":"<of rootfs.tar.gz>","minMemoryMib","init",
#                   "haltSignal"}
#   .build-key     hash of the inputs (busybox: the busybox binary, this script and
#                  deploy/guest-tools/chpasswd; debian: suite, mirror, architecture, this script)
# A second run with the same inputs only checks (the key and the tarball's sha256) and exits. A
# finished debian build is also kept in the cache, so another --into gets it without a download.
# The template directory is replaced with a rename: a half-built template never appears.
# Run as root. Needs: tar, gzip, sha256sum, flock; busybox-static; debootstrap (debian).
#
# busybox (osId busybox, version = busybox's, e.g. 1.35.0; minMemoryMib 32):
#   * /bin/busybox and a symlink per applet (busybox --list-full); /usr/sbin/chpasswd is
#     deploy/guest-tools/chpasswd ("user:password" lines on stdin, -e = crypted; busybox-static has
#     no chpasswd applet). root (the only user) starts with a locked password.
#   * PID 1 is busybox init (init /sbin/init): /etc/inittab runs /etc/init.d/rcS (mount -a, the
#     hostname from /etc/hostname) and no getty (a container has no console here). busybox init
#     halts on SIGUSR1 (haltSignal), powers off on SIGUSR2 and reboots on SIGTERM.
#   * Starts as a privileged LXC 5 container with lxc.init.cmd = /sbin/init, lxc.autodev = 1,
#     lxc.signal.halt = SIGUSR1 and lxc.mount.auto = cgroup:mixed proc:mixed sys:ro.
# debian (osId debian, version <suite>-<yyyyMMdd>; minMemoryMib 128):
#   * debootstrap --variant=minbase --include=systemd-sysv,iproute2,passwd,procps SUITE ROOTFS MIRROR
#   * PID 1 is systemd (init /sbin/init), which halts on SIGRTMIN+3 (haltSignal).
#   * /etc/hostname is a placeholder (localhost), /etc/machine-id is empty (each container gets
#     its own on first boot), the build host's /etc/resolv.conf is not copied, root's password is
#     locked (root:*: in /etc/shadow), apt's caches and package lists are emptied (apt update first).
set -euo pipefail
umask 022

INTO=/var/lib/vzpanel-agent/templates/ct
NAME=''
CACHE=${VZPANEL_CT_TEMPLATE_CACHE:-/var/cache/vzpanel/ct-templates}
KIND=''
SUITE=''
MIRROR=''
FORCE=0
DEFAULT_SUITE=bookworm
DEFAULT_MIRROR=http://deb.debian.org/debian
DEBIAN_INCLUDE=systemd-sysv,iproute2,passwd,procps
BUSYBOX=/bin/busybox
# Applets the busybox template cannot do without (init, rcS, inittab, chpasswd, halt).
BUSYBOX_NEEDS=(sh init mount umount hostname awk mkpasswd mv halt poweroff reboot)

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
    --suite) [[ $# -ge 2 ]] || die "--suite needs a suite"; SUITE=$2; shift 2 ;;
    --suite=*) SUITE=${1#*=}; shift ;;
    --mirror) [[ $# -ge 2 ]] || die "--mirror needs a URL"; MIRROR=$2; shift 2 ;;
    --mirror=*) MIRROR=${1#*=}; shift ;;
    --force) FORCE=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown argument: $1 (see --help)" ;;
    *) [[ -z "$KIND" ]] || die "one template kind at a time (got $KIND and $1)"; KIND=$1; shift ;;
  esac
done

ARCH=$(uname -m)   # x86_64: the template runs on nodes like this one
case "$KIND" in
  busybox)
    [[ -z "$SUITE" && -z "$MIRROR" ]] || die "--suite and --mirror are for debian templates only"
    NAME=${NAME:-busybox-$ARCH} ;;
  debian)
    SUITE=${SUITE:-$DEFAULT_SUITE}
    MIRROR=${MIRROR:-$DEFAULT_MIRROR}
    [[ "$SUITE" =~ ^[a-z][a-z0-9.-]*$ ]] || die "bad suite: $SUITE"
    [[ "$MIRROR" =~ ^[a-z]+://[^[:space:]]+$ ]] || die "bad mirror URL: $MIRROR"
    MIRROR=${MIRROR%/}
    case "$SUITE" in
      buster) RELEASE=10 ;; bullseye) RELEASE=11 ;; bookworm) RELEASE=12 ;; trixie) RELEASE=13 ;;
      forky) RELEASE=14 ;; *) RELEASE=$SUITE ;;
    esac
    NAME=${NAME:-debian-$RELEASE-$ARCH} ;;
  "") usage >&2; die "which template? busybox or debian" ;;
  *) die "unknown template kind: $KIND (busybox or debian)" ;;
esac
[[ "$NAME" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "bad template name: $NAME"
[[ -n "$INTO" ]] || die "--into must not be empty"
[[ -n "$CACHE" ]] || die "--cache must not be empty"
((EUID == 0)) || die "run as root (the root filesystem belongs to root; debootstrap needs root)"

for tool in tar gzip sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
SELF=$(readlink -f "${BASH_SOURCE[0]}")
CHPASSWD=$(dirname "$SELF")/../guest-tools/chpasswd
if [[ "$KIND" == busybox ]]; then
  if [[ ! -x "$BUSYBOX" ]] || ldd "$BUSYBOX" >/dev/null 2>&1; then
    die "$BUSYBOX is missing or not static: install busybox-static"
  fi
  applets=$("$BUSYBOX" --list) || die "$BUSYBOX --list failed: install busybox-static"
  for a in "${BUSYBOX_NEEDS[@]}"; do
    grep -qx -- "$a" <<<"$applets" || die "$BUSYBOX has no $a applet: install Debian's busybox-static"
  done
  [[ -f "$CHPASSWD" ]] || die "$CHPASSWD not found (deploy/guest-tools comes with this script)"
  BB_VERSION=$("$BUSYBOX" --help 2>&1 | sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p') || true
  [[ -n "$BB_VERSION" ]] || die "cannot tell the version of $BUSYBOX ($BUSYBOX --help)"
  INPUTS=$(
    printf '%s %s %s\n' "$KIND" "$NAME" "$ARCH"
    sha256sum <"$BUSYBOX"
    sha256sum <"$SELF"
    sha256sum <"$CHPASSWD"
  )
else
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found: install debootstrap"
  DEB_ARCH=$(dpkg --print-architecture 2>/dev/null) || die "dpkg not found (the debian template is built on Debian)"
  INPUTS=$(
    printf '%s %s %s %s %s\n' "$KIND" "$NAME" "$SUITE" "$MIRROR" "$DEB_ARCH"
    sha256sum <"$SELF"
  )
fi
KEY=$(sha256sum <<<"$INPUTS" | cut -c1-16)
DEST=$INTO/$NAME
BUILD=$CACHE/builds/$NAME/$KEY   # finished debian builds, one kept per template name
FILES=(rootfs.tar.gz template.json)

# One run at a time per cache (concurrent runs would race on the build and the install).
mkdir -p "$CACHE"
exec 8>"$CACHE/.lock"
flock -w 1800 8 || die "another build-ct-template.sh holds $CACHE/.lock"

json_string() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
template_field() { sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" "$1"; }
sha256_of() { sha256sum <"$1" | cut -d' ' -f1; }

# True when DEST holds this very build, intact.
up_to_date() {
  local f want
  for f in "${FILES[@]}" .build-key; do [[ -f "$DEST/$f" ]] || return 1; done
  [[ "$(cat "$DEST/.build-key")" == "$KEY" ]] || return 1
  want=$(template_field "$DEST/template.json" sha256)
  [[ -n "$want" && "$(sha256_of "$DEST/rootfs.tar.gz")" == "$want" ]]
}

if ((!FORCE)) && up_to_date; then
  say "CT template $NAME is up to date in $INTO (version $(template_field "$DEST/template.json" version), build $KEY)"
  exit 0
fi

WORK='' NEW=''
cleanup() {
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    # debootstrap stopped halfway can leave proc, sys or /dev binds mounted inside the target.
    awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/self/mounts | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$WORK"
  fi
  [[ -z "$NEW" ]] || rm -rf "$NEW"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- busybox -----------------------------------------------------------------------------------

build_busybox() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,root,tmp,proc,sys,dev,var/run,var/log,lib,home,mnt}
  chmod 0755 "$root"
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"

  # busybox with a link per applet (--list-full gives bin/sh, usr/bin/awk, sbin/init, linuxrc, ...).
  cp "$BUSYBOX" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  "$BUSYBOX" --list-full | while read -r applet; do
    [[ "$applet" == bin/busybox || -e "$root/$applet" || -L "$root/$applet" ]] && continue
    [[ "$applet" != */* ]] || mkdir -p "$root/${applet%/*}"
    ln -s /bin/busybox "$root/$applet"
  done
  # The agent sets passwords with `chpasswd` ("user:password" lines on stdin).
  rm -f "$root/usr/sbin/chpasswd"
  cp "$CHPASSWD" "$root/usr/sbin/chpasswd"
  chmod 0755 "$root/usr/sbin/chpasswd"

  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:!:19000:0:99999:7:::' >"$root/etc/shadow"   # locked
  chmod 0600 "$root/etc/shadow"
  echo 'root:x:0:' >"$root/etc/group"
  echo localhost >"$root/etc/hostname"
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  cat >"$root/etc/os-release" <<EOF
NAME="BusyBox"
ID=busybox
VERSION_ID=$BB_VERSION
PRETTY_NAME="BusyBox $BB_VERSION (VzPanel container template)"
EOF
  cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
mount -a 2>/dev/null
[ -s /etc/hostname ] && hostname -F /etc/hostname
exit 0
EOF
  chmod 0755 "$root/etc/init.d/rcS"
  # No getty: the container has no console here. SIGUSR1 halts, SIGUSR2 powers off, SIGTERM reboots.
  cat >"$root/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
EOF

  VERSION=$BB_VERSION
  OS_ID=busybox
  MIN_MEMORY_MIB=32
  INIT=/sbin/init
  HALT_SIGNAL=SIGUSR1
  DESCRIPTION="BusyBox $BB_VERSION (static) with busybox init: a tiny container with a shell and the busybox applets"
}

# --- debian ------------------------------------------------------------------------------------

build_debian() {
  local root=$1 log=$WORK/debootstrap.out started=$SECONDS
  # A quick look first, so an unreachable mirror is a clear message instead of a debootstrap log.
  if [[ "$MIRROR" == http://* || "$MIRROR" == https://* ]] && command -v wget >/dev/null 2>&1; then
    wget -q -T 20 -t 2 -O /dev/null "$MIRROR/dists/$SUITE/Release" ||
      die "cannot fetch $MIRROR/dists/$SUITE/Release: no suite $SUITE there, or the mirror is out of reach (the debian template needs network access to a Debian mirror; --mirror URL picks another, http_proxy a proxy)"
  fi
  say "debootstrap $SUITE ($DEB_ARCH) from $MIRROR: a few minutes"
  if ! debootstrap --variant=minbase --include="$DEBIAN_INCLUDE" --arch="$DEB_ARCH" \
    "$SUITE" "$root" "$MIRROR" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    [[ ! -f "$root/debootstrap/debootstrap.log" ]] || tail -n 20 "$root/debootstrap/debootstrap.log" >&2
    die "debootstrap $SUITE from $MIRROR failed (see above): the debian template needs network access to a Debian mirror"
  fi
  say "debootstrap done in $((SECONDS - started)) s"
  chmod 0755 "$root"
  [[ -e "$root/sbin/init" || -L "$root/sbin/init" ]] || die "debootstrap left no /sbin/init (systemd-sysv)"
  [[ -x "$root/usr/sbin/chpasswd" ]] || die "debootstrap left no /usr/sbin/chpasswd (passwd)"

  echo localhost >"$root/etc/hostname"   # placeholder: debootstrap copies the build host's
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  rm -f "$root/etc/resolv.conf"          # the build host's, likewise; DNS is per container
  # Empty: systemd makes a machine id per container on its first boot (not one for all).
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  sed -i 's/^root:[^:]*:/root:*:/' "$root/etc/shadow"   # locked (as debootstrap leaves it)
  find "$root/var/cache/apt" "$root/var/lib/apt/lists" -type f -delete
  rm -f "$root/var/log/bootstrap.log"

  local debver
  debver=$(cat "$root/etc/debian_version" 2>/dev/null) || debver=$SUITE
  VERSION=$SUITE-$(date -u +%Y%m%d)
  OS_ID=debian
  MIN_MEMORY_MIB=128
  INIT=/sbin/init
  HALT_SIGNAL=SIGRTMIN+3   # systemd
  DESCRIPTION="Debian $debver ($SUITE) minbase with systemd, iproute2, passwd and procps (debootstrap from $MIRROR, $(date -u +%Y-%m-%d))"
}

# --- build, install ----------------------------------------------------------------------------

mkdir -p "$INTO"
NEW=$(mktemp -d "$INTO/.$NAME.new.XXXXXX")   # sibling of DEST: the rename is atomic
if [[ "$KIND" == debian ]] && ((!FORCE)) && [[ -f "$BUILD/template.json" && -f "$BUILD/rootfs.tar.gz" ]]; then
  say "CT template $NAME: build $KEY from $BUILD"
  for f in "${FILES[@]}"; do ln -f "$BUILD/$f" "$NEW/$f" 2>/dev/null || cp "$BUILD/$f" "$NEW/$f"; done
else
  WORK=$(mktemp -d "$CACHE/work.XXXXXX")   # not /tmp: it may be nodev/noexec (debootstrap)
  started=$SECONDS
  "build_$KIND" "$WORK/rootfs"
  tar --numeric-owner --sort=name -C "$WORK/rootfs" -czf "$NEW/rootfs.tar.gz" .
  printf '{"name":%s,"kind":"ct","version":%s,"description":%s,"osFamily":"linux","osId":%s,"rootfs":"rootfs.tar.gz","sha256":"%s","minMemoryMib":%d,"init":%s,"haltSignal":%s}\n' \
    "$(json_string "$NAME")" "$(json_string "$VERSION")" "$(json_string "$DESCRIPTION")" \
    "$(json_string "$OS_ID")" "$(sha256_of "$NEW/rootfs.tar.gz")" "$MIN_MEMORY_MIB" \
    "$(json_string "$INIT")" "$(json_string "$HALT_SIGNAL")" >"$NEW/template.json"
  say "built CT template $NAME $VERSION in $((SECONDS - started)) s: rootfs.tar.gz $(du -k "$NEW/rootfs.tar.gz" | cut -f1) KiB"
  if [[ "$KIND" == debian ]]; then   # keep the finished build, drop older ones
    mkdir -p "$CACHE/builds/$NAME"
    rm -rf "$BUILD" "$BUILD.new"
    mkdir "$BUILD.new"
    for f in "${FILES[@]}"; do ln -f "$NEW/$f" "$BUILD.new/$f" 2>/dev/null || cp "$NEW/$f" "$BUILD.new/$f"; done
    mv -T "$BUILD.new" "$BUILD"
    for old in "$CACHE/builds/$NAME/"*; do
      [[ "$old" == "$BUILD" ]] || rm -rf "$old"
    done
  fi
fi
echo "$KEY" >"$NEW/.build-key"
chmod 0755 "$NEW"
chmod 0644 "$NEW/rootfs.tar.gz" "$NEW/template.json" "$NEW/.build-key"

if [[ -e "$DEST" ]]; then
  old=$(mktemp -d "$INTO/.$NAME.old.XXXXXX")
  mv -T "$DEST" "$old/t"
  mv -T "$NEW" "$DEST"
  rm -rf "$old"
else
  mv -T "$NEW" "$DEST"
fi
NEW=''
say "CT template $NAME installed in $INTO (version $(template_field "$DEST/template.json" version), build $KEY)"
