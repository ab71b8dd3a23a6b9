from django.urls import path

from tenants.resources import views

app_name = "resources"

urlpatterns = [
    path("", views.index, name="index"),
    path("rooms/", views.RoomTable.as_view(), name="rooms"),
    path("rooms/new/", views.RoomFormPage.as_view(), name="room_new"),
    path("rooms/<uuid:id>/edit/", views.RoomFormPage.as_view(), name="room_edit"),
    path("availability/", views.availability, name="availability"),
    path("bookings/", views.BookingTable.as_view(), name="bookings"),
    path("bookings/new/", views.BookingFormPage.as_view(), name="booking_new"),
    path("bookings/<uuid:id>/cancel/", views.BookingCancelPage.as_view(), name="booking_cancel"),
    path("materials/", views.MaterialTable.as_view(), name="materials"),
    path("materials/new/", views.MaterialFormPage.as_view(), name="material_new"),
    path("materials/<uuid:id>/", views.material_detail, name="material"),
    path("materials/<uuid:id>/edit/", views.MaterialFormPage.as_view(), name="material_edit"),
    path("procurements/", views.ProcurementTable.as_view(), name="procurements"),
    path("procurements/new/", views.ProcurementFormPage.as_view(), name="procurement_new"),
    path("issues/", views.IssueTable.as_view(), name="issues"),
    path("issues/new/", views.IssueFormPage.as_view(), name="issue_new"),
]
