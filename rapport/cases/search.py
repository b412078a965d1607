"""Full-text search over case subjects, message text and customers.

Interface used by the workspace and the API; the backend (SQLite FTS5 / PostgreSQL) lives here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rapport.cases.models import Case, Message


def search_cases(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Narrow `cases` (already permission-filtered) to those matching `query`."""
    terms = query.strip()
    if not terms:
        return cases
    message_case_ids = Message.objects.filter(text__icontains=terms).values("case_id")
    return cases.filter(
        Q(subject__icontains=terms)
        | Q(customer__name__icontains=terms)
        | Q(customer__identities__value__icontains=terms)
        | Q(pk__in=message_case_ids)
    ).distinct()
