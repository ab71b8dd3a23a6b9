"""Forms of the counseling pages. The rules are the services'; the forms offer only what the
person may choose (visible active students, counselors, live bookings, rooms in use)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import ServiceEntry
from shared.accounts.models import User
from tenants.counseling import selectors
from tenants.counseling.models import IssueCategory
from tenants.resources.models import CounselingRoom, RoomBooking
from tenants.students.models import Student

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StudentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.school_class} · {obj.student_number}）"


class BookingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        return f"{obj.room.name} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


class SessionForm(forms.Form):
    student = StudentChoice(label=_("Student"), queryset=Student.objects.none())
    counselor = PersonChoice(label=_("Counselor"), queryset=User.objects.none())
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=240, initial=50
    )
    category = forms.ChoiceField(label=_("Issue category"), choices=IssueCategory.choices)
    booking = BookingChoice(
        label=_("Room booking"),
        queryset=RoomBooking.objects.none(),
        required=False,
        help_text=_("An existing booking of a counseling room (optional)."),
    )
    room = forms.ModelChoiceField(
        label=_("Or book a room"),
        queryset=CounselingRoom.objects.none(),
        required=False,
        help_text=_("Books the room for the session; a room already booked then is refused."),
    )
    booking_starts_at = forms.DateTimeField(
        label=_("Booking starts"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Empty: when the session starts."),
    )
    booking_ends_at = forms.DateTimeField(
        label=_("Booking ends"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Empty: when the session ends."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Encrypted; only the care team reads them."),
    )
    follow_up_on = forms.DateField(label=_("Follow-up date"), widget=DATE, required=False)

    def __init__(self, *args, user=None, editing=False, booking_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = selectors.students_for(user)
        self.fields["counselor"].queryset = selectors.counselors()
        bookings = selectors.open_bookings()
        if booking_id:  # the session's own booking stays choosable, however old
            bookings = (
                (bookings | RoomBooking.objects.filter(pk=booking_id))
                .select_related("room")
                .order_by("starts_at")
            )
        self.fields["booking"].queryset = bookings
        self.fields["room"].queryset = CounselingRoom.objects.filter(is_active=True).order_by("name")
        if editing:
            del self.fields["student"]  # a record stays with its student


class InstitutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_kind_display()}）"


class ReferralForm(forms.Form):
    student = StudentChoice(label=_("Student"), queryset=Student.objects.none())
    institution_entry = InstitutionChoice(
        label=_("Medical institution"),
        queryset=ServiceEntry.objects.filter(active=True),
        help_text=_(
            "From the service directory: the district's entries and your school's own. "
            "Add a local entry to the directory if the institution is missing."
        ),
    )
    referred_on = forms.DateField(label=_("Referred on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = selectors.students_for(user)
        if editing:
            del self.fields["student"]  # a record stays with its student


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback received"), widget=forms.Textarea(attrs={"rows": 4}))
    feedback_on = forms.DateField(label=_("Feedback received on"), widget=DATE)

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)


class ReturnPlanForm(forms.Form):
    return_plan = forms.CharField(label=_("Return-to-school plan"), widget=forms.Textarea(attrs={"rows": 4}))
    return_on = forms.DateField(label=_("Back at school on"), widget=DATE)

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)


class PlanForm(forms.Form):
    student = StudentChoice(
        label=_("Student"),
        queryset=Student.objects.none(),
        help_text=_("Students at elevated attention or above without an active plan."),
    )
    owner = PersonChoice(
        label=_("Owner"),
        queryset=User.objects.none(),
        help_text=_("The person responsible: a counselor, or the homeroom teacher."),
    )
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}))
    supports = forms.CharField(label=_("Supports"), widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=7, max_value=180, initial=30
    )

    def __init__(self, *args, user=None, editing=False, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["student"]
            del self.fields["starts_on"]
            # The owner reads the plan: the care team or this student's homeroom teacher.
            student = plan.student if plan is not None else None
            self.fields["owner"].queryset = selectors.plan_owner_choices(student=student)
        else:
            students = selectors.students_needing_a_plan(user)
            self.fields["student"].queryset = students
            self.fields["owner"].queryset = selectors.plan_owner_choices(students=students)


class ReviewForm(forms.Form):
    progress = forms.CharField(label=_("Progress check"), widget=forms.Textarea(attrs={"rows": 4}))
    next_due_on = forms.DateField(
        label=_("Next review on"),
        widget=DATE,
        required=False,
        help_text=_("Empty: after the plan's review interval."),
    )
