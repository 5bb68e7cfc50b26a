#!/usr/bin/env bash
# Installs everything Confiture needs to build, test and demo, on Debian as root.
# Idempotent: every step checks first and does nothing when already done.
#
# Not on Debian? Install by hand instead:
#   - PostgreSQL 15 server and its development headers (pg_config, server includes)
#   - clang and libclang (bindgen needs them), sudo
#   - optional: pg_cron and pgTAP for PostgreSQL 15
#   - cargo install cargo-pgrx --version 0.18.1 --locked
#   - cargo pgrx init --pg15=$(which pg_config)
set -euo pipefail

PGRX_VERSION=0.18.1
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-pgtap
          clang libclang-dev sudo)

log() { printf '[setup] %s\n' "$*"; }

install_debian_packages() {
    local missing=()
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "Debian packages present"
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        log "missing packages: ${missing[*]}; run this script as root or install them" >&2
        exit 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # The Debian package creates and starts a default cluster on 5432; we never use it.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_cargo_pgrx() {
    local have
    have=$(cargo pgrx --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" = "$PGRX_VERSION" ]; then
        log "cargo-pgrx $PGRX_VERSION present"
        return
    fi
    log "installing cargo-pgrx $PGRX_VERSION (was: ${have:-none}); takes about 5 minutes"
    cargo install cargo-pgrx --version "$PGRX_VERSION" --locked --force --quiet
}

init_pgrx() {
    local config="${PGRX_HOME:-$HOME/.pgrx}/config.toml"
    if [ -f "$config" ] && grep -q "^pg15 *= *\"$PG_CONFIG\"" "$config"; then
        log "cargo pgrx init already done for pg15"
        return
    fi
    log "cargo pgrx init --pg15=$PG_CONFIG"
    cargo pgrx init --pg15="$PG_CONFIG" >/dev/null
}

install_debian_packages
install_cargo_pgrx
init_pgrx
log "done"
