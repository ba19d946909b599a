"""What a search asks for: the same object from the search page, the API, exports and the CLI."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace

SORTS = ("relevance", "name", "updated")
WILLINGNESS = ("advise", "invest", "host_delegation", "promote_products", "teach")
MAX_PER_PAGE = 200
MAX_TEXT = 200  # characters of free text that count; the rest is ignored
MAX_TERMS = 12  # words of free text that count
# The SearchQuery fields that filter nothing; every other one is a filter.
NOT_FILTERS = ("text", "sort", "page", "per_page", "extra")


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    countries: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # taxonomy codes; a top-level code includes its subfields
    categories: tuple[str, ...] = ()  # category codes
    languages: tuple[str, ...] = ()  # ISO 639-1
    willing: tuple[str, ...] = ()  # names from WILLINGNESS, all required
    organizations: tuple[int, ...] = ()
    city: str = ""
    origin: str = ""
    statuses: tuple[str, ...] = ()
    legal_basis_present: bool | None = None
    not_engaged_years: int | None = None
    engaged_year: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 50
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def filter_count(self) -> int:
        """How many filter values are chosen, beyond the search text: the search page shows it
        on its filter panel, folded on a phone."""
        return sum(
            _chosen(getattr(self, item.name))
            for item in dataclasses.fields(self)
            if item.name not in NOT_FILTERS
        )

    def with_page(self, page: int) -> SearchQuery:
        return replace(self, page=page)

    @property
    def has_criteria(self) -> bool:
        return any(
            (
                self.text.strip(),
                self.countries,
                self.fields,
                self.categories,
                self.languages,
                self.willing,
                self.organizations,
                self.city.strip(),
                self.origin.strip(),
                self.statuses,
                self.legal_basis_present is not None,
                self.not_engaged_years,
                self.engaged_year,
            )
        )


def _chosen(value: object) -> int:
    """How many values a filter holds: each of a list, a text that is not blank, a flag or a
    number that is set."""
    if isinstance(value, tuple):
        return len(value)
    if isinstance(value, str):
        return int(bool(value.strip()))
    return int(value is not None)
