"""The links a customer gets: a survey's page and a promoter's referral link. Each carries an
id signed with SECRET_KEY (nothing secret is stored); the row decides what the page shows, so
a forged or altered link finds nothing and an old one says it has closed."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from rapport.people.models import Customer
from rapport.surveys.models import Survey

SURVEY_SALT = "rapport.surveys.survey"
REFERRAL_SALT = "rapport.surveys.referral"


def _load(token: str, salt: str) -> int | None:
    try:
        pk = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def survey_url(survey: Survey) -> str:
    token = signing.dumps(survey.pk, salt=SURVEY_SALT)
    return f"{settings.SITE_URL}{reverse('surveys:answer', kwargs={'token': token})}"


def survey_for_token(token: str) -> Survey | None:
    pk = _load(token, SURVEY_SALT)
    if pk is None:
        return None
    return Survey.objects.select_related("agent", "case", "customer").filter(pk=pk).first()


def referral_url(customer: Customer) -> str:
    token = signing.dumps(customer.pk, salt=REFERRAL_SALT)
    return f"{settings.SITE_URL}{reverse('surveys:referral', kwargs={'token': token})}"


def referrer_for_token(token: str) -> Customer | None:
    pk = _load(token, REFERRAL_SALT)
    if pk is None:
        return None
    return Customer.objects.filter(pk=pk, merged_into__isnull=True).first()
