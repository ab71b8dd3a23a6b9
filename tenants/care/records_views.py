"""Pages for transfers between schools and retention rules, under /care/records/."""

import json
from functools import cached_property

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.pages import Column, FormPage, TablePage
from tenants.care import transfer
from tenants.care.access import clinical_policy
from tenants.care.models import AttentionLevel, RetentionRule
from tenants.care.resources import received, records_area, retention_policy, retention_rules, sent
from tenants.students.models import SchoolClass
from tenants.students.resources import students


def _when(value):
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


class ReceivedTable(TablePage):
    title = gettext_lazy("Records received from other schools")
    intro = gettext_lazy(
        "When a student moves here from another school on the platform, their record arrives here. Accept it into the roster."
    )
    resource = received
    area = records_area
    tab = "received"
    export_name = "接收的心理档案"
    empty_text = gettext_lazy("No records received. They appear here when another school sends one.")
    columns = [
        Column(
            gettext_lazy("Received"),
            lambda t: _when(t.created_at),
            link=lambda t: reverse("care_records:transfer", args=[t.public_id]),
        ),
        Column(gettext_lazy("From school"), "from_school_name"),
        Column(gettext_lazy("Student number"), "student_number"),
        Column(gettext_lazy("Full name"), "student_name"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Accepted"), lambda t: _when(t.accepted_at)),
    ]


class SentTable(TablePage):
    title = gettext_lazy("Records sent to other schools")
    intro = gettext_lazy(
        "The receipt of each record sent: when and by whom the receiving school accepted it, and the SHA-256 of what was sent."
    )
    resource = sent
    area = records_area
    tab = "sent"
    export_name = "转出心理档案回执"
    empty_text = gettext_lazy(
        "No records sent. Send one from a student's record when the student moves to another school."
    )
    columns = [
        Column(gettext_lazy("Sent"), lambda t: _when(t.created_at)),
        Column(gettext_lazy("Student number"), "student_number"),
        Column(gettext_lazy("To school"), "to_school_name"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Accepted"), lambda t: _when(t.accepted_at)),
        Column(gettext_lazy("Accepted by"), "accepted_by_name"),
        Column(gettext_lazy("SHA-256"), "digest"),
    ]


class SendForm(forms.Form):
    to_school = forms.ChoiceField(label=gettext_lazy("Receiving school"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        initial="",
        required=False,
        help_text=gettext_lazy("For example: 学生转学"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].choices = [("", "—")] + transfer.receiving_schools()


class SendPage(FormPage):
    title = gettext_lazy("Send the record to another school")
    form_class = SendForm
    policy = clinical_policy
    success_message = gettext_lazy(
        "The record was sent. Its receipt is filled in when the receiving school accepts it."
    )
    template_name = "transfers/send.html"

    def get_object(self, request, id):
        # Sending is an operation on the student (not a read of the record): found through the roster.
        return students.get_for(request.user, id)

    def check(self, request, obj):
        if not clinical_policy.can_read(request.user):
            raise Http404

    def save(self, request, form, obj):
        return transfer.transfer_send(
            student=obj,
            to_school_code=form.cleaned_data["to_school"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )

    def success_url(self, request, saved):
        return reverse("care_records:sent")

    def render(self, request, form, obj, status=200):
        return render(
            request, self.template_name, {"title": self.title, "form": form, "student": obj}, status=status
        )


class AcceptForm(forms.Form):
    school_class = forms.ModelChoiceField(
        label=gettext_lazy("Joins class"),
        queryset=SchoolClass.objects.order_by("grade", "name"),
        required=False,
    )


class AcceptPage(FormPage):
    title = gettext_lazy("Record received from another school")
    form_class = AcceptForm
    policy = clinical_policy
    success_message = gettext_lazy("The record was accepted. The sending school has its receipt.")
    template_name = "transfers/accept.html"

    def get_object(self, request, id):
        # Accepting is an operation: found through the declaration, audited once per read of the
        # page (in render), not when it is accepted.
        self.incoming = received.get_for(request.user, id)
        return self.incoming

    def check(self, request, obj):
        if request.method == "POST" and obj.status != "sent":
            raise Http404

    @cached_property
    def match(self):
        """The student accepting attaches to (None: a new student, or the record was accepted)."""
        return transfer.transfer_match(self.incoming) if self.incoming.status == "sent" else None

    def initial(self, request):
        # A student already on the roster stays in their class unless the counselor picks another.
        return {"school_class": self.match.school_class_id} if self.match else {}

    def save(self, request, form, obj):
        return transfer.transfer_accept(
            obj, actor=request.user, school_class=form.cleaned_data["school_class"]
        )

    def success_url(self, request, saved):
        return f"/care/students/{saved.public_id}/"

    def render(self, request, form, obj, status=200):
        package = json.loads(obj.package)
        received.audit_read(request.user, obj)
        context = {
            "title": self.title,
            "form": form,
            "transfer": obj,
            "package": package,
            "sections": transfer.package_sections(package).items(),
        }
        if obj.status == "sent":
            # What accepting will do, shown before it is done: which student it attaches to, and
            # the attention level afterwards (never lower than now).
            outcome = transfer.level_outcome(obj, self.match, package)
            labels = dict(AttentionLevel.choices)
            context.update(
                match=self.match,
                level={
                    "received": labels.get(outcome.received, outcome.received),
                    "current": labels.get(outcome.current, outcome.current),
                    "after": labels.get(outcome.after, outcome.after),
                    "kept": outcome.kept,
                },
            )
        return render(request, self.template_name, context, status=status)


class RetentionTable(TablePage):
    title = gettext_lazy("Retention periods")
    intro = gettext_lazy(
        "Each type of record is archived when its period has passed (counted from when it was made, or closed), and deleted after the grace period. A job runs every night."
    )
    resource = retention_rules
    area = records_area
    tab = "retention"
    export_name = "保存期限"
    empty_text = gettext_lazy("No retention rules.")

    @property
    def columns(self):
        edit = (
            (lambda r: reverse("care_records:retention_edit", args=[r.pk]))
            if retention_policy.can_change(self.request.user, None)
            else None
        )
        preview = self.preview
        return [
            Column(gettext_lazy("Record type"), "get_record_type_display", link=edit),
            Column(gettext_lazy("Keep for (years)"), "keep_years", numeric=True),
            Column(gettext_lazy("Delete after archiving (days)"), "grace_days", numeric=True),
            Column(gettext_lazy("Archived now"), lambda r: preview[r.record_type]["archived"], numeric=True),
            Column(
                gettext_lazy("Next run archives"), lambda r: preview[r.record_type]["archive"], numeric=True
            ),
            Column(
                gettext_lazy("Next run deletes"), lambda r: preview[r.record_type]["delete"], numeric=True
            ),
        ]

    def get(self, request, *args, **kwargs):
        from tenants.care.retention import retention_preview

        self.preview = retention_preview() if retention_policy.can_read(request.user) else {}
        return super().get(request, *args, **kwargs)


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["keep_years", "grace_days"]

    def clean_keep_years(self):
        years = self.cleaned_data["keep_years"]
        if years < 1:
            raise forms.ValidationError(_("Keep records for at least one year."))
        return years


class RetentionEditPage(FormPage):
    title = gettext_lazy("Change a retention period")
    form_class = RetentionForm
    policy = retention_policy
    success_message = gettext_lazy("Saved.")

    def get_object(self, request, pk):
        return get_object_or_404(RetentionRule, pk=pk)

    def save(self, request, form, obj):
        from tenants.care.audit import audit

        saved = form.save()
        audit(actor=request.user, action="change", subject="care.retention", reason=saved.record_type)
        return saved

    def success_url(self, request, saved):
        return reverse("care_records:retention")
