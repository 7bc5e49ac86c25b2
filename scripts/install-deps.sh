#!/usr/bin/env bash
# Install the Debian packages that the tests and the demo need: a real IMAP
# server (Dovecot 2.3) plus the tools dovecot.sh uses (openssl, python3, ss).
#
# Idempotent and quick: when everything is installed it does nothing at all
# (no `apt-get update`, which is the slow part), so CI and demo.sh can call it
# unconditionally.
#
# Debian's dovecot-core postinst starts the *system* Dovecot on 0.0.0.0:143/993.
# We never want that (tests start private instances on 127.0.0.1 only), so
# service starts are forbidden during the install with a temporary
# /usr/sbin/policy-rc.d that exits 101, and any system Dovecot that runs anyway
# is stopped afterwards.
set -euo pipefail

# dovecot-*: the server; openssl: certificates; python3: free ports, seeding,
# the demo's raw client; iproute2: `ss` for checks; g++: libFuzzer, built by
# the fuzz targets' short run. All but Dovecot are normally there already.
PACKAGES=(dovecot-core dovecot-imapd openssl python3 iproute2 g++)

log() { printf 'install-deps: %s\n' "$*" >&2; }

is_installed() {
    # dpkg-query prints "install ok installed" only for fully configured packages.
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

if [[ "$(id -u)" -ne 0 ]]; then
    SUDO=(sudo)
else
    SUDO=()
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=""
POLICY_CREATED=0

restore_policy() {
    # Put back exactly what was there before: a Docker-style image may ship its
    # own policy-rc.d, which we must not delete.
    if [[ -n "$POLICY_BACKUP" ]]; then
        "${SUDO[@]}" mv -f "$POLICY_BACKUP" "$POLICY"
        POLICY_BACKUP=""
    elif [[ "$POLICY_CREATED" -eq 1 ]]; then
        "${SUDO[@]}" rm -f "$POLICY"
        POLICY_CREATED=0
    fi
}

stop_system_dovecot() {
    # Our private instances are started with `dovecot -c DIR/dovecot.conf`; the
    # system one reads /etc/dovecot/dovecot.conf and keeps its PID under
    # /run/dovecot. Only that one is stopped, never a private test instance.
    local pidfile=/run/dovecot/master.pid
    if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        log "a system Dovecot is running (pid $(cat "$pidfile")); stopping it"
        if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
            "${SUDO[@]}" systemctl stop dovecot.service dovecot.socket 2>/dev/null || true
            "${SUDO[@]}" systemctl disable dovecot.service dovecot.socket 2>/dev/null || true
        fi
        if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            "${SUDO[@]}" doveadm -c /etc/dovecot/dovecot.conf stop 2>/dev/null \
                || "${SUDO[@]}" kill "$(cat "$pidfile")" 2>/dev/null || true
        fi
    fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
    log "all present (${PACKAGES[*]}); nothing to do"
    stop_system_dovecot
    exit 0
fi

log "missing: ${missing[*]}"
trap restore_policy EXIT
if [[ -e "$POLICY" ]]; then
    POLICY_BACKUP="$(mktemp /usr/sbin/policy-rc.d.saved.XXXXXX)"
    "${SUDO[@]}" cp -p "$POLICY" "$POLICY_BACKUP"
fi
# exit 101 = "action forbidden" for invoke-rc.d, so postinst starts nothing.
printf '#!/bin/sh\n# temporary, from scripts/install-deps.sh\nexit 101\n' \
    | "${SUDO[@]}" tee "$POLICY" >/dev/null
"${SUDO[@]}" chmod 755 "$POLICY"
POLICY_CREATED=1

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
"${SUDO[@]}" apt-get update -qq
log "apt-get install ${missing[*]}"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

restore_policy
trap - EXIT
stop_system_dovecot
log "installed: ${missing[*]} ($(dovecot --version 2>/dev/null || echo 'dovecot ?'))"
