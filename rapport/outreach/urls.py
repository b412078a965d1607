from django.urls import path

from rapport.outreach import views

urlpatterns = [
    path("", views.incident_list, name="incidents"),
    path("new/", views.incident_create, name="incident_create"),
    path("<int:incident_id>/", views.incident_page, name="incident"),
    path("<int:incident_id>/board/", views.incident_board, name="incident_board"),
    path("<int:incident_id>/audience/", views.incident_audience, name="incident_audience"),
    path("<int:incident_id>/import/", views.incident_import, name="incident_import"),
    path("<int:incident_id>/close/", views.incident_close, name="incident_close"),
    path("imports/<int:import_id>/", views.import_progress, name="import_progress"),
    path("tasks/<int:task_id>/", views.task_page, name="outreach_task"),
    path("tasks/<int:task_id>/call/", views.task_call, name="outreach_task_call"),
    path("tasks/<int:task_id>/message/", views.task_message, name="outreach_task_message"),
    path("tasks/<int:task_id>/result/", views.task_result, name="outreach_task_result"),
    path("make-goods/", views.make_goods_page, name="make_goods"),
    path("make-goods/<int:make_good_id>/decide/", views.make_good_decide, name="make_good_decide"),
    path("make-goods/limits/", views.make_good_limit, name="make_good_limit"),
    path("cases/<int:case_id>/make-goods/", views.make_good_record, name="make_good_record"),
]
