"""The district's exchange pages, on the district host (/exchange/). The same views serve the
school host (exchange/school_urls.py); the review queue and moderation answer only here."""

from django.urls import path

from exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.post_new, name="post_new"),
    path("p/<uuid:id>/", views.post_detail, name="post"),
    path("p/<uuid:id>/reply/", views.post_reply, name="reply"),
    path("p/<uuid:id>/report/", views.post_report, name="report"),
    path("p/<uuid:id>/edit/", views.post_edit, name="post_edit"),
    path("p/<uuid:id>/<slug:action>/", views.post_moderate, name="moderate"),
    path("r/<uuid:id>/<slug:action>/", views.reply_moderate, name="reply_moderate"),
    path("review/", views.review, name="review"),
    path("reports/<uuid:id>/<slug:action>/", views.report_handle, name="report_handle"),
    path("notes/read/", views.notes_read, name="notes_read"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<uuid:id>/", views.event_detail, name="event"),
    path("events/<uuid:id>/signup/", views.event_signup, name="signup"),
    path("events/<uuid:id>/signups/<uuid:signup>/remove/", views.signup_remove, name="signup_remove"),
    path("events/<uuid:id>/attendance/", views.event_attendance, name="attendance"),
]
