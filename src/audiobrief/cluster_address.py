"""Where Dask's scheduler is: ``--scheduler`` and ``[cluster] scheduler`` read by one rule.

Kept apart from :mod:`audiobrief.cluster`, which loads the speech and render
modules, so that checking the settings file loads none of them.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Optional

from audiobrief.errors import ConfigError

#: the ways Dask's scheduler can be reached, and the port ``dask scheduler`` listens on by default
SCHEMES = ("tcp", "tls", "ws", "wss")
DEFAULT_PORT = 8786
_HOST_PORT = re.compile(r"(?:\[(?P<ipv6>[^\]]*)\]|(?P<host>[^\s/:\[\]@?#]+))(?::(?P<port>\d{1,5}))?")


def scheduler_address(text: str, where: str = "--scheduler") -> str:
    """``text`` as Dask is given it, ``SCHEME://HOST:PORT``: the scheme is tcp:// unless named,
    the port 8786 unless given, and an IPv6 host goes in brackets (``tcp://[::1]:8786``).
    Anything else is a ConfigError naming ``where`` and an address that would do."""
    scheme, sep, rest = text.strip().partition("://")
    if not sep:
        scheme, rest = "tcp", text.strip()
    found = _HOST_PORT.fullmatch(rest)
    why = _address_problem(scheme.lower(), rest, found)
    if why:
        raise ConfigError(f"{where}: {text!r} is not a Dask scheduler address ({why}); "
                          "use e.g. tcp://10.0.0.5:8786 or tcp://[fd00::5]:8786")
    host = found["host"] or f"[{found['ipv6']}]"
    return f"{scheme.lower()}://{host}:{found['port'] or DEFAULT_PORT}"


def _address_problem(scheme: str, rest: str, found: Optional[re.Match]) -> str:
    """What is wrong with a scheduler address ('' if nothing)."""
    if scheme not in SCHEMES:
        return f"{scheme!r} is not one of Dask's schemes {', '.join(SCHEMES)}"
    if found is None:
        if rest.count(":") > 1 and "[" not in rest:
            return "put an IPv6 address in brackets: [::1]:8786"
        return "give HOST or HOST:PORT after the scheme, and nothing else"
    if found["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(found["ipv6"])
        except ValueError:
            return f"[{found['ipv6']}] is not an IPv6 address"
    if found["port"] and not 0 < int(found["port"]) < 65536:
        return f"port {found['port']} is out of range 1-65535"
    return ""
