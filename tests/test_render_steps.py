"""The render steps' decisions, driven by hand with made-up measurements.

``render.episode_steps`` is a generator of batches of calls: here each batch is
answered by small fakes (no audio), so the choices it makes -- which blocks the
limiter's loss is measured on, which blocks are encoded again when their true
peak is over -- can be checked exactly. The real audio paths are covered end to
end in test_profiles_e2e.py and test_make_e2e.py.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from audiobrief import master, render
from audiobrief.profiles import get_profile

RATE = 22050


def _powers(lufs: float, seconds: float) -> list:
    return [10 ** ((lufs + 0.691) / 10)] * int(seconds * 10)


def _blocks(count: int, seconds: float = 25.0) -> list:
    return [SimpleNamespace(frames=int(seconds * RATE), rate=RATE, key=f"block-{i}",
                            chapter="Intro" if i == 0 else None, chapter_at=0, cues=[]) for i in range(count)]


def _drive(monkeypatch, blocks, peak_of, previous=None):
    """Run episode_steps over ``blocks``; ``peak_of(index, gain, ceiling)`` is the
    decoded true peak an encode reports. Returns (Rendered, batches of calls)."""
    import audiobrief.timeline as timeline

    monkeypatch.setattr(timeline, "lay_out", lambda *a, **k: blocks)
    raw_lufs = -20.0
    index = {b.key: i for i, b in enumerate(blocks)}

    def answer(call):
        name = call.fn.__name__
        block = call.args[0]
        seconds = block.frames / block.rate
        if name == "measure":
            return _powers(raw_lufs, seconds)
        if name == "measure_limited":
            gains = call.args[3]  # the limiter takes more the more gain goes in
            return [_powers(raw_lufs + g - 0.3 * g, seconds) for g in gains]
        assert name == "encode"
        gain, ceiling = call.args[3], call.args[4]
        return {"key": f"{block.key}/{gain}/{ceiling}", "samples": block.frames * 2, "frames": 10,
                "powers": _powers(raw_lufs + gain - 0.3 * gain - 0.4, seconds),
                "peak": peak_of(index[block.key], gain, ceiling), "path": f"/x/{block.key}.mp3", "made": True}

    config = SimpleNamespace(music=None, transition="none", section_pause_ms=0, section_pause_after_ms=0,
                             resolve=lambda p: Path(p))
    steps = render.episode_steps([], [], SimpleNamespace(source="a.txt", title="A"), [], config,
                                 get_profile("podcast"), Path("/nonexistent"), lambda seconds: None, previous)
    batches, value = [], None
    try:
        while True:
            batch = steps.send(value)
            batches.append(batch)
            value = [answer(call) for call in batch]
    except StopIteration as stop:
        return stop.value, batches


def test_a_short_episode_measures_the_limiter_on_every_block():
    assert master.limiter_sample([25.0, 25.0, 20.0]) == [0, 1, 2]


@pytest.mark.parametrize("count", [5, 10, 40, 240])
def test_a_long_episode_measures_the_limiter_on_about_a_minute_of_it(count):
    seconds = [30.0] * count
    sample = master.limiter_sample(seconds)
    assert sample == sorted(set(sample)) and all(0 <= i < count for i in sample)
    assert master.LIMITER_SAMPLE_S <= sum(seconds[i] for i in sample) <= 3 * master.LIMITER_SAMPLE_S
    assert 0 not in sample or len(sample) == count  # not always the intro
    assert master.limiter_sample(seconds) == sample  # the same for any run or --jobs


def test_only_the_sample_is_limiter_measured(monkeypatch):
    blocks = _blocks(10)
    _, batches = _drive(monkeypatch, blocks, lambda i, gain, ceiling: -3.0)
    limited = next(b for b in batches if b and b[0].fn.__name__ == "measure_limited")
    assert [call.args[0].key for call in limited] == [blocks[i].key for i in master.limiter_sample([25.0] * 10)]


def test_a_block_over_the_peak_ceiling_is_encoded_again_alone_with_a_lower_ceiling(monkeypatch):
    blocks = _blocks(6)
    ceiling_db = get_profile("podcast").ceiling_dbtp

    def peak_of(i, gain, ceiling):  # block 3 overshoots by 0.5 dB at the first ceiling
        return ceiling + 0.4 + (1.0 if i == 3 and ceiling > -2.0 else 0.0)

    rendered, batches = _drive(monkeypatch, blocks, peak_of)
    encodes = [b for b in batches if b and b[0].fn.__name__ == "encode"]
    assert len(encodes[0]) == 6
    again = [call for batch in encodes[1:] for call in batch]
    assert again and {call.args[0].key for call in again} == {"block-3"}
    assert again[0].args[4] < encodes[0][0].args[4]  # its own lower limiter ceiling
    assert rendered.true_peak_dbtp <= ceiling_db - 0.1
    assert math.isclose(rendered.loudness_lufs, -16.0, abs_tol=master.TOLERANCE_LU + 0.05)


def test_a_peak_the_limiter_cannot_lower_is_trimmed_statically(monkeypatch):
    blocks = _blocks(3)
    ceiling_db = get_profile("podcast").ceiling_dbtp

    def peak_of(i, gain, ceiling):  # block 1 ignores its limiter ceiling: only less gain helps
        return gain - 6.0 if i == 1 else -3.0

    rendered, batches = _drive(monkeypatch, blocks, peak_of)
    encodes = [b for b in batches if b and b[0].fn.__name__ == "encode"]
    first_gain = encodes[0][1].args[3]
    assert encodes[-1][0].args[0].key == "block-1" and encodes[-1][0].args[3] < first_gain
    assert rendered.true_peak_dbtp <= ceiling_db - 0.1
    # the lower ceiling was tried once; seeing it did nothing, the next try trims
    retries = encodes[1:]
    assert len(retries) == 2 and retries[0][0].args[3] == first_gain and retries[1][0].args[3] < first_gain


def test_a_tiny_overshoot_is_trimmed_at_once(monkeypatch):
    blocks = _blocks(4)
    ceiling_db = get_profile("podcast").ceiling_dbtp
    first = {}

    def peak_of(i, gain, ceiling):  # block 2 pokes 0.03 dB over whatever its ceiling; less gain helps
        first.setdefault(i, gain)
        return ceiling_db - 0.07 - (first[i] - gain) if i == 2 else -3.0

    rendered, batches = _drive(monkeypatch, blocks, peak_of)
    encodes = [b for b in batches if b and b[0].fn.__name__ == "encode"]
    assert len(encodes) == 2 and [c.args[0].key for c in encodes[1]] == ["block-2"]
    assert encodes[1][0].args[3] < encodes[0][2].args[3]  # one re-encode, with less gain
    assert rendered.true_peak_dbtp <= ceiling_db - 0.1
    assert math.isclose(rendered.loudness_lufs, -16.0, abs_tol=master.TOLERANCE_LU + 0.05)


def _limited_batches(batches) -> list:
    return [b for b in batches if b and b[0].fn.__name__ == "measure_limited"]


def test_the_limiter_curve_is_reused_while_the_raw_loudness_stays_put(monkeypatch):
    blocks = _blocks(8)
    first, batches = _drive(monkeypatch, blocks, lambda i, gain, ceiling: -3.0)
    assert _limited_batches(batches)
    levels = first.levels
    assert set(levels) == {"gain", "ceiling", "curve", "curve_lufs"} and len(levels["curve"]) == 2

    again, batches = _drive(monkeypatch, blocks, lambda i, gain, ceiling: -3.0, previous=levels)
    assert not _limited_batches(batches)  # nothing measured: the curve came from the last build
    assert again.levels == levels  # same gain, and the curve keeps the loudness it was measured at
    encodes = [b for b in batches if b and b[0].fn.__name__ == "encode"]
    assert encodes[0][0].args[3] == levels["gain"]

    moved = dict(levels, curve_lufs=levels["curve_lufs"] + master.REUSE_CURVE_LU + 0.1)
    _, batches = _drive(monkeypatch, blocks, lambda i, gain, ceiling: -3.0, previous=moved)
    assert _limited_batches(batches)  # too far from where it was measured: measured again
    other_ceiling = dict(levels, ceiling=levels["ceiling"] - 1.0)
    _, batches = _drive(monkeypatch, blocks, lambda i, gain, ceiling: -3.0, previous=other_ceiling)
    assert _limited_batches(batches)


@pytest.mark.parametrize("remembered, expected", [
    ([8.5, -1.7], {"gain": 8.5, "ceiling": -1.7}),  # what older builds kept
    ({"gain": 8.5, "ceiling": -1.7, "curve_lufs": -20.1, "curve": [[5.0, 3.4], [8.5, 4.5]]},
     {"gain": 8.5, "ceiling": -1.7, "curve_lufs": -20.1, "curve": [[5.0, 3.4], [8.5, 4.5]]}),
    ({"gain": 8.5, "ceiling": -1.7, "curve_lufs": -20.1, "curve": [[5.0, "x"], [8.5]]}, {"gain": 8.5, "ceiling": -1.7}),
    ({"gain": True, "ceiling": -1.7}, None),
    ("garbage", None),
    (None, None),
])
def test_remembered_levels_are_checked_before_use(remembered, expected):
    from audiobrief.memos import levels

    assert levels(remembered) == expected


def test_run_takes_episodes_that_arrive_while_others_render():
    """pipeline.run with ``arrivals``: each episode arriving later still runs to its
    end, and run returns only after the queue's end marker."""
    import queue
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from audiobrief.pipeline import Call, InlineExecutor, run

    def double(x):
        return 2 * x

    def episode(n):
        first = yield [Call(double, (n,)), Call(double, (n + 1,))]
        second = yield [Call(double, (sum(first),))]
        return second[0]

    for executor in (InlineExecutor(), ThreadPoolExecutor(2)):
        arrivals: queue.Queue = queue.Queue()
        done = {}

        def feed():
            for n in range(1, 4):
                time.sleep(0.05)
                arrivals.put((n, episode(n)))
            arrivals.put(None)

        threading.Thread(target=feed).start()
        run({0: episode(0)}, executor, on_done=lambda eid, result, error: done.setdefault(eid, (result, error)),
            arrivals=arrivals)
        assert done == {n: (4 * (2 * n + 1), None) for n in range(4)}
        executor.shutdown()
