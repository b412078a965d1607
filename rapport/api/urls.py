from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from rapport.api.api import api
from rapport.api.errors import error_response


def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's error shape, not an HTML page."""
    return error_response(404, f"There is no endpoint /api/v1/{rest}; see /api/v1/docs.")


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
