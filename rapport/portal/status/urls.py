from django.urls import path

from rapport.portal.status import views

urlpatterns = [
    path("<str:token>/", views.page, name="status_page"),
    path("<str:token>/reply/", views.reply, name="status_reply"),
    path("<str:token>/call/", views.call, name="status_call"),
    path("<str:token>/solved/", views.solved, name="status_solved"),
    path("<str:token>/reopen/", views.reopen, name="status_reopen"),
    path("<str:token>/fresh/", views.fresh, name="status_fresh"),
    path("<str:token>/files/<int:attachment_id>/", views.attachment, name="status_file"),
]
