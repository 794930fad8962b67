#!/usr/bin/env bash
# Set up (.venv + packages) and start Descenso on http://127.0.0.1:8000
set -euo pipefail
source "$(dirname "$0")/_venv.sh" ""
exec .venv/bin/descenso "$@"
