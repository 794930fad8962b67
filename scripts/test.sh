#!/usr/bin/env bash
# Set up everything the tests need (.venv, packages, Keras reference, Debian chromium, nodejs and
# redis-server)
# and run ruff, mypy and the whole pytest suite, browser and JavaScript unit tests included.
set -euo pipefail
source "$(dirname "$0")/_venv.sh" "test"

# Keras 3 + CPU torch for the reference checks (tests skip with a message where absent).
if ! .venv/bin/python -c "import keras, torch" >/dev/null 2>&1; then
  echo "== installing the Keras 3 reference (torch 2.13.0 CPU + keras)"
  .venv/bin/pip install --quiet "torch==2.13.0" keras \
    || echo "!! Keras reference not installed: its tests will be skipped"
fi

# The Debian Chromium for the Playwright browser tests.
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian chromium"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
fi

# Debian Node.js for the pages' JavaScript unit tests (tests/js, run by tests/js/test_node_units.py).
if ! command -v node >/dev/null 2>&1; then
  echo "== installing Debian nodejs"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q nodejs >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q nodejs >/dev/null; }
fi

# Debian redis-server for the classroom tests that share a room between two processes.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "== installing Debian redis-server"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q redis-server >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q redis-server >/dev/null; }
fi

export KERAS_BACKEND=torch
echo "== ruff";  .venv/bin/ruff check app tests bench
echo "== mypy";  .venv/bin/mypy
# Two workers (DESCENSO_TEST_WORKERS=N to change, 0 for one process), whole files per worker:
# a file's module fixtures run once, each worker has its own live server and Chromium.
WORKERS="${DESCENSO_TEST_WORKERS:-2}"
XDIST=()
if [ "$WORKERS" != "0" ]; then XDIST=(-n "$WORKERS" --dist loadfile); fi
echo "== pytest"; .venv/bin/pytest -q "${XDIST[@]}" "$@"
