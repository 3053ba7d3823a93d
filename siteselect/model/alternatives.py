"""The places a ranking chooses between, read from the geography layers.

An :class:`Alternatives` set is what the rest of the program takes as given: scoring, settings
checks, the table, the map and the exports.  The shipped sets are the 50 states and DC (from
``data/states.gpkg``) and their 3,142 counties (from ``data/counties.gpkg``).  Only the
attribute table of a layer is read, with the standard ``sqlite3`` module (a GeoPackage is an
SQLite file), so a command that never draws a map does not load geopandas.

Each alternative has a ``code`` (postal code for a state, 5-digit FIPS text for a county), a
``name``, a ``parent`` (the county's state; "" for a state) and a ``key``: the FIPS code that
ties it to its outline and to tables keyed by FIPS.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from siteselect.errors import DataError, InputError
from siteselect.model.paths import data_dir

#: The levels a ranking can be made at, with their layer file and table.
LEVELS = {"state": ("states.gpkg", "states"), "county": ("counties.gpkg", "counties")}
#: How each level is spoken of, singular and plural.
LEVEL_WORDS = {"state": ("state", "states"), "county": ("county", "counties")}


#: Other spellings planners use: (level, code) -> names.
ALIASES = {("state", "DC"): ("Washington DC", "Washington, D.C.", "D.C.", "Washington D.C.")}


def _folded(text: str) -> str:
    """Case, dots, commas and repeated spaces ignored: 'Washington, D.C.' = 'washington dc'."""
    return " ".join(text.replace(".", "").replace(",", " ").casefold().split())


@dataclass(frozen=True)
class Alternative:
    """One place: code, display name, parent code ('' at the top level) and geometry key."""

    code: str
    name: str
    parent: str
    key: str


@dataclass(frozen=True)
class Alternatives:
    """An ordered, immutable set of alternatives at one level."""

    level: str
    items: tuple[Alternative, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise InputError(f"Unknown level {self.level!r}; choose state or county.")
        index: dict[str, int] = {}
        lookup: dict[str, str] = {}
        for i, a in enumerate(self.items):
            if a.code in index:
                raise DataError(f"The {self.level} code {a.code} appears twice.")
            index[a.code] = i
        for a in self.items:
            for spelling in (a.code, a.key, a.name, *ALIASES.get((self.level, a.code), ())):
                if spelling:
                    lookup.setdefault(_folded(spelling), a.code)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_lookup", lookup)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Alternative]:
        return iter(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.items)

    @property
    def word(self) -> str:
        """'state' or 'county'."""
        return LEVEL_WORDS[self.level][0]

    @property
    def plural(self) -> str:
        """'states' or 'counties'."""
        return LEVEL_WORDS[self.level][1]

    def get(self, code: str) -> Alternative:
        return self.items[self._index[code]]

    def position(self, code: str) -> int:
        return self._index[code]

    def name(self, code: str) -> str:
        return self.items[self._index[code]].name

    def resolve(self, text: str) -> str | None:
        """The code that ``text`` names (code, FIPS key or full name, any case), or None.

        A county FIPS that lost its leading zero in a spreadsheet (``1001``) is read as
        ``01001``.
        """
        t = _folded(text)
        found = self._lookup.get(t)
        if found is None and t.isdigit():
            width = max((len(a.key) for a in self.items), default=0)
            if len(t) < width:
                found = self._lookup.get(t.zfill(width))
        return found

    def check(self, codes: Iterable[str]) -> list[str]:
        """Resolve each text to a code.

        Raises
        ------
        InputError
            Naming every text that matches no alternative.
        """
        out: list[str] = []
        unknown: list[str] = []
        for text in codes:
            if not text.strip():
                continue
            code = self.resolve(text)
            if code is None:
                unknown.append(text.strip())
            else:
                out.append(code)
        if unknown:
            hint = ("two-letter postal codes such as TX, NY or DC" if self.level == "state"
                    else "5-digit county FIPS codes such as 48453 (Travis County, TX)")
            raise InputError(f"Unknown {self.word} code(s): {', '.join(unknown)}. Use {hint}.")
        return out

    def within(self, parents: Iterable[str]) -> Alternatives:
        """The alternatives whose parent is one of ``parents`` (order kept)."""
        keep = set(parents)
        return Alternatives(self.level, tuple(a for a in self.items if a.parent in keep))


def load_alternatives(level: str = "state",
                      folder: str | os.PathLike[str] | None = None) -> Alternatives:
    """The shipped alternatives at ``level``, read from its geography layer.

    Raises
    ------
    DataError
        If the layer is missing or unreadable, naming the file and the rebuild command.
    """
    if level not in LEVELS:
        raise InputError(f"Unknown level {level!r}; choose state or county.")
    base = Path(folder) if folder is not None else data_dir()
    return _load(level, str(base.resolve()))


@lru_cache(maxsize=8)
def _load(level: str, folder: str) -> Alternatives:
    filename, table = LEVELS[level]
    path = Path(folder) / filename
    module = "siteselect.model.geography" if level == "state" else \
        "siteselect.model.county_geography"
    if not path.is_file():
        raise DataError(f"The {level} boundaries are missing: {path}. Rebuild them with "
                        f"`uv run python -m {module}`.")
    columns = ("state", "state_fips", "name") if level == "state" else \
        ("fips", "state", "name")
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            rows = con.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY fid").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise DataError(f"Cannot read the {level} boundaries {path}: {exc}. Rebuild them with "
                        f"`uv run python -m {module}`.") from None
    if level == "state":
        items = tuple(Alternative(code=str(c), name=str(n), parent="", key=str(f))
                      for c, f, n in rows)
        items = tuple(sorted(items, key=lambda a: a.name))
    else:
        items = tuple(Alternative(code=str(f), name=str(n), parent=str(s), key=str(f))
                      for f, s, n in rows)
    return Alternatives(level, items)
