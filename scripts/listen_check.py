"""Draw every episode under a folder as waveform + spectrogram PNGs; print loudness.

Used by scripts/listen-check. Needs numpy, Pillow, soundfile (the test extra);
uses ffmpeg's ebur128 for an independent loudness reading when ffmpeg is there.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile
from PIL import Image, ImageDraw

from audiobrief import loudness

WIDTH, HEIGHT = 1600, 300


def _markers(mp3: Path):
    chapters = json.loads(mp3.with_name(f"{mp3.stem}.chapters.json").read_text())["chapters"]
    cues = []
    vtt = mp3.with_name(f"{mp3.stem}.vtt")
    for line in vtt.read_text().splitlines():
        if " --> " in line:
            h, m, s = line.split(" --> ")[0].split(":")
            cues.append(int(h) * 3600 + int(m) * 60 + float(s))
    return [c["startTime"] for c in chapters], cues


def waveform(data, rate, chapters, cues, path: Path) -> None:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    per = max(1, len(data) // WIDTH)
    cols = data[: per * WIDTH].reshape(-1, per)
    mid = HEIGHT // 2
    for y_db in (-1.0, -6.0):  # reference lines at -1 and -6 dBFS
        level = 10 ** (y_db / 20) * mid
        draw.line([(0, mid - level), (WIDTH, mid - level)], fill=(200, 200, 200))
        draw.line([(0, mid + level), (WIDTH, mid + level)], fill=(200, 200, 200))
    for x, col in enumerate(cols):
        draw.line([(x, mid - col.max() * mid), (x, mid - col.min() * mid)], fill=(30, 30, 30))
    seconds = len(data) / rate
    for t in cues:
        x = t / seconds * WIDTH
        draw.line([(x, HEIGHT - 12), (x, HEIGHT)], fill=(0, 90, 255))
    for t in chapters:
        x = t / seconds * WIDTH
        draw.line([(x, 0), (x, HEIGHT)], fill=(220, 0, 0))
    image.save(path)


def spectrogram(data, rate, path: Path) -> None:
    n = 1024
    hop = max(n // 4, len(data) // WIDTH)
    frames = 1 + (len(data) - n) // hop
    window = np.hanning(n)
    spec = np.abs(np.fft.rfft(np.stack([data[i * hop: i * hop + n] * window for i in range(frames)]), axis=1))
    db = 20 * np.log10(spec.T[::-1] + 1e-9)
    db = np.clip((db - db.max() + 90) / 90, 0, 1)
    image = Image.fromarray((db * 255).astype(np.uint8), mode="L").resize((WIDTH, HEIGHT * 2))
    image.save(path)


def ffmpeg_reading(mp3: Path) -> str:
    if not shutil.which("ffmpeg"):
        return "ffmpeg not installed"
    err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(mp3), "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    summary = err[err.rindex("Summary:"):]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1)
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1)
    return f"ffmpeg ebur128: {lufs} LUFS, true peak {peak} dBTP, LRA {lra} LU"


def main(folder: Path) -> None:
    for mp3 in sorted(folder.rglob("*.mp3")):
        data, rate = soundfile.read(str(mp3), dtype="float64")
        if data.ndim > 1:
            data = data.mean(axis=1)
        chapters, cues = _markers(mp3)
        base = mp3.with_suffix("")
        waveform(data, rate, chapters, cues, Path(f"{base}.waveform.png"))
        spectrogram(data, rate, Path(f"{base}.spectrogram.png"))
        lufs = loudness.integrated_loudness(data, rate)
        peak = loudness.true_peak(data)
        sample_peak = 20 * np.log10(np.abs(data).max())
        print(f"{mp3.relative_to(folder)}: {len(data) / rate:.1f} s at {rate} Hz; audiobrief meter {lufs:.1f} LUFS, "
              f"true peak {peak:.1f} dBTP, sample peak {sample_peak:.1f} dBFS; {ffmpeg_reading(mp3)}; "
              f"{len(chapters)} chapters, {len(cues)} cues")
        print(f"    {base}.waveform.png  {base}.spectrogram.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
