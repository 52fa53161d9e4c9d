"""What listeners' apps read: the RSS feed (and, later, briefings and pages).

The names here are the ones a run needs before it knows whether anything will
be published (the feed module itself is imported only to write a feed).
"""

#: the feed's file name in the output folder
FEED_NAME = "feed.xml"


def is_local_only(config) -> bool:
    """No base URL is set, so the feed links to this machine only."""
    return not config.base_url
