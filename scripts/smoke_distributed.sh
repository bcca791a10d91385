#!/usr/bin/env bash
# Smoke test of the distributed topology (what docker-compose.yml runs), as
# plain processes on this machine:
#
#   PostgreSQL (database contractflow_smoke, recreated) + RabbitMQ
#   gunicorn (2 workers)  +  celery worker  +  celery beat
#
# then drives one approval journey through the REST API
# (scripts/smoke_journey.py), waiting on the way for the SLA reminder that beat
# and the worker fire. The three processes are always stopped on exit;
# their logs are printed when anything failed.
#
# Needs: make venv (the Makefile target smoke-distributed does it), a running
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and RabbitMQ on
# 127.0.0.1:5672 (guest/guest). All of these can be overridden below.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

PG_HOST=${SMOKE_PG_HOST:-127.0.0.1}
PG_PORT=${SMOKE_PG_PORT:-5432}
PG_USER=${SMOKE_PG_USER:-postgres}
SMOKE_DB=${SMOKE_DB:-contractflow_smoke}
SMOKE_PORT=${SMOKE_PORT:-5055}
BASE_URL="http://127.0.0.1:${SMOKE_PORT}"

export DATABASE_URL="postgresql+psycopg://${PG_USER}@${PG_HOST}:${PG_PORT}/${SMOKE_DB}"
export CELERY_BROKER_URL=${SMOKE_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672//}
export SECRET_KEY=${SECRET_KEY:-smoke-test-secret-key-not-for-production}
export CONTRACTFLOW_DEMO=1
# In distributed mode celery beat fires timers, not an in-process ticker.
export CONTRACTFLOW_TICKER=0
# A short approval SLA and a fast beat, so the journey can see beat -> RabbitMQ
# -> worker fire the SLA reminder (scripts/smoke_journey.py --expect-reminder).
export CONTRACTFLOW_APPROVAL_SLA=${SMOKE_APPROVAL_SLA:-PT2S}
export CONTRACTFLOW_TIMER_INTERVAL=${SMOKE_TIMER_INTERVAL:-1}
export PYTHONUNBUFFERED=1

VENV_BIN="${REPO}/.venv/bin"
JOURNEY="${REPO}/scripts/smoke_journey.py"
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/contractflow-smoke.XXXXXX")
WORKER_NAME="smoke-$$@%h"

log() { printf '\n==> %s\n' "$*"; }
die() { printf '\nsmoke_distributed: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in contractflow gunicorn celery python; do
    [[ -x "${VENV_BIN}/${tool}" ]] || die "${VENV_BIN}/${tool} is missing: run 'make venv' first"
done
[[ -f "${JOURNEY}" ]] || die "${JOURNEY} is missing"
command -v psql >/dev/null || die "psql is not installed"

# --- process bookkeeping ------------------------------------------------------

# name -> pid. Each process runs in its own session (setsid), so its pid is also
# its process-group id and stopping the group takes its children (gunicorn
# workers, celery pool processes) with it, and nothing else.
declare -A PIDS=()

start() {  # start NAME COMMAND...
    local name=$1; shift
    setsid "$@" >"${LOG_DIR}/${name}.log" 2>&1 &
    PIDS[$name]=$!
    echo "started ${name} (pid ${PIDS[$name]}), log ${LOG_DIR}/${name}.log"
}

alive() { kill -0 "${PIDS[$1]}" 2>/dev/null; }

stop_all() {
    local name pid waited
    for name in "${!PIDS[@]}"; do
        pid=${PIDS[$name]}
        kill -TERM -- "-${pid}" 2>/dev/null || true
    done
    for name in "${!PIDS[@]}"; do
        pid=${PIDS[$name]}
        waited=0
        while kill -0 "${pid}" 2>/dev/null && (( waited < 100 )); do
            sleep 0.1; waited=$((waited + 1))
        done
        if kill -0 "${pid}" 2>/dev/null; then
            echo "${name} (pid ${pid}) did not stop within 10 s: killing it"
            kill -KILL -- "-${pid}" 2>/dev/null || true
        fi
        wait "${pid}" 2>/dev/null || true
    done
}

on_exit() {
    local status=$?
    trap - EXIT INT TERM
    stop_all
    if (( status != 0 )); then
        local file
        for file in "${LOG_DIR}"/*.log; do
            [[ -e "${file}" ]] || continue
            printf '\n----- %s (last 200 lines) -----\n' "$(basename "${file}")"
            tail -n 200 "${file}"
        done
        printf '\nsmoke_distributed: FAILED (exit %s); logs kept in %s\n' "${status}" "${LOG_DIR}" >&2
    else
        rm -rf "${LOG_DIR}"
        printf '\nsmoke_distributed: OK\n'
    fi
    exit "${status}"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_until() {  # wait_until SECONDS DESCRIPTION COMMAND...; fails early if a process died
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds)) name
    until "$@" >/dev/null 2>&1; do
        for name in "${!PIDS[@]}"; do
            alive "${name}" || die "${name} exited while waiting for ${what}"
        done
        (( SECONDS < deadline )) || die "timed out after ${seconds} s waiting for ${what}"
        sleep 1
    done
}

# --- database -----------------------------------------------------------------

log "Recreating PostgreSQL database ${SMOKE_DB}"
psql_admin() { psql -h "${PG_HOST}" -p "${PG_PORT}" -U "${PG_USER}" -d postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql_admin -c "DROP DATABASE IF EXISTS \"${SMOKE_DB}\" WITH (FORCE)"
psql_admin -c "CREATE DATABASE \"${SMOKE_DB}\""

log "contractflow init-db"
"${VENV_BIN}/contractflow" init-db
log "contractflow demo"
"${VENV_BIN}/contractflow" demo

# Messages left on the broker by an earlier, interrupted run refer to another
# database's rows; drop them so this run's worker starts clean.
log "Purging stale Celery messages"
"${VENV_BIN}/celery" -A webui.wsgi:celery purge -f \
    || echo "warning: celery purge failed; continuing"

# --- processes ----------------------------------------------------------------

log "Starting gunicorn, celery worker and celery beat"
start web "${VENV_BIN}/gunicorn" -w 2 -b "127.0.0.1:${SMOKE_PORT}" \
    --access-logfile - --error-logfile - --log-level info webui.wsgi:app
start worker "${VENV_BIN}/celery" -A webui.wsgi:celery worker \
    --loglevel=INFO --concurrency=2 --hostname "${WORKER_NAME}"
start beat "${VENV_BIN}/celery" -A webui.wsgi:celery beat \
    --loglevel=INFO --schedule "${LOG_DIR}/celerybeat-schedule"

health_ok() { "${VENV_BIN}/python" - "${BASE_URL}/healthz" <<'PY'
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=3) as response:  # noqa: S310
    sys.exit(0 if response.status == 200 else 1)
PY
}
worker_ok() {
    "${VENV_BIN}/celery" -A webui.wsgi:celery inspect ping --timeout 2 \
        -d "${WORKER_NAME//%h/$(hostname)}"
}

log "Waiting for ${BASE_URL}/healthz"
wait_until 60 "gunicorn to answer /healthz" health_ok
log "Waiting for the celery worker to answer a ping"
wait_until 90 "the celery worker" worker_ok

# Beat has no ping; it is enough that it is still running after start-up.
alive beat || die "celery beat exited"

# --- journey ------------------------------------------------------------------

log "Running scripts/smoke_journey.py against ${BASE_URL}"
"${VENV_BIN}/python" "${JOURNEY}" --expect-reminder "${BASE_URL}"

for name in web worker beat; do
    alive "${name}" || die "${name} exited during the journey"
done
