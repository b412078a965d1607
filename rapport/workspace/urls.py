from django.urls import path

from rapport.workspace.views import (
    auth,
    cases,
    customers,
    desk,
    inbox,
    messages,
    security,
    supervisor,
)

urlpatterns = [
    path("csp-report/", security.csp_report, name="csp_report"),
    path("favicon.ico", security.favicon, name="favicon"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("", inbox.inbox, name="inbox"),
    path("supervisor/", supervisor.supervisor, name="supervisor"),
    path("supervisor/desk/", desk.desk, name="desk"),
    path("supervisor/desk/sites/<int:site_id>/hours/", desk.desk_hours, name="desk_hours"),
    path(
        "supervisor/desk/sites/<int:site_id>/closures/",
        desk.desk_closure_add,
        name="desk_closure_add",
    ),
    path(
        "supervisor/desk/sites/<int:site_id>/closures/<str:day>/open/",
        desk.desk_closure_remove,
        name="desk_closure_remove",
    ),
    path("supervisor/desk/policies/", desk.desk_policy, name="desk_policy"),
    path(
        "supervisor/desk/policies/<int:policy_id>/remove/",
        desk.desk_policy_remove,
        name="desk_policy_remove",
    ),
    path("notifications/", supervisor.notifications, name="notifications"),
    path("notifications/read/", supervisor.notifications_read, name="notifications_read"),
    path("cases/<int:case_id>/", cases.case_page, name="case"),
    path("cases/<int:case_id>/reply/", cases.case_reply, name="case_reply"),
    path("cases/<int:case_id>/note/", cases.case_note, name="case_note"),
    path("cases/<int:case_id>/call/", cases.case_call, name="case_call"),
    path("cases/<int:case_id>/status/", cases.case_status, name="case_status"),
    path("cases/<int:case_id>/priority/", cases.case_priority, name="case_priority"),
    path("cases/<int:case_id>/owner/", cases.case_owner, name="case_owner"),
    path("cases/<int:case_id>/tags/", cases.case_tags, name="case_tags"),
    path("cases/<int:case_id>/split/", cases.case_split, name="case_split"),
    path("cases/<int:case_id>/merge/", cases.case_merge, name="case_merge"),
    path("cases/<int:case_id>/presence/", cases.case_presence, name="case_presence"),
    path("messages/<int:message_id>/with-images/", messages.message_images, name="message_images"),
    path(
        "attachments/<int:attachment_id>/",
        messages.attachment_download,
        name="attachment",
    ),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:customer_id>/", customers.customer_page, name="customer"),
    path(
        "customers/<int:customer_id>/relationship/",
        customers.customer_relationship,
        name="customer_relationship",
    ),
    path(
        "customers/<int:customer_id>/identities/",
        customers.customer_identity_add,
        name="customer_identity_add",
    ),
    path("customers/<int:customer_id>/merge/", customers.customer_merge, name="customer_merge"),
    path(
        "customers/<int:customer_id>/notes/", customers.customer_note_add, name="customer_note_add"
    ),
    path(
        "customers/<int:customer_id>/notes/<int:note_id>/pin/",
        customers.customer_note_pin,
        name="customer_note_pin",
    ),
    path(
        "customers/<int:customer_id>/notes/<int:note_id>/delete/",
        customers.customer_note_delete,
        name="customer_note_delete",
    ),
    path(
        "customers/<int:customer_id>/assets/",
        customers.customer_asset_add,
        name="customer_asset_add",
    ),
]
