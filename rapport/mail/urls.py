from django.urls import path

from rapport.mail import views

app_name = "mail"

urlpatterns = [
    path("inbound/", views.inbound_webhook, name="inbound"),
    path("inbound/<int:inbound_id>/raw/", views.inbound_raw, name="inbound_raw"),
    path("intake/", views.intake_page, name="intake"),
    path("intake/<int:inbound_id>/retry/", views.intake_retry, name="intake_retry"),
    path("messages/<int:message_id>/original/", views.message_original, name="message_original"),
]
