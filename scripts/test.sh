#!/usr/bin/env bash
# `make test`: formatting, lints, pure unit tests, in-server tests and pg_regress suites.
# Runs every stage even when one fails, then prints a summary; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

bash scripts/setup.sh || exit 1
install_test_extensions || exit 1

# The test cluster's data directory must belong to postgres, and so must its parent, where
# pgrx keeps the cluster's log.
TEST_ROOT=${CONFITURE_TEST_ROOT:-/tmp/confiture-test}
postgres_dir "$TEST_ROOT"
LOGS=target/test-logs
mkdir -p "$LOGS"

declare -a SUMMARY=()
TOTAL_PASSED=0
TOTAL_FAILED=0

# run_stage NAME COUNTER COMMAND...: runs COMMAND with its output shown and kept in a log, then
# asks COUNTER (a function reading the log) for "passed failed".
run_stage() {
    local name=$1 counter=$2
    shift 2
    local log="$LOGS/$name.log"
    printf '\n==> %s: %s\n' "$name" "$*"
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    local passed failed
    read -r passed failed < <("$counter" "$log" "$status")
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    SUMMARY+=("$(printf '%-10s %s passed, %s failed%s' "$name" "$passed" "$failed" \
        "$([ "$status" -ne 0 ] && echo " (exit $status)")")")
}

# A check passes or fails as a whole.
count_check() { if [ "$2" -eq 0 ]; then echo "1 0"; else echo "0 1"; fi; }

# cargo test prints "test result: ok. N passed; M failed; ..." per test binary.
count_cargo_tests() {
    grep -E '^test result:' "$1" |
        sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' |
        awk '{p += $1; f += $2} END {print p + 0, f + 0}'
}

# pg_regress prints one line per suite: "ok 1 - name" / "not ok 1 - name" (TAP, PostgreSQL 16+)
# or "test name ... ok" / "... FAILED" (PostgreSQL 15).
count_regress() {
    awk '/^ok [0-9]+ |\.\.\. ok/ {p++} /^not ok [0-9]+ |\.\.\. FAILED/ {f++} END {print p + 0, f + 0}' "$1"
}

run_stage fmt count_check cargo fmt --all --check
# The core crate has no pgrx features, so it is linted on its own.
run_stage clippy count_check bash -c 'cargo clippy --all-targets --features "pg15 pg_test" -- -D warnings &&
    cargo clippy -p confiture-core --all-targets -- -D warnings'
run_stage unit count_cargo_tests cargo test --workspace --lib
run_stage in-server count_cargo_tests \
    cargo pgrx test pg15 pg_test:: --runas postgres --pgdata "$TEST_ROOT/pgdata"
run_stage regress count_regress bash scripts/regress.sh

printf '\n==> summary\n'
printf '%s\n' "${SUMMARY[@]}"
printf 'confiture: %d passed, %d failed\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
[ "$TOTAL_FAILED" -eq 0 ]
