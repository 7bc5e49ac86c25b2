#!/usr/bin/env bash
# A private Dovecot 2.3 for tests and the demo: every file of the instance
# lives under one directory, it listens on 127.0.0.1 only, and several can run
# side by side (one per test binary) without touching the system Dovecot.
#
#   dovecot.sh start DIR [PORT]   prints: IMAP_PORT=<p> IMAPS_PORT=<p> DIR=<dir>
#       env DOVECOT_OWNER_PID=<pid>: stop it by itself when <pid> exits
#       (DOVECOT_OWNER_CLEANUP=1: then also delete DIR)
#   dovecot.sh stop DIR
#   dovecot.sh seed DIR USER N
#
# Users: alice/alice-pass and bob/bob-pass; carol/carol-pass has Courier's
# hierarchy (`.` as delimiter, personal mailboxes under `INBOX.`), for the
# restore across hierarchies. DIR/ca.pem is the certificate to
# trust for IMAPS / STARTTLS (self-signed, CN and SAN localhost + 127.0.0.1).
# Run as root (Dovecot's master must start as root to switch to the mail uid).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"

die() { printf 'dovecot.sh: %s\n' "$*" >&2; exit 1; }

usage() {
    cat >&2 <<'EOF'
usage: dovecot.sh start DIR [PORT]
       dovecot.sh stop DIR
       dovecot.sh seed DIR USER N
EOF
    exit 2
}

# Dovecot's config syntax has no quoting we could rely on for paths, and the
# paths end up in passwd-file lines (':'-separated): refuse odd directories.
abs_dir() {
    local d="$1"
    mkdir -p "$d"
    d="$(cd "$d" && pwd -P)"
    [[ "$d" =~ ^[A-Za-z0-9_./+-]+$ ]] || die "DIR must match [A-Za-z0-9_./+-]+ (got '$d')"
    printf '%s\n' "$d"
}

# Ask the kernel for a free port by binding port 0 on 127.0.0.1. There is a
# small window before Dovecot binds it; `start` retries on EADDRINUSE.
free_port() {
    "$PYTHON" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

master_pid() {
    local pidfile="$1/run/master.pid"
    [[ -s "$pidfile" ]] || return 1
    local pid
    pid="$(cat "$pidfile")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # A stale pidfile could name an unrelated, reused pid: only trust it if
    # that process is a dovecot master started with *this* config file.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/dovecot.conf" || return 1
    printf '%s\n' "$pid"
}

# The unprivileged owner of all mail. Dovecot refuses to serve mail as root
# and needs first_valid_uid <= this uid.
mail_owner() {
    if ! id -u imaptest >/dev/null 2>&1; then
        # Two concurrent starts may race here; the loser's useradd fails but
        # the user exists afterwards, which is all we need.
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin imaptest 2>/dev/null || true
    fi
    if id -u imaptest >/dev/null 2>&1; then
        printf '%s %s\n' "$(id -u imaptest)" "$(id -g imaptest)"
    else
        # No useradd (unusual image): fall back to nobody.
        printf '%s %s\n' "$(id -u nobody)" "$(id -g nobody)"
    fi
}

make_cert() {
    local dir="$1"
    [[ -s "$dir/ssl/cert.pem" && -s "$dir/ssl/key.pem" ]] && return 0
    mkdir -p "$dir/ssl"
    # A private self-signed CA plus a leaf for localhost/127.0.0.1 signed by
    # it. Clients trust DIR/ca.pem and keep full hostname verification.
    # Not a single self-signed leaf: rustls/webpki rejects a certificate that
    # is both the trust anchor and the end entity (CaUsedAsEndEntity).
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
        -keyout "$dir/ssl/ca-key.pem" -out "$dir/ssl/ca.pem" \
        -subj "/CN=imap-test private CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 \
        -keyout "$dir/ssl/key.pem" -out "$dir/ssl/cert.csr" \
        -subj "/CN=localhost" 2>/dev/null
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$dir/ssl/leaf.ext"
    openssl x509 -req -in "$dir/ssl/cert.csr" -days 3650 -sha256 \
        -CA "$dir/ssl/ca.pem" -CAkey "$dir/ssl/ca-key.pem" -CAcreateserial \
        -extfile "$dir/ssl/leaf.ext" -out "$dir/ssl/cert.pem" 2>/dev/null
    # Dovecot sends cert + chain; clients trust ca.pem.
    cp "$dir/ssl/ca.pem" "$dir/ca.pem"
    chmod 600 "$dir/ssl/key.pem" "$dir/ssl/ca-key.pem"
}

write_config() {
    local dir="$1" port="$2" sport="$3" uid="$4" gid="$5"
    local dh=""
    # Only needed for DHE ciphers; Debian ships one, use it when present.
    [[ -s /usr/share/dovecot/dh.pem ]] && dh="ssl_dh = </usr/share/dovecot/dh.pem"

    cat >"$dir/passwd" <<EOF
alice:{PLAIN}alice-pass:$uid:$gid::$dir/mail/alice::
bob:{PLAIN}bob-pass:$uid:$gid::$dir/mail/bob::
carol:{PLAIN}carol-pass:$uid:$gid::$dir/mail/carol::userdb_namespace/inbox/separator=. userdb_namespace/inbox/prefix=INBOX.
EOF
    # The auth process reads it as default_internal_user (dovecot).
    chgrp dovecot "$dir/passwd" 2>/dev/null || true
    chmod 640 "$dir/passwd"

    cat >"$dir/dovecot.conf" <<EOF
# Private test instance written by scripts/dovecot.sh; not the system config.
# Nothing here includes /etc/dovecot, so the system settings cannot leak in.
instance_name = imaptest-$(basename "$dir")
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/logs/dovecot.log
info_log_path = $dir/logs/dovecot.log
debug_log_path = $dir/logs/dovecot.log
protocols = imap
listen = 127.0.0.1
verbose_proctitle = yes

default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $uid
last_valid_uid = 0

# TLS: offered (STARTTLS on the plain port, implicit TLS on IMAPS) but not
# required, so tests can also LOGIN in clear text on the plain port.
ssl = yes
ssl_cert = <$dir/ssl/cert.pem
ssl_key = <$dir/ssl/key.pem
$dh
disable_plaintext_auth = no

# XOAUTH2 / OAUTHBEARER would need an oauth2 passdb (a token introspection
# endpoint or a local JWT key setup); left out, tests cover PLAIN and LOGIN.
auth_mechanisms = plain login scram-sha-256
# Tests try wrong passwords on purpose: don't sleep 2 s after each failure.
# (A failed login still takes ~0.5 s: the auth process flushes its queue of
# failures on a fixed 500 ms timer that no setting changes.)
auth_failure_delay = 0

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}

mail_location = maildir:~/Maildir
# A throwaway test server: skip fsync, appends and flag changes get far faster.
mail_fsync = never
# IDLE learns of changes through inotify; with 1,000+ sessions of one uid the
# per-uid inotify instance limit (often 128) runs out and Dovecot falls back
# to polling, every 30 s by default: poll every second instead.
mailbox_idle_check_interval = 1 secs
mail_plugins = \$mail_plugins quota acl zlib

# IMAP METADATA (RFC 5464) needs a dict for the attributes; a file per user.
mail_attribute_dict = file:%h/dovecot-attributes

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=1G
  acl = vfile
}

protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
  imap_metadata = yes
  # Many tests (and the 1,000-connection reactor test) log in as the same
  # user from 127.0.0.1; the default of 10 would refuse them.
  mail_max_userip_connections = 5000
}

# Capacity for 1,000+ concurrent connections from one host.
default_process_limit = 5000
default_client_limit = 20000
default_vsz_limit = 512M

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $sport
    ssl = yes
  }
  # "High-performance" login mode: long-lived login processes each serving
  # many clients, instead of one process per connection.
  service_count = 0
  process_min_avail = 2
  process_limit = 16
  client_limit = 2000
}

service imap {
  # One imap process per logged-in session (client_limit stays 1).
  process_limit = 5000
}

service anvil {
  client_limit = 20000
  # Anvil's auth penalty delays logins from an IP by up to 15 s after failed
  # ones (the auth_failure_delay above is separate). Tests fail logins on
  # purpose; mode 0 means the socket is not created and the penalty is off.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  client_limit = 20000
}
EOF
}

cmd_start() {
    [[ $# -ge 1 && $# -le 2 ]] || usage
    local dir fixed_port="${2:-}"
    dir="$(abs_dir "$1")"
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (Dovecot's master switches to the mail uid)"
    command -v dovecot >/dev/null || die "dovecot not installed: run scripts/install-deps.sh"

    if master_pid "$dir" >/dev/null; then
        die "an instance is already running in $dir (pid $(master_pid "$dir"))"
    fi

    local uid gid
    read -r uid gid < <(mail_owner)

    # Mail processes run as $uid and must traverse DIR; mktemp -d gives 700.
    chmod 755 "$dir"
    # Sockets left by an earlier (stopped or killed) instance in this DIR
    # would answer "connection refused" instead of being absent.
    rm -rf "$dir/run"
    mkdir -p "$dir/run" "$dir/state" "$dir/logs" "$dir/mail/alice" "$dir/mail/bob" "$dir/mail/carol"
    # base_dir must be 755 and root-owned: login processes chroot below it.
    chmod 755 "$dir/run"
    chown -R "$uid:$gid" "$dir/mail"
    # Every parent of DIR must be searchable by the mail uid too (a DIR under
    # /root, mode 700, is not): fail here with a clear message rather than
    # with a login that dies on "Permission denied" later.
    if command -v setpriv >/dev/null \
        && ! setpriv --reuid="$uid" --regid="$gid" --clear-groups test -w "$dir/mail/alice"; then
        die "uid $uid cannot reach $dir/mail: put DIR under a world-searchable path such as /tmp"
    fi
    make_cert "$dir"

    local attempt port sport pid
    for attempt in 1 2 3 4 5; do
        port="${fixed_port:-$(free_port)}"
        sport="$(free_port)"
        [[ "$port" != "$sport" ]] || continue
        write_config "$dir" "$port" "$sport" "$uid" "$gid"
        : >"$dir/logs/dovecot.log"
        : >"$dir/logs/startup.log"

        # Daemons inherit stdout/stderr: send them to a file, otherwise a
        # caller reading our stdout through a pipe would never see EOF.
        # A high fd limit is needed for 1,000+ connections (Dovecot checks it).
        if ! (ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
              exec dovecot -c "$dir/dovecot.conf") \
                </dev/null >"$dir/logs/startup.log" 2>&1; then
            if grep -q 'Address already in use' "$dir/logs/startup.log" "$dir/logs/dovecot.log" 2>/dev/null \
                && [[ -z "$fixed_port" ]]; then
                continue  # lost the race for a free port: pick new ones
            fi
            fail_start "$dir" "dovecot -c $dir/dovecot.conf failed"
        fi

        if wait_ready "$dir" "$port"; then
            pid="$(master_pid "$dir")"
            printf 'IMAP_PORT=%s\nIMAPS_PORT=%s\nDIR=%s\nPID=%s\n' \
                "$port" "$sport" "$dir" "$pid" >"$dir/env"
            start_watchdog "$dir"
            printf 'IMAP_PORT=%s IMAPS_PORT=%s DIR=%s\n' "$port" "$sport" "$dir"
            return 0
        fi
        cmd_stop "$dir" >/dev/null 2>&1 || true
        if grep -q 'Address already in use' "$dir/logs/dovecot.log" "$dir/logs/startup.log" 2>/dev/null \
            && [[ -z "$fixed_port" ]]; then
            continue
        fi
        fail_start "$dir" "Dovecot did not answer '* OK' on 127.0.0.1:$port"
    done
    fail_start "$dir" "no free port pair after $attempt attempts"
}

# With DOVECOT_OWNER_PID=<pid> in the environment, a small background loop
# stops the instance once that process is gone (and, with
# DOVECOT_OWNER_CLEANUP=1, deletes DIR). A Rust test binary that keeps its
# server in a static can pass its own pid: statics are never dropped, so it
# has no other place to stop the server, and a crashed or killed test run
# does not leave Dovecot behind either.
start_watchdog() {
    local dir="$1" owner="${DOVECOT_OWNER_PID:-}"
    [[ -n "$owner" ]] || return 0
    [[ "$owner" =~ ^[0-9]+$ ]] || die "DOVECOT_OWNER_PID must be a pid"
    # setsid + all fds redirected: it must not hold the caller's pipe open.
    # The inner script takes its values as "$1".. on purpose (no quoting
    # trouble), hence single quotes.
    # shellcheck disable=SC2016
    setsid bash -c '
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        "$2" stop "$3"
        if [[ "${4:-0}" == 1 ]]; then rm -rf "$3"; fi
    ' watchdog "$owner" "$SCRIPT_DIR/dovecot.sh" "$dir" "${DOVECOT_OWNER_CLEANUP:-0}" \
        </dev/null >>"$dir/logs/watchdog.log" 2>&1 &
}

fail_start() {
    local dir="$1"; shift
    {
        printf 'dovecot.sh: %s\n' "$*"
        printf -- '--- %s/logs/startup.log (tail) ---\n' "$dir"
        tail -n 30 "$dir/logs/startup.log" 2>/dev/null || true
        printf -- '--- %s/logs/dovecot.log (tail) ---\n' "$dir"
        tail -n 30 "$dir/logs/dovecot.log" 2>/dev/null || true
    } >&2
    exit 1
}

# Wait (up to ~15 s) until the plain port greets with "* OK".
wait_ready() {
    local dir="$1" port="$2"
    "$PYTHON" - "$port" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            if s.recv(4096).startswith(b"* OK"):
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(1)
EOF
}

cmd_stop() {
    [[ $# -eq 1 ]] || usage
    local dir pid _
    [[ -d "$1" ]] || return 0
    dir="$(cd "$1" && pwd -P)"
    pid="$(master_pid "$dir")" || { rm -f "$dir/run/master.pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    # The master kills its children on shutdown (shutdown_clients = yes); wait
    # for it to be gone so the ports are free and DIR can be deleted.
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        printf 'dovecot.sh: master %s still running after 10 s, sending KILL\n' "$pid" >&2
        kill -KILL "$pid" 2>/dev/null || true
        # Children notice the master is gone and exit on their own.
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$dir/run/master.pid"
    printf 'stopped dovecot in %s (pid %s)\n' "$dir" "$pid"
}

cmd_seed() {
    [[ $# -eq 3 ]] || usage
    local dir="$1" user="$2" n="$3"
    [[ "$n" =~ ^[0-9]+$ ]] || die "N must be a number"
    [[ -s "$dir/env" ]] || die "$dir/env missing: is the instance started?"
    local pass
    pass="$(awk -F: -v u="$user" '$1 == u { sub(/^\{PLAIN\}/, "", $2); print $2 }' "$dir/passwd")"
    [[ -n "$pass" ]] || die "unknown user $user"
    local IMAP_PORT
    IMAP_PORT="$(sed -n 's/^IMAP_PORT=//p' "$dir/env")"
    "$PYTHON" "$SCRIPT_DIR/seed.py" --port "$IMAP_PORT" --user "$user" --password "$pass" "$n"
}

[[ $# -ge 1 ]] || usage
sub="$1"; shift
case "$sub" in
    start) cmd_start "$@" ;;
    stop)  cmd_stop "$@" ;;
    seed)  cmd_seed "$@" ;;
    *)     usage ;;
esac
