"""What every API schema builds on: input checking, UTC times, path ids, errors, pages, and
why a search result matched."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from ninja import Field, Path, Schema
from pydantic import AfterValidator, ValidationInfo, field_validator

from rapport.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from rapport.cases.search_matches import Match
from rapport.lib.storable import MAX_INT, NAME_FIELDS, name_problem, storable, with_lf

# Every time the API writes is UTC, whatever offset it was given in.
Timestamp = Annotated[datetime, AfterValidator(lambda value: value.astimezone(UTC))]

# A row's id in a path: past 64 bits the database driver overflows, so such ids are a 422.
Id = Annotated[int, Path(ge=1, le=MAX_INT)]

# The longest free text the API takes (a message, a call's notes): what a person writes, with
# room to spare; the request size limit (DATA_UPLOAD_MAX_MEMORY_SIZE) bounds the whole body.
LONG_TEXT = 100_000


class Input(Schema):
    """Everything the API reads (bodies and query strings) derives from this schema.

        One validator sees every field of every input, nested lists and mappings included, and
        refuses what the database could not store (rapport/lib/storable.py): NUL characters and
        lone surrogates in text, times outside 1900-2199 or without an offset, integers past 64
        bits, NaN and infinite amounts. tests/api/test_edge.py holds every operation to it. Text
        is read with LF line endings (`with_lf`), and a name refuses direction overrides
    (`name_problem`), as the web forms do.
    """

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        found = name_problem(value) if info.field_name in NAME_FIELDS else None
        if found:
            raise ValueError(found)
        return storable(with_lf(value))


# ---------------------------------------------------------------- errors and pages


class ErrorDetail(Schema):
    field: str | None
    message: str


class ErrorBody(Schema):
    code: Literal[
        "bad_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "conflict",
        "gone",
        "payload_too_large",
        "validation_error",
        "too_many_requests",
        "server_error",
    ]
    message: str = Field(description="A sentence for a person.")
    field: str | None = Field(description="The input field at fault, dotted for nested ones.")
    details: list[ErrorDetail] | None = Field(None, description="Every problem, for 422.")


class ErrorOut(Schema):
    error: ErrorBody


class SpanOut(Schema):
    start: int
    end: int


MatchField = Literal[
    "subject", "message", "reply", "note", "call",
    "name", "preferred_name", "organization", "email", "phone", "social", "external",
]  # fmt: skip


class SearchMatchOut(Schema):
    """Why a result matched `q`: the field and an excerpt with the matched words."""

    id: int = Field(description="The case or customer of `items` it explains.")
    field: MatchField = Field(
        description="Where it matched: the subject, a customer's message, a reply, an internal "
        "note, call notes, the customer's name, preferred name or organisation, or an address."
    )
    label: str = Field(description="The field, for a person.")
    text: str = Field(description="An excerpt of the field (the whole of a short one).")
    highlights: list[SpanOut] = Field(description="The matched words, as offsets in `text`.")

    @classmethod
    def all_of(cls, matches: dict[int, list[Match]]) -> list[Self]:
        return [
            cls(
                id=item_id,
                field=match.field,  # type: ignore[arg-type]
                label=match.label,
                text=match.text,
                highlights=[SpanOut(start=start, end=end) for start, end in match.highlights],
            )
            for item_id, found in matches.items()
            for match in found
        ]


class PageQuery(Input):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    cursor: str | None = Field(
        None, max_length=500, description="The 'next' value of the previous page."
    )
