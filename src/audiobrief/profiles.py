"""Output profiles: format and loudness targets for where an episode is played.

| profile | format | loudness | true peak | limit |
| podcast | mono 44.1 kHz 64 kbps MP3 | -16 LUFS | -1 dBTP | 3 hours (max_minutes) |
| alexa | mono 44.1 kHz 256 kbps MP3 | -14 LUFS | -2 dBTP | 10 minutes |
| hq | mono 48 kHz 128 kbps MP3 | -16 LUFS | -1 dBTP | 3 hours (max_minutes) |

The three-hour default lives in ``config.DEFAULT_MAX_MINUTES``, not in the
profiles: a profile's fields are part of every episode's build key. A
profile's own ``max_minutes`` (Alexa's) caps whatever the settings say.

The Alexa figures are Amazon's "Flash Briefing Skill API Feed Reference"
(audio content requirements): 256 kbps mono or stereo MP3, at most ten
minutes, about -14 LUFS (accepted -19 to -9), true peak at most -2 dBFS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from audiobrief.errors import ConfigError


@dataclass(frozen=True)
class Profile:
    name: str
    sample_rate: int
    bitrate: int  # kbps
    lufs: float
    ceiling_dbtp: float
    tolerance_lu: float = 1.0
    max_minutes: Optional[float] = None
    channels: int = 1
    #: loudness lame's encoding takes away from espeak speech at this bitrate
    #: (measured: 0.42 LU at 64 kbps/44.1 kHz, 0.46 at 128 kbps/48 kHz, 0.02 at 256 kbps);
    #: the master aims this much higher, then checks the decoded MP3
    encode_loss_lu: float = 0.0
    #: how far the encoder can push the true peak up (measured ~0.5 dB at 64 kbps);
    #: the limiter keeps this much under the ceiling
    encode_peak_margin_db: float = 0.3


PROFILES = {
    "podcast": Profile("podcast", 44100, 64, -16.0, -1.0, encode_loss_lu=0.4, encode_peak_margin_db=0.7),
    "alexa": Profile("alexa", 44100, 256, -14.0, -2.0, max_minutes=10.0),
    "hq": Profile("hq", 48000, 128, -16.0, -1.0, encode_loss_lu=0.45, encode_peak_margin_db=0.5),
}
DEFAULT_PROFILE = "podcast"


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
