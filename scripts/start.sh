#!/usr/bin/env bash
# Set up what is missing, then start HospiPerf Desktop on the default local database.
# Extra arguments go to the application (for instance: --db /path/to/file.sqlite).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" ""
cd "$HOSPIPERF_ROOT"
exec "$HOSPIPERF_VENV/bin/python" main.py "$@"
