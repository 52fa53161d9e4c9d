"""Steps run on a machine that shares no files with ours: inputs go as bytes, outputs come back as bytes.

A cluster worker cannot read our cache, so each remote call carries what its
step reads (the clip WAVs, the transition sound, the music bed) and returns
what the step wrote (the segment MP3, the clips it spoke).  On the worker,
``run_block_step`` and ``speak`` (a batch's worth at once: ``run_block_steps``,
``speak_all``) write the inputs to a temporary folder (a block's files once
for its three steps, ``UNPACKED``), run the very same step function there
(``segments.measure``, ``segments.measure_limited``, ``segments.encode``,
``render.synthesize_batch``) and read its outputs back.  The step is the
one a local run uses, so the sound is the same to the byte. The worker's
process is set up for these steps once, by ``worker_process.prepare``.

``pack_block`` (on our side) lists a block's files; the worker sees them
under new names, which changes no sound: a block's key, which does name its
clips, is computed on our side, where the result is stored
(``segments.keep``).
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional

from audiobrief import segments, worker_process
from audiobrief.cache import unsealed_wav, write_atomic
from audiobrief.errors import SynthesisError
from audiobrief.render import synthesize_batch
from audiobrief.timeline import Block

#: the block steps a worker can run, and where each takes its cache folder
BLOCK_STEPS = {segments.measure: 2, segments.measure_limited: 2, segments.encode: 5}


def _named(path: str, names: dict) -> str:
    """The name a file travels under: one per file, keeping its own name (and so its suffix)."""
    if path not in names:
        names[path] = f"{len(names)}-{Path(path).name}"
    return names[path]


def pack_block(block: Block) -> tuple[Block, dict[str, bytes]]:
    """The block with each file it reads renamed to a bare name, and those files' bytes by name."""
    names: dict[str, str] = {}
    parts = tuple(dataclasses.replace(p, path=_named(p.path, names))
                  if p.kind == "clip" or (p.kind == "sound" and p.path != "sting") else p for p in block.parts)
    bed = block.bed
    if bed is not None:
        bed = dataclasses.replace(bed, path=_named(bed.path, names))
    files = {name: Path(path).read_bytes() for path, name in names.items()}
    return dataclasses.replace(block, parts=parts, bed=bed), files


def _unpacked(block: Block, folder: Path) -> Block:
    """A packed block pointing at its files in ``folder``."""
    parts = tuple(dataclasses.replace(p, path=str(folder / p.path))
                  if p.kind == "clip" or (p.kind == "sound" and p.path != "sting") else p for p in block.parts)
    bed = block.bed
    if bed is not None:
        bed = dataclasses.replace(bed, path=str(folder / bed.path))
    return dataclasses.replace(block, parts=parts, bed=bed)


def held(files: dict[str, dict[str, bytes]]) -> dict[str, dict[str, bytes]]:
    """On a worker: blocks' files by block key, as a result of their own that the blocks' steps all take."""
    return files


def run_block_step(fn, block: Block, args: tuple, key: str, files: dict[str, bytes]) -> tuple[object, Optional[bytes]]:
    """On a worker: ``fn`` (a block step) on a packed block; (its result, the segment's MP3 bytes
    for ``encode``, else None). ``args`` are the step's arguments after the block; ``key`` is the
    block's key, under which its ``files`` are unpacked once (``UNPACKED``)."""
    folder = UNPACKED.folder(key, files)
    with tempfile.TemporaryDirectory(prefix="audiobrief-remote-step-") as cache:
        full = [_unpacked(block, folder), *args]
        full[BLOCK_STEPS[fn]] = cache
        result = fn(*full)
        mp3 = Path(result["path"]).read_bytes() if fn is segments.encode else None
    return result, mp3


class _Unpacked:
    """The files of the blocks this process worked on last, each block's in a folder of its own.

    A block's measuring, limiting and encoding are three tasks that read the same
    files; written once, they are read three times. The oldest folders go once the
    store holds more than ``limit`` bytes; the whole store goes when the process ends."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.folders: OrderedDict[str, tuple[Path, int]] = OrderedDict()  # block key -> (folder, bytes)
        self.held = 0
        self.lock = threading.Lock()  # a worker may run several tasks at once, one per thread
        self.root: Optional[Path] = None

    def folder(self, key: str, files: dict[str, bytes]) -> Path:
        with self.lock:
            if key in self.folders:
                self.folders.move_to_end(key)
                return self.folders[key][0]
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(prefix="audiobrief-remote-blocks-"))
                atexit.register(shutil.rmtree, self.root, ignore_errors=True)
            folder = Path(tempfile.mkdtemp(dir=self.root))
            for name, data in files.items():
                (folder / name).write_bytes(data)
            size = sum(len(data) for data in files.values())
            self.folders[key] = (folder, size)
            self.held += size
            while self.held > self.limit and len(self.folders) > 1:
                old, old_size = self.folders.popitem(last=False)[1]
                shutil.rmtree(old, ignore_errors=True)
                self.held -= old_size
            return folder


#: a worker's unpacked blocks: the blocks of the episodes in its hands (a few hundred at 22 kHz)
UNPACKED = _Unpacked(limit=256 * 2**20)


def run_block_steps(fn, items: list, *held: dict) -> list[tuple[object, Optional[bytes]]]:
    """On a worker: ``run_block_step`` for each of a batch's blocks, in order. ``items``:
    (packed block, the step's arguments after the block, which of ``held`` has its files,
    its key there); each of ``held`` maps block keys to files (``HeldBlocks``)."""
    worker_process.prepare()
    return [run_block_step(fn, block, args, key, held[at][key]) for block, args, at, key in items]


def speak_all(batches: list) -> list[list[bytes]]:
    """On a worker: ``speak`` each (spec, jobs) of a batch, in order."""
    worker_process.prepare()
    return [speak(spec, jobs) for spec, jobs in batches]


def speak(spec, jobs: list) -> list[bytes]:
    """On a worker: speak ``jobs`` with this process's engine for ``spec``; the sealed WAV bytes
    of each clip, in order."""
    with tempfile.TemporaryDirectory(prefix="audiobrief-speak-") as tmp:
        here = [dataclasses.replace(job, wav_path=str(Path(tmp) / f"{i}.wav")) for i, job in enumerate(jobs)]
        synthesize_batch(spec, here)
        return [Path(job.wav_path).read_bytes() for job in here]


def keep_clips(jobs: list, made: list[bytes]) -> int:
    """On our side: store the clips a worker spoke where the local cache expects them."""
    for job, data in zip(jobs, made):
        if unsealed_wav(data) is None:
            raise SynthesisError(f"{job.label}: the clip a cluster worker spoke arrived damaged; run again")
        write_atomic(Path(job.wav_path), data)
    return len(jobs)
