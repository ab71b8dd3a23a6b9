"""Curriculum and class sessions (课程体系), activities (活动), subject integration (学科融合),
publicity (宣传) and home-school work (家校合作)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared import calendar
from shared.models import AuthoredModel, one_of

GRADES = list(range(1, 13))
GRADE_CHOICES = [
    (1, _("Grade 1 (一年级)")),
    (2, _("Grade 2 (二年级)")),
    (3, _("Grade 3 (三年级)")),
    (4, _("Grade 4 (四年级)")),
    (5, _("Grade 5 (五年级)")),
    (6, _("Grade 6 (六年级)")),
    (7, _("Grade 7 (七年级)")),
    (8, _("Grade 8 (八年级)")),
    (9, _("Grade 9 (九年级)")),
    (10, _("Grade 10 (高一)")),
    (11, _("Grade 11 (高二)")),
    (12, _("Grade 12 (高三)")),
]
SCHOOL_YEAR_REGEX = r"^\d{4}-\d{4}$"


def grade_label(grade: int) -> str:
    return str(dict(GRADE_CHOICES).get(grade, grade))


# Named here too: the migrations refer to it by this path.
validate_school_year = calendar.validate_school_year


def _person_check(person, field: str) -> None:
    from tenants.common.roles import STAFF

    if person is not None and (not person.is_active or not person.has_role(*STAFF)):
        raise ValidationError({field: _("Choose an active staff account.")})


class CurriculumUnit(AuthoredModel):
    """A unit of the mental-health curriculum (课程体系) for one grade in one school year."""

    school_year = models.CharField(
        _("school year"),
        max_length=9,
        validators=[validate_school_year],
        help_text=_("For example 2026-2027"),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"))
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), default=1, help_text=_("Lessons planned for each class of the grade")
    )

    class Meta:
        verbose_name = _("curriculum unit")
        verbose_name_plural = _("curriculum units")
        ordering = ["school_year", "grade", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=12), name="unit_grade_1_to_12"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_sessions__gte=0), name="unit_planned_sessions_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(school_year__regex=SCHOOL_YEAR_REGEX), name="unit_school_year_format"
            ),
            models.UniqueConstraint(
                fields=["school_year", "grade", "title"], name="unit_title_once_per_grade_and_year"
            ),
        ]

    def __str__(self):
        return f"{self.school_year} {grade_label(self.grade)} {self.title}"


class ClassSession(AuthoredModel):
    """A lesson of a curriculum unit delivered to one class."""

    unit = models.ForeignKey(
        CurriculumUnit, verbose_name=_("curriculum unit"), on_delete=models.PROTECT, related_name="sessions"
    )
    class_name = models.CharField(_("class"), max_length=50, help_text=_("For example 七年级3班"))
    held_on = models.DateField(_("date"))
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["-held_on", "class_name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(class_name=""), name="session_class_named"),
        ]

    def __str__(self):
        return f"{self.class_name} {self.topic}"

    def clean(self):
        if self.teacher_id:
            _person_check(self.teacher, "teacher")


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture (讲座)")
    CLASS_MEETING = "class_meeting", _("Themed class meeting (主题班会)")
    PSYCHODRAMA = "psychodrama", _("Psychodrama (心理剧)")
    GROUP_COUNSELING = "group_counseling", _("Group counseling (团体辅导)")
    STRESS_WORKSHOP = "stress_workshop", _("Stress-management workshop (压力管理工作坊)")
    OTHER = "other", _("Other")


class Activity(AuthoredModel):
    """A mental-health activity (活动) with its audience and participation count."""

    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    audience_grades = ArrayField(
        models.PositiveSmallIntegerField(choices=GRADE_CHOICES),
        verbose_name=_("audience grades"),
        default=list,
        blank=True,
    )
    audience_classes = ArrayField(
        models.CharField(max_length=50),
        verbose_name=_("audience classes"),
        default=list,
        blank=True,
    )
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "title"]
        constraints = [
            models.CheckConstraint(condition=one_of("kind", ActivityKind.values), name="activity_kind_known"),
            models.CheckConstraint(
                condition=models.Q(participant_count__gte=0), name="activity_participants_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(audience_grades__contained_by=GRADES), name="activity_grades_1_to_12"
            ),
        ]
        indexes = [models.Index(fields=["held_on", "kind"])]

    def __str__(self):
        return self.title

    @property
    def audience_display(self) -> str:
        parts = [grade_label(g) for g in sorted(self.audience_grades or [])] + list(
            self.audience_classes or []
        )
        return "、".join(parts)

    def clean(self):
        if self.organiser_id:
            _person_check(self.organiser, "organiser")
        if self.audience_grades and any(g not in GRADES for g in self.audience_grades):
            raise ValidationError({"audience_grades": _("Grades are 1 to 12.")})
        if self.audience_classes:
            self.audience_classes = [c.strip() for c in self.audience_classes if c and c.strip()]


class Subject(models.TextChoices):
    CHINESE = "chinese", _("Chinese (语文)")
    MATHS = "maths", _("Mathematics (数学)")
    ENGLISH = "english", _("English (英语)")
    MORALITY_LAW = "morality_law", _("Morality and law (道德与法治)")
    PE = "pe", _("Physical education (体育)")
    ART = "art", _("Art (美术)")
    MUSIC = "music", _("Music (音乐)")
    SCIENCE = "science", _("Science (科学)")
    HISTORY = "history", _("History (历史)")
    OTHER = "other", _("Other")


class IntegrationLesson(AuthoredModel):
    """A lesson in another subject that integrates a mental-health theme (学科融合)."""

    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+"
    )
    class_name = models.CharField(_("class"), max_length=50, help_text=_("For example 七年级3班"))
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    reflection = models.TextField(_("reflection"), blank=True)

    class Meta:
        verbose_name = _("subject-integration lesson")
        verbose_name_plural = _("subject-integration lessons")
        ordering = ["-held_on", "class_name"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("subject", Subject.values), name="integration_subject_known"
            ),
        ]

    def __str__(self):
        return self.topic

    def clean(self):
        if self.teacher_id:
            _person_check(self.teacher, "teacher")


class Channel(models.TextChoices):
    RADIO = "radio", _("Campus radio (校园广播)")
    BOARD = "board", _("Bulletin board (宣传栏)")
    ONLINE = "online", _("Online platform (网络平台)")
    OTHER = "other", _("Other")


class PublicityCampaign(AuthoredModel):
    """Publicity (宣传) on one channel over a period."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    reach = models.PositiveIntegerField(_("reach"), default=0, help_text=_("How many people it reached"))

    class Meta:
        verbose_name = _("publicity campaign")
        verbose_name_plural = _("publicity campaigns")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("channel", Channel.values), name="campaign_channel_known"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"
            ),
            models.CheckConstraint(condition=models.Q(reach__gte=0), name="campaign_reach_not_negative"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must not be before the start date.")})


class ParentEventKind(models.TextChoices):
    LECTURE = "lecture", _("Parent lecture (家庭讲座)")
    TRAINING = "training", _("Parent training (家长培训)")


class ParentEvent(AuthoredModel):
    """A parent lecture or parent training session (家校合作)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ParentEventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    speaker = models.CharField(_("speaker"), max_length=100)
    invited_count = models.PositiveIntegerField(_("invited"), default=0)
    attendance_count = models.PositiveIntegerField(_("attended"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("parent lecture or training")
        verbose_name_plural = _("parent lectures and training")
        ordering = ["-held_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", ParentEventKind.values), name="parent_event_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(invited_count__gte=0), name="parent_event_invited_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(attendance_count__gte=0), name="parent_event_attendance_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(invited_count=0)
                | models.Q(attendance_count__lte=models.F("invited_count")),
                name="parent_event_attendance_within_invited",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if (
            self.invited_count
            and self.attendance_count is not None
            and self.attendance_count > self.invited_count
        ):
            raise ValidationError({"attendance_count": _("More people attended than were invited.")})
