from django.urls import path

from rapport.care import views

urlpatterns = [
    path("calls/", views.calls_due, name="care_calls"),
    path("promises/<int:promise_id>/call/", views.promise_call, name="care_promise_call"),
    path("cases/<int:case_id>/follow-up/", views.case_follow_up, name="care_follow_up"),
    path("cases/<int:case_id>/callback/", views.case_callback, name="care_callback"),
    path("cases/<int:case_id>/refer/", views.case_refer, name="care_refer"),
    path("cases/<int:case_id>/appointment/", views.case_appointment, name="care_appointment"),
    path("referrals/<int:referral_id>/", views.referral_page, name="care_referral"),
    path(
        "referrals/<int:referral_id>/acknowledge/",
        views.referral_acknowledge,
        name="care_referral_acknowledge",
    ),
    path(
        "referrals/<int:referral_id>/hand-back/",
        views.referral_handback,
        name="care_referral_handback",
    ),
    path(
        "referrals/<int:referral_id>/introduce/",
        views.referral_introduce,
        name="care_referral_introduce",
    ),
    path("customers/<int:customer_id>/", views.customer_care, name="care_customer"),
    path(
        "customers/<int:customer_id>/word-of-mouth/",
        views.customer_word_of_mouth,
        name="care_word_of_mouth",
    ),
]
