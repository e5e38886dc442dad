#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: local TCP only, trust auth, data in a temp dir.
#
#   eval "$(.ci/postgres.sh start)"     # sets and exports STRIDELAB_TEST_PG and STRIDELAB_PG_DIR
#   .ci/postgres.sh stop "$STRIDELAB_PG_DIR"   # (or just `stop` with STRIDELAB_PG_DIR set)
#
# `start` prints only the two export lines on stdout (progress and errors go to stderr):
#   export STRIDELAB_TEST_PG='postgresql://<user>@127.0.0.1:<port>/postgres'
#   export STRIDELAB_PG_DIR='/tmp/stridelab-pg.XXXXXX'
# and also writes the URL to $STRIDELAB_PG_DIR/url. It exits non-zero, with the reason and the
# server log on stderr and nothing left behind, when the server cannot be started.
# `stop` stops the server (pg_ctl stop -m fast) and removes the directory.
#
# Binaries: $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin (Debian), else the directory
# of pg_ctl on PATH. initdb refuses to run as root: as root the server runs as the `postgres`
# system user (created by the Debian package; created here if missing) through runuser;
# otherwise as the calling user.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
        echo "$PG_BINDIR"; return
    fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
    if command -v pg_ctl >/dev/null 2>&1; then
        d=$(dirname "$(command -v pg_ctl)")
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    fi
    die "no PostgreSQL server binaries (initdb, pg_ctl) found: install the postgresql package or set PG_BINDIR"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# as_user CMD...: run CMD as the server's user, from the data dir's parent (a root-only working
# directory such as /root would make initdb and pg_ctl complain).
as_user() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$dir" && runuser -u "$pg_user" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

start() {
    command -v python3 >/dev/null 2>&1 || die "python3 is needed to find a free port"
    local bindir
    bindir=$(find_bindir)
    if [ "$(id -u)" = 0 ]; then
        command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (util-linux)"
        pg_user=postgres
        if ! id -u "$pg_user" >/dev/null 2>&1; then
            useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$pg_user" \
                || die "could not create the system user $pg_user"
        fi
        # /tmp rather than $TMPDIR: the server's user must be able to reach the directory.
        dir=$(mktemp -d /tmp/stridelab-pg.XXXXXX)
        chown "$pg_user:" "$dir"
    else
        pg_user=$(id -un)
        dir=$(mktemp -d "${TMPDIR:-/tmp}/stridelab-pg.XXXXXX")
    fi
    chmod 700 "$dir"
    touch "$dir/.stridelab-pg"  # marks the directory as ours for `stop`
    # Clean up everything if anything below fails.
    trap 'cleanup_failed' EXIT

    echo "postgres.sh: initdb ($bindir) as $pg_user in $dir" >&2
    if ! as_user "$bindir/initdb" --pgdata="$dir/data" --username="$pg_user" \
            --auth-local=trust --auth-host=trust --encoding=UTF8 --no-locale \
            >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        die "initdb failed"
    fi
    # Throwaway server: local TCP only, socket in the temp dir, no durability.
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
    [ "$(id -u)" = 0 ] && chown "$pg_user:" "$dir/data/postgresql.conf"

    local port attempt started=""
    for attempt in 1 2 3; do
        port=$(free_port)
        # -w: wait for the server to accept connections (up to -t seconds).
        if as_user "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 \
                -o "-p $port" >/dev/null 2>&1; then
            started=1; break
        fi
        # Another process may have taken the port between the probe and the bind: try another.
        if grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/server.log" 2>/dev/null; then
            echo "postgres.sh: port $port was taken, retrying" >&2
            as_user "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
            continue
        fi
        break
    done
    if [ -z "$started" ]; then
        echo "--- server log ($dir/server.log) ---" >&2
        cat "$dir/server.log" >&2 2>/dev/null || true
        die "the PostgreSQL server did not start"
    fi

    local i ready=""
    for i in $(seq 1 60); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$pg_user" -d postgres; then
            ready=1; break
        fi
        sleep 0.5
    done
    if [ -z "$ready" ]; then
        echo "--- server log ($dir/server.log) ---" >&2
        cat "$dir/server.log" >&2 2>/dev/null || true
        die "the PostgreSQL server started but does not answer pg_isready on 127.0.0.1:$port"
    fi

    local url="postgresql://$pg_user@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    echo "$bindir" >"$dir/bindir"
    trap - EXIT
    echo "postgres.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') ready at $url" >&2
    printf "export STRIDELAB_TEST_PG='%s'\nexport STRIDELAB_PG_DIR='%s'\n" "$url" "$dir"
}

cleanup_failed() {
    local rc=$?
    if [ -n "${dir:-}" ] && [ -d "$dir" ]; then
        if [ -f "$dir/data/postmaster.pid" ]; then
            as_user "$(find_bindir)/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
        fi
        rm -rf "$dir"
    fi
    exit "$rc"
}

stop() {
    dir=${1:-${STRIDELAB_PG_DIR:-}}
    [ -n "$dir" ] || die "usage: $0 stop DIR (the STRIDELAB_PG_DIR printed by start)"
    if [ ! -d "$dir" ]; then
        echo "postgres.sh: $dir does not exist; nothing to stop" >&2
        return 0
    fi
    [ -f "$dir/.stridelab-pg" ] || die "$dir was not made by $0 start; not touching it"
    pg_user=$(stat -c %U "$dir")
    local bindir rc=0
    bindir=$(cat "$dir/bindir" 2>/dev/null || find_bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_user "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null || {
            echo "postgres.sh: fast stop failed; stopping with -m immediate" >&2
            as_user "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null || rc=1
        }
    fi
    rm -rf "$dir"
    [ "$rc" = 0 ] && echo "postgres.sh: stopped and removed $dir" >&2
    return "$rc"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
