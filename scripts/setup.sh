#!/usr/bin/env bash
# Idempotent set-up shared by start.sh, test.sh and build.sh (sourced, not run).
#   - installs the Debian libraries Qt needs (only those missing; apt-get runs only then),
#   - creates the virtual environment .venv with Python >= 3.11,
#   - installs the project into it (again only when pyproject.toml changed).
# Usage: source scripts/setup.sh [pip-extras] [extra Debian packages...]
set -euo pipefail

HOSPIPERF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOSPIPERF_VENV="${HOSPIPERF_VENV:-$HOSPIPERF_ROOT/.venv}"
_extras="${1:-}"
shift || true

# Runtime libraries of Qt's xcb and offscreen platforms on a fresh Debian 12.
_packages=(libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 "$@")

_find_python() {
  local candidate
  for candidate in "${HOSPIPERF_PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

_python=$(_find_python || true)
[ -n "$_python" ] || _packages+=(python3 python3-venv)
if [ -n "$_python" ] && ! "$_python" -c 'import ensurepip, venv' 2>/dev/null; then
  _packages+=(python3-venv)
fi

_missing=()
for _p in "${_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q "install ok installed" || _missing+=("$_p")
done
if [ "${#_missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${_missing[*]}" >&2
  _sudo=""
  [ "$(id -u)" -eq 0 ] || _sudo="sudo"
  $_sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $_sudo apt-get install -y -qq --no-install-recommends "${_missing[@]}" >/dev/null
fi

_python=$(_find_python) || { echo "setup: Python >= 3.11 is required" >&2; exit 2; }

if [ ! -x "$HOSPIPERF_VENV/bin/python" ]; then
  echo "setup: creating the virtual environment $HOSPIPERF_VENV" >&2
  "$_python" -m venv "$HOSPIPERF_VENV"
fi

_stamp="$HOSPIPERF_VENV/.hospiperf-installed"
_want="$(sha256sum "$HOSPIPERF_ROOT/pyproject.toml" | cut -d' ' -f1) [$_extras]"
if [ "$(cat "$_stamp" 2>/dev/null)" != "$_want" ]; then
  echo "setup: installing the project and its dependencies${_extras:+ ($_extras)}" >&2
  "$HOSPIPERF_VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$HOSPIPERF_VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -e "$HOSPIPERF_ROOT${_extras:+[$_extras]}"
  echo "$_want" >"$_stamp"
fi
unset _extras _packages _python _missing _p _sudo _stamp _want
