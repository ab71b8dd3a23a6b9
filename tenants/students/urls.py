from django.urls import path

from tenants.students import views

app_name = "students"

urlpatterns = [
    path("", views.StudentTable.as_view(), name="index"),
    path("new/", views.StudentFormPage.as_view(), name="new"),
    path("import/", views.ImportPage.as_view(), name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("classes/", views.ClassTable.as_view(), name="classes"),
    path("classes/new/", views.ClassFormPage.as_view(), name="class_new"),
    path("classes/<uuid:id>/edit/", views.ClassFormPage.as_view(), name="class_edit"),
    path("<uuid:id>/", views.StudentDetail.as_view(), name="detail"),
    path("<uuid:id>/edit/", views.StudentFormPage.as_view(), name="edit"),
    path("<uuid:id>/move/", views.MovePage.as_view(), name="move"),
    path("<uuid:id>/archive/", views.ArchivePage.as_view(), name="archive"),
    path("<uuid:id>/restore/", views.restore, name="restore"),
]
