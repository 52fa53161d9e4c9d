"""audiobrief: turn articles into podcast episodes, offline."""

__version__ = "0.1.0"
