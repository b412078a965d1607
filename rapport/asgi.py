"""The ASGI application of the whole desk: HTTP to Django, websockets to the live consumers.

`rapport serve` runs it (uvicorn). A websocket only nudges ("fetch now"); what it nudges about is
always fetched over HTTP. Agents' sockets carry their session (AuthMiddlewareStack) and browsers
from other sites are refused by the origin check (AllowedHostsOriginValidator). The customer's chat
(`/chat/ws/<token>/`) sits outside that validator: a widget embedded on a brand's own site comes
from a host that is not ours, and the chat consumer checks the Origin itself against this desk's
hosts and the brand's `chat_origins`, and carries its conversation token and visitor cookie.
"""

import os
import warnings
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
# Read by the settings: a process serving ASGI pools its PostgreSQL connections.
os.environ.setdefault("RAPPORT_SERVER", "asgi")
# WhiteNoise answers static files with a file iterator Django reads in a thread under ASGI: it
# works, and Django warns on every file.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")
# Django first: the consumers' imports need the apps loaded.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from rapport.chat.routing import websocket_urlpatterns as chat_urlpatterns  # noqa: E402
from rapport.workspace.consumers import DeskConsumer  # noqa: E402

websocket_urlpatterns: list[Any] = [path("ws/desk/", DeskConsumer.as_asgi())]
desk_sockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # The customer's chat brings its own routes and its own origin check (see above).
        "websocket": URLRouter([*chat_urlpatterns, re_path(r"^", desk_sockets)]),
    }
)
