"""Roster pages: students (table, detail, form, move, archive/restore), classes, and the import.

Need to know (tenants.care.access): roster managers see every student; homeroom teachers only the
students of their classes, with whether each is being followed (关注中, yes/no); the principal
and the care team see the attention level; the secretary sees neither. Everyone else gets 403 on
the lists and 404 on a student.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, Filter, FormPage, TablePage, is_uuid
from tenants.care.access import is_homeroom_only, manages_roster, reads_clinical, reads_status
from tenants.care.audit import audit
from tenants.care.models import AttentionLevel
from tenants.students import roster, selectors, services
from tenants.students.forms import ArchiveForm, ClassForm, ImportForm, MoveForm, StudentForm
from tenants.students.models import SchoolClass, StudentStatus
from tenants.students.policies import class_policy, student_policy

TABS = [
    ("students:index", gettext_lazy("Student roster")),
    ("students:classes", gettext_lazy("Classes")),
    ("students:import", gettext_lazy("Import a roster")),
]


def _tabs(request, current: str):
    tabs = TABS if manages_roster(request.user) else TABS[:2]
    return [(reverse(name), label, name == current) for name, label in tabs]


def _require_reader(request):
    """Lists: people who may not read the roster are told so (403)."""
    if not student_policy.can_read(request.user):
        raise PermissionDenied


def _visible_classes(request):
    qs = SchoolClass.objects.order_by("grade", "name")
    if is_homeroom_only(request.user):
        qs = qs.filter(homeroom_teacher=request.user)
    return qs


def _grade_choices(request):
    grades = sorted({c.grade for c in _visible_classes(request)})
    return [(g, _("Grade %(grade)s") % {"grade": g}) for g in grades]


def _class_choices(request):
    return [(str(c.public_id), str(c)) for c in _visible_classes(request)]


STATUS_CHOICES = [
    ("active", gettext_lazy("In school")),
    ("archived", gettext_lazy("Left (archived)")),
    ("all", gettext_lazy("All, including those who left")),
]


def _status(qs, value):
    if value == "all":
        return qs
    if value in StudentStatus.values:
        return qs.filter(status=value)
    return qs.none()


def _search(qs, value):
    return qs.filter(Q(name__icontains=value) | Q(student_number__icontains=value))


class StudentTable(TablePage):
    title = gettext_lazy("Students (学生名册)")
    intro = gettext_lazy(
        "The school's roster. Students who left are archived, never deleted: choose a status to see them."
    )
    export_name = "学生名册"
    empty_text = gettext_lazy("No students yet. Import the roster from a spreadsheet first.")
    template_name = "students/table.html"
    filters = [
        Filter("grade", gettext_lazy("Grade"), choices=_grade_choices, lookup="school_class__grade"),
        Filter("class", gettext_lazy("Class"), choices=_class_choices, lookup="school_class__public_id"),
        Filter("status", gettext_lazy("Status"), choices=STATUS_CHOICES, apply=_status),
        Filter("q", gettext_lazy("Name or student number"), apply=_search),
    ]

    @property
    def exporting(self) -> bool:
        return self.request.GET.get("export") == "xlsx"

    def get_queryset(self, request):
        _require_reader(request)
        qs = student_policy.visible(request.user, selectors.students())
        if is_homeroom_only(request.user):
            qs = selectors.being_followed(qs)
        elif reads_status(request.user):
            qs = selectors.with_attention_level(qs)
            action = "export" if self.exporting else "list"
            audit(
                actor=request.user,
                action=action,
                subject="students.roster",
                reason=_("roster with attention levels"),
            )
        if not request.GET.get("status"):
            qs = qs.filter(status=StudentStatus.ACTIVE)
        return qs

    def _date(self, student):
        return student.date_of_birth if self.exporting else student.date_of_birth.strftime("%Y-%m-%d")

    @property
    def columns(self):
        user = self.request.user
        columns = [
            Column(gettext_lazy("Student number"), "student_number"),
            Column(
                gettext_lazy("Full name"),
                "name",
                link=lambda s: reverse("students:detail", args=[s.public_id]),
            ),
            Column(gettext_lazy("Gender"), "get_gender_display"),
            Column(gettext_lazy("Date of birth"), self._date),
            Column(gettext_lazy("Grade"), "school_class.grade", numeric=True),
            Column(gettext_lazy("Class"), "school_class.name"),
            Column(gettext_lazy("Guardian"), "guardian_name"),
            Column(gettext_lazy("Guardian phone"), "guardian_phone"),
            Column(gettext_lazy("Status"), "get_status_display"),
        ]
        if is_homeroom_only(user):
            columns.append(
                Column(
                    gettext_lazy("Being followed (关注中)"),
                    lambda s: _("Yes") if s.being_followed else _("No"),
                )
            )
        elif reads_status(user):
            columns.append(
                Column(gettext_lazy("Attention level"), lambda s: AttentionLevel(s.attention_level).label)
            )
        return columns

    def get_actions(self, request):
        if not manages_roster(request.user):
            return []
        return [
            Action(gettext_lazy("Import a roster"), reverse("students:import")),
            Action(gettext_lazy("New student"), reverse("students:new"), primary=False),
        ]

    def extra_context(self, request):
        filters = []
        for f in self.filters:
            value = request.GET.get(f.name, "").strip()
            filters.append((f, f.options(request), value))
        return {"tabs": _tabs(request, "students:index"), "filters": filters}


def student_get_for(request, id):
    """The student, if the user may know they exist; 404 otherwise (the same as missing)."""
    return get_object_or_404(student_policy.visible(request.user, selectors.students()), public_id=id)


class StudentDetail(View):
    def get(self, request, id):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        student = student_get_for(request, id)
        context = {
            "student": student,
            "moves": selectors.class_moves_of(student),
            "can_manage": manages_roster(request.user),
            "care_link": f"/care/students/{student.public_id}/" if reads_status(request.user) else "",
            # Why the student left is encrypted clinical text: the care team reads it, nobody else.
            "reads_archived_reason": reads_clinical(request.user),
            "tabs": _tabs(request, "students:index"),
        }
        if is_homeroom_only(request.user):
            context["being_followed"] = (
                selectors.being_followed(selectors.students().filter(pk=student.pk)).get().being_followed
            )
        return render(request, "students/detail.html", context)


class RosterForm(FormPage):
    policy = student_policy
    success_message = gettext_lazy("Saved.")

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        return student_get_for(request, kwargs["id"])

    def success_url(self, request, saved):
        return reverse("students:detail", args=[saved.public_id])


class StudentFormPage(RosterForm):
    title = gettext_lazy("New student")
    edit_title = gettext_lazy("Edit student")
    form_class = StudentForm

    def initial(self, request):
        found = SchoolClass.objects.filter(
            public_id__in=[request.GET["class"]] if is_uuid(request.GET.get("class")) else []
        ).first()
        return {"school_class": found.pk} if found else {}

    def save(self, request, form, obj):
        if obj is None:
            return services.student_create(actor=request.user, data=form.cleaned_data)
        return services.student_update(obj, actor=request.user, data=form.cleaned_data)

    def render(self, request, form, obj, status=200):
        return render(
            request,
            self.template_name,
            {
                "title": self.title if obj is None else self.edit_title,
                "form": form,
                "object": obj,
            },
            status=status,
        )


class MovePage(RosterForm):
    title = gettext_lazy("Move to another class")
    form_class = MoveForm
    success_message = gettext_lazy("The student was moved. The move is kept in the class history.")

    def form_kwargs(self, request, obj):
        return {"student": obj}

    def save(self, request, form, obj):
        return services.student_move(obj, actor=request.user, to_class=form.cleaned_data["school_class"])

    def render(self, request, form, obj, status=200):
        title = f"{self.title}：{obj.name}（{obj.school_class}）"
        return render(
            request, self.template_name, {"title": title, "form": form, "object": obj}, status=status
        )


class ArchivePage(RosterForm):
    title = gettext_lazy("Archive: the student leaves the school")
    form_class = ArchiveForm
    success_message = gettext_lazy("The student is archived. Their records are kept; they can be restored.")

    def save(self, request, form, obj):
        return services.student_archive(obj, actor=request.user, reason=form.cleaned_data["reason"])

    def render(self, request, form, obj, status=200):
        title = f"{self.title}：{obj.name}"
        return render(
            request, self.template_name, {"title": title, "form": form, "object": obj}, status=status
        )


@login_required
@require_POST
def restore(request, id):
    student = student_get_for(request, id)
    if not manages_roster(request.user):
        raise PermissionDenied
    try:
        services.student_restore(student, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The student is back in school."))
    return redirect("students:detail", id=student.public_id)


# Classes


class ClassTable(TablePage):
    title = gettext_lazy("Classes")
    intro = gettext_lazy("Each class with its homeroom teacher (班主任), who sees the class's students.")
    export_name = "班级"
    empty_text = gettext_lazy("No classes yet. Add a class, or import a roster: its classes are created.")
    template_name = "students/table.html"
    filters = [
        Filter(
            "grade",
            gettext_lazy("Grade"),
            choices=lambda r: [
                (g, g) for g in sorted(set(SchoolClass.objects.values_list("grade", flat=True)))
            ],
        ),
        Filter(
            "teacher",
            gettext_lazy("Homeroom teacher"),
            choices=[("none", gettext_lazy("No homeroom teacher yet"))],
            apply=lambda qs, v: qs.filter(homeroom_teacher__isnull=True) if v == "none" else qs,
        ),
    ]

    def get_queryset(self, request):
        _require_reader(request)
        return class_policy.visible(request.user, selectors.classes())

    def edit_link(self, school_class):
        if class_policy.can_change(self.request.user, school_class):
            return reverse("students:class_edit", args=[school_class.public_id])
        return None

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Grade"), "grade", numeric=True),
            Column(gettext_lazy("Class"), "name", link=self.edit_link),
            Column(
                gettext_lazy("Homeroom teacher"),
                lambda c: c.homeroom_teacher.display_name if c.homeroom_teacher else "—",
            ),
            Column(
                gettext_lazy("Students in school"),
                "active_count",
                numeric=True,
                link=lambda c: f"{reverse('students:index')}?class={c.public_id}",
            ),
            Column(gettext_lazy("Left (archived)"), "archived_count", numeric=True),
        ]

    def get_actions(self, request):
        if class_policy.can_create(request.user):
            return [Action(gettext_lazy("New class"), reverse("students:class_new"))]
        return []

    def extra_context(self, request):
        return {"tabs": _tabs(request, "students:classes")}


class ClassFormPage(FormPage):
    title = gettext_lazy("New class")
    edit_title = gettext_lazy("Edit class")
    form_class = ClassForm
    policy = class_policy
    success_message = gettext_lazy("Saved.")

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        return get_object_or_404(
            class_policy.visible(request.user, SchoolClass.objects.all()), public_id=kwargs["id"]
        )

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.class_create(actor=request.user, **data)
        return services.class_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("students:classes")

    def render(self, request, form, obj, status=200):
        return render(
            request,
            self.template_name,
            {
                "title": self.title if obj is None else self.edit_title,
                "form": form,
                "object": obj,
            },
            status=status,
        )


# Import


def _check_importer(request):
    if not student_policy.can_read(request.user):
        raise Http404
    if not manages_roster(request.user):
        raise PermissionDenied


class ImportPage(View):
    template_name = "students/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _check_importer(request)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, result=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "title": _("Import a roster"),
                "form": form,
                "result": result,
                "tabs": _tabs(request, "students:import"),
                "columns": roster.HEADERS_ZH,
                "example": roster.example_row(),
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        result = services.roster_import(
            actor=request.user,
            upload=form.cleaned_data["file"],
            only_good_rows=form.cleaned_data["only_good_rows"],
        )
        return self._render(
            request, ImportForm(), result=result, status=200 if result.imported or not result.errors else 400
        )


@login_required
def import_template(request):
    _check_importer(request)
    response = HttpResponse(
        roster.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%AD%A6%E7%94%9F%E5%90%8D%E5%8D%95%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
