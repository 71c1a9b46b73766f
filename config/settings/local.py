"""The embedded run: `make run` and local development."""

from .base import *  # noqa: F403
