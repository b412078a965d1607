from django.urls import path

from rapport.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
    path("s/<str:token>/stop/", views.stop, name="stop"),
    path("r/<str:token>/", views.referral, name="referral"),
    path("results/", views.results, name="results"),
    path("<int:survey_id>/send-now/", views.send_now, name="send_now"),
]
