# Shared by the project's commands (scripts/setup, scripts/run, scripts/test, scripts/lint).
# Finds the installed Odoo 18.0 and its Python, reads its configuration, and
# provides PostgreSQL: the server Odoo's config names when it is reachable,
# else a private cluster started from Debian's binaries.
set -euo pipefail

OSF_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSF_MODULE=odoo_sales_followup
OSF_STATE=${OSF_STATE_DIR:-/var/tmp/$OSF_MODULE-$(id -u)}

osf_say() { printf '%s: %s\n' "$OSF_MODULE" "$*" >&2; }
osf_die() { osf_say "$*"; exit 2; }

osf_no_odoo() {
    cat >&2 <<MSG
$OSF_MODULE: no usable Odoo 18.0 found: $1.
  Install Odoo 18.0 (Community is enough) as Odoo's documentation describes for a
  source or package install, then either put its 'odoo' command (or odoo-bin) on
  PATH or set ODOO_BIN=/path/to/odoo-bin. Odoo reads its settings from ~/.odoorc,
  or from the file that ODOO_RC names (addons_path, db_host, db_user, ...).
MSG
    exit 2
}

# The Python interpreter that runs a given odoo executable (its shebang).
osf_python_of() {
    local first
    first=$(head -n 1 "$1" 2>/dev/null || true)
    case "$first" in
    '#!'*env\ *python*) command -v "${first##* }" ;;
    '#!'*python*) echo "${first#\#!}" | awk '{print $1}' ;;
    *) command -v python3 ;;
    esac
}

# Sets ODOO_BIN, ODOO_RC, ODOO_PY and the ODOO_* settings of odoo_config.py.
osf_find_odoo() {
    ODOO_BIN=${ODOO_BIN:-$(command -v odoo || true)}
    [ -n "$ODOO_BIN" ] || osf_no_odoo "there is no 'odoo' command on PATH and ODOO_BIN is not set"
    [ -x "$ODOO_BIN" ] || osf_no_odoo "ODOO_BIN=$ODOO_BIN is not an executable file"
    ODOO_RC=${ODOO_RC:-}
    if [ -z "$ODOO_RC" ] && [ -f "$HOME/.odoorc" ]; then ODOO_RC=$HOME/.odoorc; fi
    if [ -n "$ODOO_RC" ] && [ ! -f "$ODOO_RC" ]; then osf_no_odoo "ODOO_RC=$ODOO_RC does not exist"; fi
    ODOO_PY=${ODOO_PYTHON:-$(osf_python_of "$ODOO_BIN")}
    local settings
    settings=$("$ODOO_PY" "$OSF_REPO/scripts/odoo_config.py" "$ODOO_BIN" "$ODOO_RC" 2>/dev/null) ||
        osf_no_odoo "$ODOO_BIN (run by ${ODOO_PY:-no Python}) does not load; set ODOO_PYTHON if it runs under another interpreter"
    eval "$settings"
    [ "$ODOO_VERSION" = "18.0" ] || osf_no_odoo "$ODOO_BIN is Odoo $ODOO_VERSION, this addon is for 18.0"
}

# A folder that holds this checkout under the module's technical name,
# whatever the checkout's own folder is called; one per checkout, so that two
# checkouts can run at the same time.
# A short name of this checkout, for what two checkouts must not share.
osf_checkout_id() {
    printf '%s' "$OSF_REPO" | md5sum | cut -c1-12
}

osf_addon_link_dir() {
    local link_dir
    link_dir=$OSF_STATE/addons/$(osf_checkout_id)
    mkdir -p "$link_dir"
    ln -sfn "$OSF_REPO" "$link_dir/$OSF_MODULE"
    echo "$link_dir"
}

# Odoo's addons path with that folder added.
osf_addons_path() {
    echo "${ODOO_ADDONS_PATH},$(osf_addon_link_dir)"
}

osf_free_port() {
    "$ODOO_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

osf_pg_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

# Run a command as the unprivileged owner of the private cluster.
osf_as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$OSF_PG_OS_USER" -- "$@"; else "$@"; fi
}

# Sets OSF_DB_ARGS: the database options to pass to odoo. Uses the server of
# Odoo's config when it answers; otherwise starts a private cluster in $1
# (created when missing) and registers its stop in OSF_PG_STOP.
osf_database() {
    OSF_DB_ARGS=()
    OSF_PG_STOP=
    OSF_PG_CONN=("$ODOO_DB_HOST" "$ODOO_DB_PORT" "$ODOO_DB_USER" "$ODOO_DB_PASSWORD")
    if osf_pg reachable; then
        return 0
    fi
    local data=$1 bindir port
    bindir=$(osf_pg_bindir) || osf_die "PostgreSQL is not installed; run scripts/setup"
    OSF_PG_OS_USER=postgres
    id "$OSF_PG_OS_USER" >/dev/null 2>&1 || OSF_PG_OS_USER=nobody
    mkdir -p "$data"
    [ "$(id -u)" != 0 ] || chown "$OSF_PG_OS_USER" "$data"
    chmod 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
        osf_as_pg "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 ||
            { cat "$data.initdb.log" >&2; osf_die "initdb failed in $data"; }
    fi
    port=$(osf_free_port)
    osf_as_pg "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { tail -n 20 "$data/server.log" >&2; osf_die "the private PostgreSQL cluster in $data did not start"; }
    OSF_PG_STOP="$bindir/pg_ctl -D $data -m fast -w stop"
    OSF_DB_ARGS=(--db_host 127.0.0.1 --db_port "$port" --db_user odoo --db_password odoo)
    OSF_PG_CONN=(127.0.0.1 "$port" odoo odoo)
}

osf_pg_stop() {
    if [ -n "${OSF_PG_STOP:-}" ]; then
        # shellcheck disable=SC2086
        osf_as_pg $OSF_PG_STOP >/dev/null 2>&1 || true
        OSF_PG_STOP=
    fi
}

# scripts/pg.py against the server Odoo uses (OSF_PG_CONN, set by osf_database).
osf_pg() {
    local command=$1
    shift
    "$ODOO_PY" "$OSF_REPO/scripts/pg.py" "$command" "$@" "${OSF_PG_CONN[@]}"
}
