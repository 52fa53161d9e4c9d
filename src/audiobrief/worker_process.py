"""A Dask worker process, set up once for audiobrief's steps (``prepare``).

A worker process is made for dataframe work, and two of its settings make
our audio steps (mixing, metering, limiting: large NumPy arrays, each used
once) cost far more CPU than the same steps in ``make --jobs 2``. Measured on
the bench's 20-article batch (``scripts/bench.py --only cluster``, 2 cores),
as CPU seconds of both workers together against 43 CPU-s for the whole local
run:

- **BLAS threads.** NumPy's OpenBLAS starts a pool of one thread per core.
  The true-peak meter's matrix products wake it, and between them its
  threads spin: 12 of a worker's 35 CPU-s, taken from the other worker.
  Dask's nanny sets ``OPENBLAS_NUM_THREADS=1`` for that reason; a worker
  started with ``--no-nanny`` has no such setting. Here the pools are cut to
  one thread with threadpoolctl, however the worker was started.
- **glibc's malloc.** The nanny also sets ``MALLOC_TRIM_THRESHOLD_`` (64 KiB),
  so that a worker hands freed memory back soon. Setting any threshold turns
  off glibc's adaptive mmap threshold: every array over 128 KiB is then mapped
  afresh and its pages zeroed again, and the steps took 95 CPU-s instead of
  47. Here the mmap threshold is set to the ceiling glibc's adaptive rule
  would reach (32 MiB), and the heap is trimmed once 64 MiB lie free at its
  top. A worker may hold that much more memory between tasks.

Both settings are process-wide and done once, on the first of our steps a
process runs; the sound is the same to the byte.
"""

from __future__ import annotations

import ctypes
import functools
import os

#: mallopt's parameter numbers, from glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: glibc's own ceiling for its adaptive mmap threshold on 64-bit systems
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 64 << 20


@functools.cache
def prepare() -> dict:
    """Set this process up for audiobrief's steps, once; what was done, for tests and logs."""
    import numpy  # noqa: F401 - loads OpenBLAS, so that its pool is there to be limited
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # kept for the life of the process (not used as a context manager)
    return {"blas_threads": 1, "malloc": _steady_malloc()}


def _steady_malloc() -> bool:
    """glibc only: big arrays from the heap, trimmed past 64 MiB (see the module's docstring)."""
    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError):
        glibc = None
    if not glibc:  # macOS, musl: their malloc has no such thresholds
        return False
    libc = ctypes.CDLL(None)
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
