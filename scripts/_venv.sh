# Shared set-up for scripts/audiobrief and scripts/test: sourced, not run.
# Creates ./.venv with pip alone on first use and installs the project into it;
# later runs skip all of this unless pyproject.toml changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${AUDIOBRIEF_VENV:-$ROOT/.venv}"
EXTRAS="${1:-}"

find_python() {
  for candidate in "${PYTHON:-}" python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "audiobrief needs Python 3.10 or newer; install python3 and try again" >&2
  return 1
}

stamp_of() {
  # what the installed venv must match: the project's metadata and the extras asked for
  { cat "$ROOT/pyproject.toml"; echo "extras=$1"; } | cksum | cut -d' ' -f1
}

ensure_venv() {
  local want stamp_file="$VENV/.audiobrief-stamp" spec="$ROOT"
  want="$(stamp_of "$EXTRAS")"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp_file" ] && grep -qx "$want" "$stamp_file"; then
    return 0
  fi
  # a venv with the test extras also satisfies a plain run
  if [ -z "$EXTRAS" ] && [ -f "$stamp_file" ] && grep -qx "$(stamp_of test)" "$stamp_file"; then
    return 0
  fi
  local py; py="$(find_python)"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "setting up $VENV (first run only)..." >&2
    if ! "$py" -m venv "$VENV" >/dev/null 2>&1; then
      # Debian/Ubuntu without python3-venv: make a bare venv, let the system pip fill it
      rm -rf "$VENV"
      "$py" -m venv --without-pip "$VENV"
    fi
  fi
  local pip=("$VENV/bin/python" -m pip)
  if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    pip=("$py" -m pip --python "$VENV/bin/python")
  fi
  [ -n "$EXTRAS" ] && spec="$ROOT[$EXTRAS]"
  echo "installing audiobrief into $VENV..." >&2
  "${pip[@]}" install --quiet --disable-pip-version-check -e "$spec" >&2
  compile_sources
  want="$(stamp_of "$EXTRAS")"
  echo "$want" > "$stamp_file"
}

compile_sources() {
  # an editable install leaves the sources uncompiled; Python would compile them on
  # every run where it may not write __pycache__ (PYTHONDONTWRITEBYTECODE, read-only
  # checkouts), which is ~40 ms of each short run
  "$VENV/bin/python" -m compileall -q "$ROOT/src" >/dev/null 2>&1 || true
}

ensure_venv
