"""The social-aid fixtures (shared with other apps' tests through fixtures.py)."""

from smartkampung.aid.tests.fixtures import *  # noqa: F403
