from django.urls import path

from rapport.datacare import views

app_name = "datacare"

urlpatterns = [
    path("customers/<int:customer_id>/", views.customer_data, name="customer"),
    path("customers/<int:customer_id>/export/", views.customer_export, name="customer_export"),
    path("customers/<int:customer_id>/erase/", views.customer_erase, name="customer_erase"),
    path("access-log/", views.access_log, name="access_log"),
]
