"""What listeners' apps read: the RSS feed (and, later, briefings and pages)."""
