from django.urls import path

from tenants.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.BudgetTable.as_view(), name="index"),
    path("lines/new/", views.BudgetLineFormPage.as_view(), name="line_new"),
    path("lines/<uuid:id>/edit/", views.BudgetLineFormPage.as_view(), name="line_edit"),
    path("spending/", views.SpendingTable.as_view(), name="spending"),
    path("spending/new/", views.SpendingFormPage.as_view(), name="spending_new"),
    path("spending/<uuid:id>/edit/", views.SpendingFormPage.as_view(), name="spending_edit"),
]
