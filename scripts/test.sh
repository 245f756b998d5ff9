#!/usr/bin/env bash
# Set up what is missing, then run every check headless: lint, format, layering, types, tests.
# Extra arguments go to pytest (for instance: -k finess, or -m "not packaging").
set -euo pipefail
# binutils: PyInstaller reads shared libraries with objdump in the packaging test.
# poppler-utils: the PDF tests read the text back with pdftotext.
# postgresql: the ARS consolidation tests start a throw-away server (tests/integration).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" "dev,packaging" binutils poppler-utils postgresql
cd "$HOSPIPERF_ROOT"
export QT_QPA_PLATFORM=offscreen
bin="$HOSPIPERF_VENV/bin"
echo "== ruff (lint and format)"
"$bin/ruff" check .
"$bin/ruff" format --check .
echo "== import-linter (layering)"
"$bin/lint-imports" --no-cache
echo "== mypy (core)"
"$bin/mypy"
echo "== pytest"
exec "$bin/python" -m pytest "$@"
