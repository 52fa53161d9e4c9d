"""Generated cover art: a square PNG with the podcast's title, made with Pillow."""

from __future__ import annotations

import hashlib
import io
import textwrap
from pathlib import Path

SIZE = 1400


def render_cover(title: str, size: int = SIZE) -> bytes:
    """PNG bytes of a square cover; the same title always gives the same bytes."""
    from PIL import Image, ImageDraw, ImageFont

    digest = hashlib.sha256(title.encode("utf-8")).digest()
    hue = digest[0] / 255
    top = _hsv(hue, 0.55, 0.45)
    bottom = _hsv((hue + 0.08) % 1, 0.65, 0.22)
    image = Image.new("RGB", (size, size), top)
    draw = ImageDraw.Draw(image)
    for y in range(size):  # vertical gradient
        t = y / (size - 1)
        draw.line([(0, y), (size, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    # a simple waveform motif across the lower third
    mid = int(size * 0.74)
    for i, x in enumerate(range(int(size * 0.12), int(size * 0.88), 28)):
        h = 30 + (digest[i % len(digest)] % 140)
        draw.rounded_rectangle([x, mid - h, x + 14, mid + h], radius=7, fill=(255, 255, 255, 200))
    lines = textwrap.wrap(title, width=14)[:4] or [title[:14]]
    font_size = 170 if len(lines) <= 2 else 130
    font = ImageFont.load_default(size=font_size)
    y = int(size * 0.14)
    for line in lines:
        draw.text((int(size * 0.09), y), line, font=font, fill=(255, 255, 255))
        y += int(font_size * 1.15)
    if title.strip().lower() != "audiobrief":
        draw.text((int(size * 0.09), int(size * 0.9)), "made with audiobrief", font=ImageFont.load_default(size=48),
                  fill=(230, 230, 230))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    import colorsys

    return tuple(round(c * 255) for c in colorsys.hsv_to_rgb(h, s, v))  # type: ignore[return-value]


def cover_bytes_for(title: str, configured: Path | None) -> tuple[bytes, str]:
    """(image bytes, file suffix): the configured cover, or a generated one."""
    if configured is not None:
        from audiobrief.errors import ConfigError

        try:
            data = configured.read_bytes()
        except OSError:
            raise ConfigError(f"cover {configured} cannot be read; fix 'podcast.cover' in audiobrief.toml") from None
        suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg" if data.startswith(b"\xff\xd8") else ""
        if not suffix or not _decodes(data):
            raise ConfigError(f"cover {configured} is not a PNG or JPEG image; use a square 1400-3000 px PNG/JPEG")
        return data, suffix
    return render_cover(title), ".png"


def publish_cover(config, out_dir: Path) -> Path:
    """Put the podcast's cover in the output folder (rewritten only when it changes)."""
    from audiobrief.fsutil import atomic_write_bytes

    data, suffix = cover_bytes_for(config.title, config.resolve(config.cover))
    target = out_dir / f"cover{suffix}"
    if not (target.is_file() and target.read_bytes() == data):
        atomic_write_bytes(target, data)
    return target


#: a cover never needs more pixels than this; bigger is a decompression bomb
MAX_COVER_PIXELS = 3000 * 3000 * 4


def _decodes(data: bytes) -> bool:
    """True when Pillow can really decode the image (not just its magic bytes)."""
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_COVER_PIXELS:
                    return False
                image.load()
        return True
    except Exception:  # Pillow raises many kinds for broken images
        return False
