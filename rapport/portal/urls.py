from django.urls import path

from rapport.portal import views

urlpatterns = [
    path("", views.contact, name="contact"),
    path("<slug:brand_slug>/", views.contact, name="contact_brand"),
    path("<slug:brand_slug>/logo.png", views.logo, name="contact_logo"),
]
