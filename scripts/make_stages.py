"""Wall-clock stages of one `audiobrief make`, for finding where a cold make spends its time.

    PYTHONPATH=src python scripts/make_stages.py ARTICLE --out DIR --engine hibari [make options]

Runs `make` in this process (PYTHONPATH chooses the tree to time) with the
build's stage functions wrapped, and prints, per stage, when it first started
and last ended (seconds since this script started) and its wall time summed
over calls (calls in threads overlap).  Speech in a child process shows as the calls that wait for it.
A development tool: it changes nothing it measures but the wrapping.
"""

from __future__ import annotations

import functools
import sys
import threading
import time

START = time.perf_counter()
SPANS: dict[str, list] = {}  # stage -> [first start, last end, summed seconds, calls]
_LOCK = threading.Lock()


def _timed(owner, attr: str, stage: str) -> None:
    inner = getattr(owner, attr, None)
    if inner is None:  # an older tree without this stage: left out of the table
        return

    @functools.wraps(inner)
    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            ended = time.perf_counter()
            with _LOCK:
                span = SPANS.setdefault(stage, [began - START, 0.0, 0.0, 0])
                span[1] = ended - START
                span[2] += ended - began
                span[3] += 1

    setattr(owner, attr, wrapper)


def main() -> None:
    import audiobrief.cli as cli
    from audiobrief import build, planning, production, render, segments, speaking

    imported = time.perf_counter() - START
    for owner, attr, stage in (
            (speaking, "start_early", "start the speech child"), (planning, "plan_all", "read and plan"),
            (planning, "decide", "build keys, missing clips"), (render, "speak_here", "speech (waiting on the child)"),
            (segments, "measure", "measure blocks"), (segments, "measure_limited", "measure the limiter"),
            (segments, "encode", "limit, resample, encode, decode"), (production, "publish_episode", "publish"),
            (production, "produce", "produce (speak, render, publish)"), (build, "build", "the whole build")):
        _timed(owner, attr, stage)
    sys.argv = ["audiobrief", "make", *sys.argv[1:]]
    try:
        cli.main()
    except SystemExit:
        pass
    ended = time.perf_counter() - START
    print(f"\n{'stage':34} {'from s':>7} {'to s':>7} {'sum s':>7} calls", file=sys.stderr)
    print(f"{'imports':34} {0:7.2f} {imported:7.2f} {imported:7.2f}     1", file=sys.stderr)
    for stage, (first, last, total, calls) in sorted(SPANS.items(), key=lambda item: item[1][0]):
        print(f"{stage:34} {first:7.2f} {last:7.2f} {total:7.2f} {calls:5d}", file=sys.stderr)
    print(f"{'until make returned':34} {0:7.2f} {ended:7.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
