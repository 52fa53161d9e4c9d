"""Loudness to standard: ITU-R BS.1770 measurement, gain, true-peak limiter.

* ``block_powers`` K-weights a signal and returns the mean square of every
  100 ms sub-block; ``gated_loudness`` turns sub-block powers into integrated
  loudness (400 ms blocks with 75 % overlap, absolute gate at -70 LUFS,
  relative gate 10 LU below).  Keeping the two apart lets a later streaming
  build measure clip by clip and combine the sub-block powers.
* ``true_peak`` oversamples 4x (polyphase FIR, as BS.1770 Annex 2 suggests)
  and returns the highest absolute value in dBTP.
* ``limit`` is a look-ahead limiter driven by the oversampled envelope: the
  gain is a held minimum of what each sample needs, smoothed by a moving
  average that can never rise above the needed gain.  No sample is clipped.

The gain that reaches a profile's target is chosen in ``master``; numpy is
imported inside the functions, so commands that make no audio never load it.
"""

from __future__ import annotations

import math

#: K-weighting, stage 1: a high shelf (about +4 dB above 2 kHz) modelling the head
SHELF_F0, SHELF_GAIN_DB, SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
#: stage 2: the RLB high-pass
HIGHPASS_F0, HIGHPASS_Q = 38.13547087602444, 0.5003270373238773
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
SUB_BLOCK_S = 0.1  # 400 ms blocks step by 100 ms: four sub-blocks each
OVERSAMPLE = 4
SILENT = -120.0


def k_weighting(rate: int):
    """(b, a) pairs of the two K-weighting biquads at ``rate``, by bilinear transform."""
    k = math.tan(math.pi * SHELF_F0 / rate)
    vh = 10 ** (SHELF_GAIN_DB / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / SHELF_Q + k * k
    shelf = ([(vh + vb * k / SHELF_Q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / SHELF_Q + k * k) / a0],
             [1.0, 2 * (k * k - 1) / a0, (1 - k / SHELF_Q + k * k) / a0])
    k = math.tan(math.pi * HIGHPASS_F0 / rate)
    a0 = 1 + k / HIGHPASS_Q + k * k
    highpass = ([1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / HIGHPASS_Q + k * k) / a0])
    return shelf, highpass


#: the K-weighting filters ring for a few ms; this much zero padding keeps the
#: FFT's wrap-around far below anything measurable
FILTER_TAIL_S = 0.25


FFT_SIZE = 1 << 16
FRAMES_AT_ONCE = 4  # 4 x 64k-point transforms: ~6 MB of complex spectra at a time


def k_weighted(samples, rate: int):
    """The K-weighted signal, the same as running the two biquads from rest.

    The filters' impulse response dies out within ``FILTER_TAIL_S``; it is
    taken from their exact frequency response and applied by overlap-save
    FFT convolution in fixed-size frames."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    x = np.asarray(samples, dtype=np.float64)
    if not len(x):
        return x
    taps = int(rate * FILTER_TAIL_S)
    step = FFT_SIZE - taps
    frames = -(-len(x) // step)
    padded = np.zeros((frames - 1) * step + FFT_SIZE)
    padded[taps: taps + len(x)] = x
    windows = sliding_window_view(padded, FFT_SIZE)[::step][:frames]
    response = _k_response(rate, taps)
    out = np.empty((frames, step))
    for first in range(0, frames, FRAMES_AT_ONCE):  # bounded memory: a 2-hour episode renders blocks on every core
        part = windows[first: first + FRAMES_AT_ONCE]
        out[first: first + len(part)] = np.fft.irfft(np.fft.rfft(part, axis=1) * response, FFT_SIZE, axis=1)[:, taps:]
    return out.ravel()[: len(x)]


_RESPONSES: dict = {}


def _k_response(rate: int, taps: int):
    """Frequency response (``FFT_SIZE``-point grid) of the K-weighting's impulse
    response cut to ``taps`` samples (memoised per rate)."""
    import numpy as np

    key = (rate, taps)
    if key not in _RESPONSES:
        z = np.exp(-2j * np.pi * np.fft.rfftfreq(FFT_SIZE))  # z^-1 on the FFT grid
        response = np.ones(len(z), dtype=complex)
        for b, a in k_weighting(rate):
            response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
        impulse = np.fft.irfft(response, FFT_SIZE)
        impulse[taps:] = 0.0
        _RESPONSES[key] = np.fft.rfft(impulse)
    return _RESPONSES[key]


def block_powers(samples, rate: int):
    """Mean square of the K-weighted signal per 100 ms sub-block (mono float)."""
    import numpy as np

    x = k_weighted(samples, rate)
    hop = int(round(rate * SUB_BLOCK_S))
    count = len(x) // hop
    return np.mean(x[: count * hop].reshape(count, hop) ** 2, axis=1)


def _lufs(power) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else SILENT


def gated_loudness(sub_powers) -> float:
    """Integrated loudness (LUFS) from 100 ms sub-block powers."""
    import numpy as np

    p = np.asarray(sub_powers, dtype=np.float64)
    if len(p) < 4:  # shorter than one 400 ms block (a one-word `say`): the whole is one block
        loud = _lufs(float(p.mean())) if len(p) else SILENT
        return loud if loud > ABSOLUTE_GATE else SILENT
    blocks = (p[:-3] + p[1:-2] + p[2:-1] + p[3:]) / 4  # 400 ms, 75 % overlap
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(blocks)
    kept = blocks[loud > ABSOLUTE_GATE]
    if not len(kept):
        return SILENT
    relative = _lufs(float(kept.mean())) + RELATIVE_GATE
    kept = blocks[(loud > ABSOLUTE_GATE) & (loud > relative)]
    return _lufs(float(kept.mean())) if len(kept) else SILENT


def integrated_loudness(samples, rate: int) -> float:
    """Integrated loudness in LUFS. Shorter than one 400 ms block (a one-word
    ``say``), the standard has no answer: the whole clip counts as one block."""
    import numpy as np

    if len(samples) < rate * 4 * SUB_BLOCK_S:
        power = float(np.mean(k_weighted(samples, rate) ** 2)) if len(samples) else 0.0
        loud = _lufs(power)
        return loud if loud > ABSOLUTE_GATE else SILENT
    return gated_loudness(block_powers(samples, rate))


TAPS_PER_PHASE = 12  # 48 taps for 4x, as in BS.1770's example interpolator
#: only sample pairs within this many dB of the limit are interpolated: between
#: two samples both lower than that, band-limited audio does not peak higher
CANDIDATE_DB = 6.0


def _phase_filters():
    """Windowed-sinc fractional-delay taps for the 3 points between two samples."""
    import numpy as np

    half = TAPS_PER_PHASE // 2
    m = np.arange(-half + 1, half + 1)  # neighbours x[n-5] .. x[n+6]
    rows = []
    for j in range(1, OVERSAMPLE):
        t = j / OVERSAMPLE - m
        window = 0.5 + 0.5 * np.cos(np.pi * t / (half + 0.5))  # Hann over the span
        rows.append(np.sinc(t) * window)
    return m, np.array(rows)


def _between_peaks(x, threshold: float):
    """For each n, max |value| of the points interpolated between x[n] and x[n+1]
    (4x oversampling), computed only where a neighbour reaches ``threshold``."""
    import numpy as np

    m, filters = _phase_filters()
    peaks = np.zeros(len(x))
    loud = np.abs(x) >= threshold
    candidates = np.flatnonzero(loud[:-1] | loud[1:]) if len(x) > 1 else np.array([], dtype=int)
    if not len(candidates):
        return peaks
    padded = np.pad(x, (TAPS_PER_PHASE, TAPS_PER_PHASE))
    for start in range(0, len(candidates), 65536):  # bounded memory
        chunk = candidates[start: start + 65536]
        windows = padded[chunk[:, None] + m[None, :] + TAPS_PER_PHASE]
        peaks[chunk] = np.max(np.abs(windows @ filters.T), axis=1)
    return peaks


def true_peak(samples) -> float:
    """Highest absolute value of the 4x oversampled signal, in dBTP."""
    import numpy as np

    x = np.asarray(samples, dtype=np.float64)
    if len(x) == 0:
        return SILENT
    sample_peak = float(np.max(np.abs(x)))
    if sample_peak <= 0:
        return SILENT
    between = _between_peaks(x, sample_peak * 10 ** (-CANDIDATE_DB / 20))
    return 20 * math.log10(max(sample_peak, float(between.max())))


def minimum_filter(x, size: int):
    """Centred running minimum over ``size`` samples, edges repeated (van Herk /
    Gil-Werman: two running minima over fixed blocks, O(n), numpy only)."""
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    if size <= 1 or not len(x):
        return x.copy()
    left, right = size // 2, size - 1 - size // 2
    padded = np.concatenate([np.full(left, x[0]), x, np.full(right, x[-1])])
    blocks = -(-len(padded) // size)
    padded = np.concatenate([padded, np.full(blocks * size - len(padded), x[-1])]).reshape(blocks, size)
    forward = np.minimum.accumulate(padded, axis=1).ravel()
    backward = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    n = len(x)
    return np.minimum(backward[:n], forward[size - 1: size - 1 + n])


def moving_average(x, size: int):
    """Centred running mean over ``size`` (odd) samples, edges repeated."""
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    half = size // 2
    padded = np.concatenate([np.full(half + 1, x[0]), x, np.full(half, x[-1])])
    sums = np.cumsum(padded)
    return (sums[size:] - sums[:-size]) / size


def limit(samples, rate: int, ceiling_dbtp: float, attack_ms: float = 3.0, hold_ms: float = 40.0):
    """A look-ahead limiter keeping the oversampled peak at or under the ceiling.

    For each sample, the gain it needs is ``ceiling / envelope`` (at most 1).
    A minimum over [n - hold, n + attack] followed by a moving average over
    [n - attack, n + attack] gives a smooth gain that is never above what
    any sample needs: it ramps down before a peak and releases after it.
    """
    import numpy as np

    x = np.asarray(samples, dtype=np.float64)
    if not len(x):
        return x
    ceiling = 10 ** (ceiling_dbtp / 20)
    envelope = np.maximum(np.abs(x), _between_peaks(x, ceiling * 10 ** (-CANDIDATE_DB / 20)))
    # a point between x[n-1] and x[n] depends on both: let each sample carry its neighbours' peaks
    envelope = np.maximum(envelope, np.concatenate([[0.0], envelope[:-1]]))
    need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    if need.min() >= 1.0:
        return x
    attack = max(1, int(rate * attack_ms / 1000))
    hold = max(attack, int(rate * hold_ms / 1000))
    hold += (hold - attack) % 2  # keep the shift below whole
    # held[n] = min(need[n - hold .. n + attack]): a centred minimum, shifted
    centred = minimum_filter(need, hold + attack + 1)
    shift = (hold - attack) // 2
    held = np.concatenate([np.full(shift, centred[0]), centred[: len(centred) - shift]]) if shift else centred
    # a mean over [n - attack, n + attack] of values each <= need[n]
    gain = np.minimum(moving_average(held, 2 * attack + 1), need)
    return x * gain


def to_pcm16(samples) -> bytes:
    import numpy as np

    y = np.multiply(samples, 32768.0)  # one temporary, rounded and clipped in place
    np.round(y, out=y)
    np.clip(y, -32768, 32767, out=y)
    return y.astype("<i2").tobytes()
