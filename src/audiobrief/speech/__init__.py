"""Turning written text into the words a speech engine should receive."""
