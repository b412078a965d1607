from django.urls import path

from rapport.chat import page, views

app_name = "chat"

urlpatterns = [
    path("", page.chat_page, name="page"),
    path("brand.css", page.brand_css, name="brand_css"),
    path("widget.js", page.widget_script, name="widget"),
    path("api/availability", views.available, name="availability"),
    path("api/conversations", views.conversations, name="conversations"),
    path("api/conversations/<str:token>/messages", views.messages, name="messages"),
    path("api/conversations/<str:token>/seen", views.seen, name="seen"),
    path("api/conversations/<str:token>/typing", views.typing_now, name="typing"),
    path("api/conversations/<str:token>/attachments", views.attachments, name="attachments"),
    path("api/conversations/<str:token>/email", views.email_code, name="email"),
    path("api/conversations/<str:token>/verify", views.verify, name="verify"),
    path("api/conversations/<str:token>/callback", views.callback, name="callback"),
    path("api/conversations/<str:token>/by-email", views.by_email, name="by_email"),
    path("api/conversations/<str:token>/files/<int:file_id>", views.file_download, name="file"),
]
