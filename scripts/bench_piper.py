"""Benchmark: speech synthesis real-time factor, pyttsx3 vs piper, 1 and 2 workers.

Each case speaks every piece of the article's script into a fresh folder (no
cache), in a fresh engine (the model load counts, as it does for a user), and
is repeated; medians are printed with ratios against the pyttsx3 baseline
measured in the same run.  Real-time factor = seconds of audio made per
second of wall-clock time (higher is faster).  On a shared, busy machine the
wall clock depends on the neighbours, so the CPU seconds used (this process
and its workers) are printed too: audio per CPU second is what one idle core
would give.  Run it via scripts/bench-piper.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "articles" / "seed-blog-post.txt"


def audio_seconds(paths: list[str]) -> float:
    total = 0.0
    for p in paths:
        with wave.open(p, "rb") as w:
            total += w.getnframes() / w.getframerate()
    return total


def cpu_seconds() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_case(texts: list[str], engine: str, voice: str | None, workers: int) -> tuple[float, float, float]:
    import audiobrief.engines as engines
    from audiobrief.engines import EngineSpec, SynthJob, synthesize_all

    engines._ENGINES.clear()  # a fresh engine: loading the voice is part of the cost
    with tempfile.TemporaryDirectory(prefix="bench-piper-") as tmp:
        jobs = [SynthJob(t, str(Path(tmp) / f"{i:03d}.wav"), f"piece {i}") for i, t in enumerate(texts)]
        start, cpu = time.perf_counter(), cpu_seconds()
        synthesize_all(jobs, EngineSpec(name=engine, voice=voice), workers=workers)
        wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        return wall, audio_seconds([j.wav_path for j in jobs]), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=SEED)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--voice", default=None, help="piper voice id or .onnx path [default: best for the language]")
    args = parser.parse_args()

    from audiobrief.build import plan
    from audiobrief.config import Config

    planned = plan(args.article, Config())
    texts = [p.text for p in planned.script]
    words = sum(len(t.split()) for t in texts)
    print(f"article: {args.article.name}: {len(texts)} pieces, {words} words; {args.runs} runs per case")
    cases = [("pyttsx3", 1), ("piper", 1), ("piper", 2)]
    results: dict[tuple[str, int], tuple[float, float]] = {}
    for engine, workers in cases:
        walls, audios, cpus = [], [], []
        for _ in range(args.runs):
            wall, audio, cpu = run_case(texts, engine, args.voice if engine == "piper" else None, workers)
            walls.append(wall)
            audios.append(audio)
            cpus.append(cpu)
        wall, audio, cpu = statistics.median(walls), statistics.median(audios), statistics.median(cpus)
        results[(engine, workers)] = (wall, audio)
        print(f"  {engine:<8} jobs={workers}  median {wall:7.2f} s wall {cpu:7.2f} s CPU  {audio:6.1f} s audio  "
              f"real-time factor {audio / wall:6.1f}x wall, {audio / cpu:6.1f}x per CPU second"
              f"   (wall runs: {', '.join(f'{w:.2f}' for w in walls)})")
    base_wall = results[("pyttsx3", 1)][0]
    single, parallel = results[("piper", 1)][0], results[("piper", 2)][0]
    print("ratios (wall time):")
    print(f"  piper jobs=1 / pyttsx3 jobs=1: {single / base_wall:6.1f}x slower")
    print(f"  piper jobs=2 / pyttsx3 jobs=1: {parallel / base_wall:6.1f}x slower")
    print(f"  piper jobs=1 / piper jobs=2:   {single / parallel:6.2f}x speed-up from the second worker")
    rtf = results[("piper", 2)][1] / parallel
    print(f"target: piper --jobs 2 at >= 10x real time: {'met' if rtf >= 10 else 'NOT met'} ({rtf:.1f}x)")
    try:
        print(f"load average during the run: {', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} "
              f"on {__import__('os').cpu_count()} cores")
    except OSError:
        pass


if __name__ == "__main__":
    main()
