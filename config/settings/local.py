"""The embedded run: `make run` and local development.

DEBUG is off by default here too (`DEBUG=true make run` turns it on for development). Static
files are served by WhiteNoise straight from the source folders, without `collectstatic`;
uploads are served only by the views that check the reader's scope.
"""

from .base import *  # noqa: F403
from .base import DEBUG

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
