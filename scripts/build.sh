#!/usr/bin/env bash
# Set up what is missing, then build the one-folder PyInstaller bundle into packaging/dist/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" "packaging" binutils
cd "$HOSPIPERF_ROOT"
exec "$HOSPIPERF_VENV/bin/python" packaging/build.py "$@"
