"""The embedded run: `make run` and local development.

DEBUG is off by default here too (`DEBUG=true make run` turns it on for development). Static
files are served by WhiteNoise straight from the source folders, without `collectstatic`;
uploads are served only by the views that check the reader's scope.
"""

from .base import *  # noqa: F403
from .base import DEBUG, env

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The demo's logins (README) are shared by everyone who tries it: nobody is made to enrol an
# authenticator app, each may still turn two-factor login on. A deployment runs production
# settings, where bureau members and administrators must use it (TWO_FACTOR_REQUIRED_FOR).
TWO_FACTOR_REQUIRED_FOR = env("TWO_FACTOR_REQUIRED_FOR", default="none")
