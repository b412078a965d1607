from django.urls import path

from rapport.chat import views

app_name = "chat"

urlpatterns = [
    path("api/conversations", views.conversations, name="conversations"),
    path("api/conversations/<str:token>/messages", views.messages, name="messages"),
    path("api/conversations/<str:token>/seen", views.seen, name="seen"),
    path("api/conversations/<str:token>/typing", views.typing_now, name="typing"),
    path("api/conversations/<str:token>/attachments", views.attachments, name="attachments"),
]
