"""A named scenario: a planner's scoring settings with a name, a description and history.

Scenarios are immutable values; the storage layer (:mod:`siteselect.storage`) saves them in
SQLite and keeps every earlier save as a revision.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from siteselect.errors import InputError
from siteselect.model.settings import ScoringSettings

NAME_MAX = 100


def clean_name(name: str) -> str:
    """Normalise a scenario name: NFC, surrounding white space removed; 1-100 characters.

    Raises
    ------
    InputError
        For an empty name, one longer than 100 characters, or one with control characters.
    """
    if not isinstance(name, str):
        raise InputError("A scenario name must be text.")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise InputError("A scenario name cannot be empty.")
    if len(text) > NAME_MAX:
        raise InputError(f"A scenario name has at most {NAME_MAX} characters ({len(text)} given).")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InputError("A scenario name cannot contain control characters such as line breaks.")
    return text


def name_key(name: str) -> str:
    """The key under which names are unique: cleaned and case-folded."""
    return clean_name(name).casefold()


@dataclass(frozen=True)
class Scenario:
    """A named, saved set of scoring choices."""

    name: str
    settings: ScoringSettings = field(default_factory=ScoringSettings)
    description: str = ""
    dataset_version: str = ""
    created: str = ""  # ISO 8601, UTC
    updated: str = ""  # ISO 8601, UTC
    revision: int = 0  # number of saves; 0 = never saved
    builtin: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_name(self.name))
