"""The public contact page: a phone number, opening hours, whether a person can answer now, a
chat, a person who will call back, and a message form that opens a case."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rapport.care.windows import describe_window
from rapport.lib.errors import ActionError
from rapport.lib.images import png_response
from rapport.mail.actions.acknowledgments import answer_by
from rapport.people.access import brand_by_slug
from rapport.people.models import Brand
from rapport.portal.actions import request_callback, send_message
from rapport.portal.forms import CallbackForm, MessageForm
from rapport.portal.page import contact_context


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, brand_slug: str = "") -> HttpResponse:
    """`/contact/<brand>/`: that business's number, sites and people. `/contact/` on a desk
    with several businesses asks which one; on a desk without brands it is the page itself.
    A POST is one of the two forms (`form=message`, else the call-back)."""
    brand = brand_by_slug(brand_slug) if brand_slug else None
    if brand is None and Brand.objects.exists():
        return render(
            request, "portal/choose_brand.html", {"brands": Brand.objects.order_by("name")}
        )
    context = contact_context(brand, now=timezone.now())
    posted = request.POST if request.method == "POST" else None
    if posted is not None and posted.get("form") == "message":
        return _message(request, context, MessageForm(posted, request.FILES))
    callback = CallbackForm(posted)
    if posted is not None and callback.is_valid():
        return _callback(request, context, callback)
    page = {**context, "form": callback, "message_form": MessageForm()}
    return render(request, "portal/contact.html", page, status=400 if posted else 200)


def _callback(request: HttpRequest, context: dict[str, Any], form: CallbackForm) -> HttpResponse:
    data = form.cleaned_data
    try:
        promise = request_callback(
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            about=data["about"],
            window_start=form.window_start(),
            timezone_name=data["timezone"],
            brand=context["brand"],
        )
    except ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        page = {**context, "form": form, "message_form": MessageForm()}
        return render(request, "portal/contact.html", page, status=400)
    window = describe_window(
        promise.due_at, promise.window_end or promise.due_at, timezone=promise.customer.timezone
    )
    return render(
        request,
        "portal/callback_booked.html",
        {**context, "answered": True, "promise": promise, "window": window, "agent": promise.owner},
    )


def _message(request: HttpRequest, context: dict[str, Any], form: MessageForm) -> HttpResponse:
    """Refused: the page again with everything typed and the reason (400); stored: what
    happens next, in words that are true."""
    if form.is_valid():
        data = form.cleaned_data
        try:
            opened = send_message(
                name=data["name"],
                email=data["email"],
                text=data["text"],
                attachments=form.uploads(),
                timezone_name=data["timezone"],
                brand=context["brand"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            case = opened.case
            return render(
                request,
                "portal/message_received.html",
                {
                    **context,
                    "answered": True,
                    "case": case,
                    "owner": case.owner,
                    "answer_by": answer_by(case, now=timezone.now()),
                    "email": data["email"],
                    "files": [a.filename for a in opened.message.attachments.all()],
                },
            )
    page = {**context, "form": CallbackForm(), "message_form": form}
    return render(request, "portal/contact.html", page, status=400)


@require_GET
def logo(request: HttpRequest, brand_slug: str) -> FileResponse:
    """`/contact/<brand>/logo.png`: the business's logo, public like its contact page (a PNG the
    desk drew itself from the upload, people/photos.py)."""
    brand = brand_by_slug(brand_slug)
    return png_response(brand.logo, cache="public, max-age=300", missing="No logo")
