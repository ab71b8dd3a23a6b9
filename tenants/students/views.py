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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, FormPage, TablePage, is_uuid
from tenants.care.access import is_homeroom_only, manages_roster, reads_clinical, reads_status
from tenants.care.models import AttentionLevel
from tenants.students import roster, selectors, services
from tenants.students.forms import ArchiveForm, ClassForm, ImportForm, MoveForm, StudentForm
from tenants.students.models import SchoolClass
from tenants.students.policies import class_policy, student_policy
from tenants.students.resources import area, classes, in_school_unless_asked, students


class ReaderTable(TablePage):
    """Roster lists: people who may not read the roster are told so (403), as they always were."""

    area = area

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.get_policy().can_read(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)


class StudentTable(ReaderTable):
    title = gettext_lazy("Students (学生名册)")
    intro = gettext_lazy(
        "The school's roster. Students who left are archived, never deleted: choose a status to see them."
    )
    export_name = "学生名册"
    empty_text = gettext_lazy("No students yet. Import the roster from a spreadsheet first.")
    resource = students
    tab = "index"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if reads_status(request.user) and not is_homeroom_only(request.user):
            qs = selectors.with_attention_level(qs)
        return in_school_unless_asked(qs, request.GET)

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


class StudentDetail(View):
    """A student's page: not a table or a form, so it is drawn here, but the student is found and
    the read audited through the declaration (one "students.student" event)."""

    def get(self, request, id):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        student = students.get_for(request.user, id)
        students.audit_read(request.user, student)
        context = {
            "student": student,
            "moves": selectors.class_moves_of(student),
            "can_manage": manages_roster(request.user),
            "care_link": f"/care/students/{student.public_id}/" if reads_status(request.user) else "",
            # Why the student left is encrypted clinical text: the care team reads it, nobody else.
            "reads_archived_reason": reads_clinical(request.user),
            "area_tabs": area.tabs_for(request.user, "index"),
        }
        if is_homeroom_only(request.user):
            context["being_followed"] = student.being_followed
        return render(request, "students/detail.html", context)


class RosterForm(FormPage):
    resource = students
    area = area
    tab = "index"
    success_message = gettext_lazy("Saved.")

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


class _StudentOperation(RosterForm):
    """Not plain CRUD (a move, an archive): one page each, the student found through the resource."""

    def render(self, request, form, obj, status=200):
        context = {"title": self.heading(obj), "form": form, "object": obj}
        return render(request, self.template_name, context, status=status)


class MovePage(_StudentOperation):
    title = gettext_lazy("Move to another class")
    form_class = MoveForm
    success_message = gettext_lazy("The student was moved. The move is kept in the class history.")

    def heading(self, obj):
        return f"{self.title}：{obj.name}（{obj.school_class}）"

    def form_kwargs(self, request, obj):
        return {"student": obj}

    def save(self, request, form, obj):
        return services.student_move(obj, actor=request.user, to_class=form.cleaned_data["school_class"])


class ArchivePage(_StudentOperation):
    title = gettext_lazy("Archive: the student leaves the school")
    form_class = ArchiveForm
    success_message = gettext_lazy("The student is archived. Their records are kept; they can be restored.")

    def heading(self, obj):
        return f"{self.title}：{obj.name}"

    def save(self, request, form, obj):
        return services.student_archive(obj, actor=request.user, reason=form.cleaned_data["reason"])


@login_required
@require_POST
def restore(request, id):
    student = students.get_for(request.user, id)
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


class ClassTable(ReaderTable):
    title = gettext_lazy("Classes")
    intro = gettext_lazy("Each class with its homeroom teacher (班主任), who sees the class's students.")
    export_name = "班级"
    empty_text = gettext_lazy("No classes yet. Add a class, or import a roster: its classes are created.")
    resource = classes
    tab = "classes"

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


class ClassFormPage(FormPage):
    title = gettext_lazy("New class")
    edit_title = gettext_lazy("Edit class")
    form_class = ClassForm
    resource = classes
    area = area
    tab = "classes"
    success_message = gettext_lazy("Saved.")

    def success_url(self, request, saved):
        return reverse("students:classes")


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
                "area_tabs": area.tabs_for(request.user, "import"),
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
