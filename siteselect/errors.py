"""One exception hierarchy for the whole application.

Every error a planner can cause or meet (a malformed file, an unknown criterion, a damaged
database) is a :class:`SiteSelectError` whose message says what is wrong and where, in words
that can be shown as they are in a dialog or on stderr.  Anything else is a bug.
"""

from __future__ import annotations


class SiteSelectError(Exception):
    """Base class of every error whose message is meant for the user."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InputError(SiteSelectError):
    """A value given by the user (weights, gates, state codes, options) is not valid."""


class DataError(SiteSelectError):
    """A data file is missing or malformed; the message names the file and the place."""


class ScoringError(SiteSelectError):
    """The scoring engine cannot produce a ranking from the inputs it was given."""


class StorageError(SiteSelectError):
    """The scenario database cannot be opened, read or written."""


class ExportError(SiteSelectError):
    """An export could not be written."""
