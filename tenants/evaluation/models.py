"""监督评估: indicator sets and periodic self-assessments, improvement actions that become ledger
tasks, questionnaires answered through one-time links, and commendations (表彰先进)."""

import re
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.models import AuthoredModel, PublicModel, one_of
from tenants.common.choices import Term

SCORE_MAX = Decimal("100")
SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")


def check_school_year(value: str) -> None:
    match = SCHOOL_YEAR_RE.match(value or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(_("Write the school year as two consecutive years, e.g. 2026-2027."))


# ---------------------------------------------------------------------------------------------
# Indicators and self-assessments


class IndicatorSet(AuthoredModel):
    """评估指标体系: the indicators a school assesses its mental-health work against."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("indicator set (评估指标体系)")
        verbose_name_plural = _("indicator sets")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Indicator(PublicModel):
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("indicator set"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The target is either a number with a unit (e.g. 100 %, 2 次/学期) or a text target.
    target_value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("target unit"), max_length=20, blank=True)
    target_text = models.CharField(_("target (text)"), max_length=300, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["indicator_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "name"], name="indicator_name_once_per_set"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="indicator_weight_not_negative"),
            models.CheckConstraint(
                condition=(models.Q(target_value__isnull=False) & models.Q(target_text=""))
                | (
                    models.Q(target_value__isnull=True) & ~models.Q(target_text="") & models.Q(target_unit="")
                ),
                name="indicator_target_number_or_text",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def target_display(self) -> str:
        if self.target_value is not None:
            value = f"{self.target_value.normalize():f}"
            return f"{value} {self.target_unit}".strip()
        return self.target_text

    def clean(self):
        errors = {}
        has_value = self.target_value is not None
        has_text = bool((self.target_text or "").strip())
        if has_value and has_text:
            errors["target_text"] = _("Give either a number target or a text target, not both.")
        elif not has_value and not has_text:
            errors["target_value"] = _("Give a target: a number (with its unit) or a text.")
        if not has_value and self.target_unit:
            errors["target_unit"] = _("A unit only goes with a number target.")
        if self.weight is not None and self.weight < 0:
            errors["weight"] = _("The weight cannot be negative.")
        if errors:
            raise ValidationError(errors)


class SelfAssessment(AuthoredModel):
    """自评: one assessment of an indicator set for one period (school year and term)."""

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("indicator set"), on_delete=models.PROTECT, related_name="assessments"
    )
    school_year = models.CharField(_("school year"), max_length=9, validators=[check_school_year])
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    assessed_on = models.DateField(_("assessment date"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("self-assessment (自评)")
        verbose_name_plural = _("self-assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "school_year", "term"], name="assessment_once_per_set_and_period"
            ),
            models.CheckConstraint(condition=one_of("term", Term.values), name="assessment_term_known"),
        ]

    def __str__(self):
        return f"{self.indicator_set} · {self.period}"

    @property
    def period(self) -> str:
        return f"{self.school_year} {self.get_term_display()}"


class IndicatorScore(PublicModel):
    """The score of one indicator in one assessment: 0 to 100 (the weight is applied when the total
    is derived), with the evidence for it; attachments hang off this row."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    evidence = models.TextField(_("evidence"), blank=True)
    # Deleting a score deletes its evidence files' rows with it.
    attachments = GenericRelation("workspace.Attachment")

    class Meta:
        verbose_name = _("indicator score")
        ordering = ["indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="score_once_per_indicator"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=100), name="score_0_to_100"
            ),
        ]

    def clean(self):
        if self.score is not None and not (0 <= self.score <= SCORE_MAX):
            raise ValidationError({"score": _("A score is between 0 and 100.")})
        if (
            self.assessment_id
            and self.indicator_id
            and self.indicator.indicator_set_id != self.assessment.indicator_set_id
        ):
            raise ValidationError(
                {"indicator": _("This indicator is not part of the assessment's indicator set.")}
            )


class ImprovementAction(AuthoredModel):
    """整改措施 arising from an assessment; each one is carried out as a ledger task."""

    assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.PROTECT, related_name="actions"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due date"))
    task = models.OneToOneField(
        "ledger.Task",
        verbose_name=_("ledger task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_action",
    )

    class Meta:
        verbose_name = _("improvement action (整改措施)")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if (
            self.indicator_id
            and self.assessment_id
            and self.indicator.indicator_set_id != self.assessment.indicator_set_id
        ):
            raise ValidationError(
                {"indicator": _("This indicator is not part of the assessment's indicator set.")}
            )
        if self.due_on and self.assessment_id and self.due_on < self.assessment.assessed_on:
            raise ValidationError({"due_on": _("The due date cannot be before the assessment date.")})


# ---------------------------------------------------------------------------------------------
# Questionnaires


class Audience(models.TextChoices):
    STAFF = "staff", _("Staff (教职工)")
    PARENTS = "parents", _("Parents (家长)")
    STUDENTS = "students", _("Students (学生)")


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Questionnaire(AuthoredModel):
    """问卷, answered without an account through one-time links."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )

    class Meta:
        verbose_name = _("questionnaire (问卷)")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("audience", Audience.values), name="questionnaire_audience_known"
            ),
            models.CheckConstraint(
                condition=one_of("status", QuestionnaireStatus.values), name="questionnaire_status_known"
            ),
        ]

    def __str__(self):
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    TEXT = "text", _("Text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
TEXT_MAX_LIMIT = 2000


class Question(PublicModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("question type"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("required"), default=True)
    scale_min = models.SmallIntegerField(_("scale from"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale to"), null=True, blank=True)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=30, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=30, blank=True)
    max_length = models.PositiveSmallIntegerField(_("longest answer (characters)"), default=500)

    class Meta:
        verbose_name = _("question")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "order"], name="question_order_once"),
            models.CheckConstraint(condition=one_of("kind", QuestionKind.values), name="question_kind_known"),
            models.CheckConstraint(
                condition=~models.Q(kind="scale")
                | (models.Q(scale_min__isnull=False) & models.Q(scale_max__gt=models.F("scale_min"))),
                name="question_scale_has_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_length__gte=1) & models.Q(max_length__lte=TEXT_MAX_LIMIT),
                name="question_max_length_range",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def scale_values(self) -> list[int]:
        if self.kind != QuestionKind.SCALE or self.scale_min is None or self.scale_max is None:
            return []
        return list(range(self.scale_min, self.scale_max + 1))

    def clean(self):
        errors = {}
        if self.kind == QuestionKind.SCALE:
            if self.scale_min is None:
                errors["scale_min"] = _("A scale needs its lowest value.")
            if self.scale_max is None:
                errors["scale_max"] = _("A scale needs its highest value.")
            elif self.scale_min is not None and self.scale_max <= self.scale_min:
                errors["scale_max"] = _("The highest value must be above the lowest.")
            elif self.scale_min is not None and self.scale_max - self.scale_min > 10:
                errors["scale_max"] = _("A scale has at most 11 points.")
        if self.max_length is not None and not (1 <= self.max_length <= TEXT_MAX_LIMIT):
            errors["max_length"] = _("Between 1 and %(limit)s characters.") % {"limit": TEXT_MAX_LIMIT}
        if errors:
            raise ValidationError(errors)


class Option(PublicModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveIntegerField(_("order"))
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["question", "order"]
        constraints = [models.UniqueConstraint(fields=["question", "order"], name="option_order_once")]

    def __str__(self):
        return self.text


class AnswerLink(AuthoredModel):
    """One link, one answer, like a screening link (shared.links): the token is random and shown
    once, when the link is made; only its SHA-256 is stored, and the link works until
    `expires_at`."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")
        ordering = ["id"]

    def __str__(self):
        return self.label or f"#{self.pk}"


class Response(PublicModel):
    """One submitted questionnaire. Anonymous: it records which link was used and when, nothing
    about the person."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    # At most one answer per link, enforced by the database.
    link = models.OneToOneField(AnswerLink, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["submitted_at", "id"]


class Answer(models.Model):
    """One answer to one question. A multiple-choice question has one row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "option"],
                condition=models.Q(option__isnull=False),
                name="answer_option_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=models.Q(option__isnull=True),
                name="answer_value_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(option__isnull=False) & models.Q(number__isnull=True) & models.Q(text=""))
                | (models.Q(option__isnull=True) & models.Q(number__isnull=False) & models.Q(text=""))
                | (models.Q(option__isnull=True) & models.Q(number__isnull=True) & ~models.Q(text="")),
                name="answer_one_kind_of_value",
            ),
        ]


# ---------------------------------------------------------------------------------------------
# Commendations


class CommendationLevel(models.TextChoices):
    SCHOOL = "school", _("School (校级)")
    DISTRICT = "district", _("District (区级)")
    CITY = "city", _("City (市级)")
    PROVINCE = "province", _("Province (省级)")


class Commendation(AuthoredModel):
    """表彰: a commendation of a staff member (by account) or of a student or class (by name)."""

    title = models.CharField(_("title"), max_length=200)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_name = models.CharField(_("student or class"), max_length=100, blank=True)
    awarded_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    level = models.CharField(
        _("level"), max_length=10, choices=CommendationLevel.choices, default=CommendationLevel.SCHOOL
    )

    class Meta:
        verbose_name = _("commendation (表彰)")
        verbose_name_plural = _("commendations")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("level", CommendationLevel.values), name="commendation_level_known"
            ),
            models.CheckConstraint(
                condition=(models.Q(recipient_user__isnull=False) & models.Q(recipient_name=""))
                | (models.Q(recipient_user__isnull=True) & ~models.Q(recipient_name="")),
                name="commendation_one_recipient",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def recipient_display(self) -> str:
        return self.recipient_user.display_name if self.recipient_user_id else self.recipient_name

    def clean(self):
        has_user = self.recipient_user_id is not None
        has_name = bool((self.recipient_name or "").strip())
        if has_user and has_name:
            raise ValidationError({"recipient_name": _("Choose a staff account or write a name, not both.")})
        if not has_user and not has_name:
            raise ValidationError(
                {"recipient_name": _("Choose a staff account or write the student's or class's name.")}
            )
