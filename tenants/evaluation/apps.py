from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "tenants.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation, questionnaires and commendations")
    default_auto_field = "django.db.models.BigAutoField"
