#!/usr/bin/env bash
# Development entry point, used by README.md and by CI (.ci/run):
#   bash deploy/dev.sh run    – create the virtualenv, start Redis if needed, run BZOps (SQLite + demo data)
#   bash deploy/dev.sh test   – install what the tests need, start PostgreSQL/Redis if down,
#                               run ruff, mypy and the test suite on SQLite and on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PY="$VENV/bin/python"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

ensure_venv() {
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  [ -f "$stamp" ] && return
  say "准备 Python 虚拟环境（$VENV）"
  python3 -m venv "$VENV"
  "$PY" -m pip install -q --upgrade pip
  "$PY" -m pip install -q -e '.[dev]'
  touch "$stamp"
}

apt_install() {
  command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] || return 1
  [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq >/dev/null; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

redis_up() { "$PY" - <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

ensure_redis() {
  redis_up && return
  if ! command -v redis-server >/dev/null; then
    [ "${1:-}" = install ] && apt_install redis-server || return 0
  fi
  say "启动本机 Redis"
  mkdir -p var/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "$PWD/var/redis" --logfile "$PWD/var/redis/redis.log"
  for _ in $(seq 50); do redis_up && return; sleep 0.1; done
}

ensure_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  say "启动本机 PostgreSQL"
  local version; version=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
  # Tests connect as postgres over TCP without a password (trust, as on the CI machine).
  psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1 || configure_trust "$version"
}

configure_trust() {
  local hba="/etc/postgresql/$1/main/pg_hba.conf"
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$1" main reload
}

ensure_chromium() {
  command -v chromium >/dev/null || apt_install chromium || say "未能安装 chromium：浏览器测试将失败"
  # Screenshots of the portal must show Chinese, not boxes.
  fc-list 2>/dev/null | grep -qi "noto.*cjk" || apt_install fonts-noto-cjk || say "未能安装中文字体：截图中文将显示为方框"
}

pytest_on() {
  local label=$1; shift
  say "测试：$label"
  local code=0
  env "$@" "$PY" -m pytest -q -p no:cacheprovider || code=$?
  [ "$code" = 5 ] && { echo "no tests collected"; code=1; }
  return "$code"
}

cmd_test() {
  ensure_venv
  ensure_redis install
  ensure_postgres
  ensure_chromium
  say "ruff"; "$VENV/bin/ruff" check .
  say "mypy"; "$VENV/bin/mypy" .
  pytest_on "SQLite" BZOPS_TEST_DATABASE_URL=sqlite
  pytest_on "PostgreSQL" BZOPS_TEST_DATABASE_URL="${BZOPS_TEST_PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/bzops_test}"
}

cmd_run() {
  ensure_venv
  ensure_redis
  exec "$VENV/bin/bzops" run "$@"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "用法：bash deploy/dev.sh run|test" >&2; exit 2 ;;
esac
