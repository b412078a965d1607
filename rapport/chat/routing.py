"""The chat's WebSocket routes, for rapport/asgi.py."""

from django.urls import path

from rapport.chat.consumers import ChatConsumer

websocket_urlpatterns = [path("chat/ws/<str:token>/", ChatConsumer.as_asgi())]
