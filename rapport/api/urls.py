from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from rapport.api.api import api
from rapport.api.errors import error_response


# Neither view changes anything: a POST gets its 405 or 404, not the CSRF check's 403.
@csrf_exempt
@require_safe
def index(request: HttpRequest) -> JsonResponse:
    """Where to start; ninja's own root view only exists to be reversed, and answers 404."""
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "openapi": request.build_absolute_uri("openapi.json"),
            "docs": request.build_absolute_uri("docs"),
        }
    )


@csrf_exempt
def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's error shape, not an HTML page."""
    return error_response(404, f"There is no endpoint /api/v1/{rest}; see /api/v1/docs.")


urlpatterns = [
    path("", index, name="api-index"),
    path("", api.urls),
    re_path(r"^(?P<rest>.+)$", unknown_endpoint),
]
