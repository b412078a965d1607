"""A business's logo on its supervisor page: upload one (re-drawn as a PNG) or remove it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.lib.answers import post_action
from rapport.lib.forms import Form
from rapport.people.access import brand_by_id
from rapport.people.actions.branding import remove_brand_logo, set_brand_logo
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent
from rapport.people.photos import MAX_BYTES


class LogoForm(Form):
    logo = forms.FileField(required=False)

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo is not None and logo.size is not None and logo.size > MAX_BYTES:
            raise forms.ValidationError("The logo is larger than 2 MB; choose a smaller one.")
        return logo


@require_POST
@agent_required
@supervisor_required
def brand_logo(request: HttpRequest, agent: Agent, brand_id: int) -> HttpResponse:
    """`remove` in the post takes the logo off; otherwise the chosen file becomes the logo."""
    business = brand_by_id(brand_id)

    def save(data: dict[str, Any]) -> str:
        if "remove" in request.POST:
            remove_brand_logo(business, by=agent)
            return f"{business.name}'s logo is removed: its pages show its name alone."
        if data["logo"] is None:
            return "Choose an image first (PNG, JPEG, WebP or GIF, up to 2 MB)."
        set_brand_logo(business, data=data["logo"].read(), by=agent)
        return f"{business.name}'s logo is saved: see it on /contact/{business.slug}/."

    form = LogoForm(request.POST, request.FILES)
    back = reverse("desk_brand", args=[business.pk]) + "#brand-logo"
    return post_action(request, save, form=form, back=back)
