from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("rapport.api.urls")),
    path("care/", include("rapport.care.urls")),
    path("outreach/", include("rapport.outreach.urls")),
    path("mail/", include("rapport.mail.urls")),
    path("chat/", include("rapport.chat.urls")),
    path("contact/", include("rapport.portal.urls")),
    path("status/", include("rapport.portal.status.urls")),
    path("surveys/", include("rapport.surveys.urls")),
    path("datacare/", include("rapport.datacare.urls")),
    path("", include("rapport.workspace.urls")),
]

handler400 = "rapport.workspace.views.errors.bad_request"
handler403 = "rapport.workspace.views.errors.forbidden"
handler404 = "rapport.workspace.views.errors.not_found"
