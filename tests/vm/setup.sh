#!/usr/bin/env bash
# Installs what the nlwire VM harness (crate nlwire-vm) needs on a Debian machine:
#   qemu-system-x86     qemu-system-x86_64
#   linux-image-amd64   /boot/vmlinuz-<ver> and /lib/modules/<ver>/.../openvswitch.ko*
#   busybox-static      /bin/busybox (the guest's init and shell)
#   openvswitch-common  the shared libraries ovs-dpctl links against
#   xz-utils            to extract the kernel's vmlinux once for a direct (PVH) boot
#   openvswitch-switch  only downloaded and unpacked (never installed: its postinst starts
#                       services) into $NLWIRE_VM_CACHE/ovs, giving .../usr/sbin/ovs-dpctl
#
# Idempotent: when everything is present it exits in well under a second without touching
# apt. Needs root (or sudo) for apt-get.
#
#   bash tests/vm/setup.sh            # install / check
#   NLWIRE_VM_CACHE=/some/dir bash tests/vm/setup.sh
#
# The cache dir defaults to /var/cache/nlwire-vm; the Rust harness reads the same variable.
set -euo pipefail

CACHE="${NLWIRE_VM_CACHE:-/var/cache/nlwire-vm}"
OVS_DIR="$CACHE/ovs"
PKGS=(qemu-system-x86 linux-image-amd64 busybox-static openvswitch-common xz-utils)

log() { echo "[nlwire-vm setup] $*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        log "not root and no sudo: cannot run apt-get"
    fi
fi

# A kernel image with a matching module tree that contains openvswitch.
have_kernel() {
    local k ver
    for k in /boot/vmlinuz-*; do
        [ -e "$k" ] || continue
        ver="${k#/boot/vmlinuz-}"
        if compgen -G "/lib/modules/$ver/kernel/net/openvswitch/openvswitch.ko*" >/dev/null; then
            return 0
        fi
    done
    return 1
}

have_packages() {
    command -v qemu-system-x86_64 >/dev/null 2>&1 || return 1
    command -v xz >/dev/null 2>&1 || return 1
    [ -x /bin/busybox ] || return 1
    # busybox-static is the statically linked one; the dynamic "busybox" package also
    # provides /bin/busybox, so ask dpkg.
    dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || return 1
    dpkg-query -W -f='${Status}' openvswitch-common 2>/dev/null | grep -q 'install ok installed' || return 1
    have_kernel
}

have_ovs_dpctl() {
    [ -x "$OVS_DIR/usr/bin/ovs-dpctl" ] || [ -x "$OVS_DIR/usr/sbin/ovs-dpctl" ] || return 1
    # The unpacked openvswitch-switch must match the installed openvswitch-common (same
    # upstream build, same private libopenvswitch soname).
    local want
    want="$(dpkg-query -W -f='${Version}' openvswitch-common 2>/dev/null)" || return 1
    [ -f "$OVS_DIR/.version" ] && [ "$(cat "$OVS_DIR/.version")" = "$want" ]
}

# apt-get with a wait on the dpkg/apt locks (another apt-get may be running in the
# background) and a few retries for the lists lock, which DPkg::Lock::Timeout does not cover.
apt_run() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        if DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 -q "$@"; then
            return 0
        fi
        log "apt-get $* failed (attempt $i), retrying in 15 s (locked by another apt?)"
        sleep 15
    done
    log "apt-get $* kept failing"
    return 1
}

if ! have_packages; then
    missing=()
    for p in "${PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        # Packages say installed but a file is missing: reinstall them all.
        missing=("${PKGS[@]}")
    fi
    log "installing: ${missing[*]}"
    # Update only when the package lists are missing or older than a day; a failing
    # install below retries after an update anyway.
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
        apt_run update
    fi
    if ! DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 -q -y \
        --no-install-recommends install "${missing[@]}"; then
        apt_run update
        apt_run -y --no-install-recommends install "${missing[@]}"
    fi
    have_packages || { log "packages installed but qemu/kernel/openvswitch.ko/busybox still missing"; exit 1; }
fi

if ! have_ovs_dpctl; then
    want="$(dpkg-query -W -f='${Version}' openvswitch-common)"
    log "unpacking openvswitch-switch=$want into $OVS_DIR"
    "${SUDO[@]}" mkdir -p "$CACHE"
    tmp="$("${SUDO[@]}" mktemp -d "$CACHE/dl.XXXXXX")"
    trap '"${SUDO[@]}" rm -rf "$tmp"' EXIT
    # apt-get download writes into the current directory; it runs as the _apt user when it
    # can, so let it write where it can, then move the .deb.
    dl="$(mktemp -d)"
    chmod 0777 "$dl"
    (cd "$dl" && apt-get -q download "openvswitch-switch=$want") ||
        (cd "$dl" && apt_run download "openvswitch-switch=$want")
    deb="$(ls "$dl"/openvswitch-switch_*.deb)"
    "${SUDO[@]}" dpkg -x "$deb" "$tmp/root"
    printf '%s\n' "$want" | "${SUDO[@]}" tee "$tmp/root/.version" >/dev/null
    rm -rf "$dl"
    "${SUDO[@]}" rm -rf "$OVS_DIR"
    "${SUDO[@]}" mv "$tmp/root" "$OVS_DIR"
    have_ovs_dpctl || { log "ovs-dpctl not found in the unpacked openvswitch-switch"; exit 1; }
fi

# Debian installs kernel images mode 0600; the tests may run as another user than this script.
for k in /boot/vmlinuz-*; do
    [ -r "$k" ] && [ "$(( 0$(stat -c %a "$k") & 04 ))" -ne 0 ] && continue
    log "making $k world-readable for qemu -kernel"
    "${SUDO[@]}" chmod a+r "$k"
done

kernel="$(ls -1 /boot/vmlinuz-* | sort -V | tail -n1)"
log "ok: $(command -v qemu-system-x86_64), $kernel, busybox-static, ovs-dpctl in $OVS_DIR"
