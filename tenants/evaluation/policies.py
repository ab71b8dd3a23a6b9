"""Who may see and change what in 监督评估.

Staff read indicator sets, assessments, improvement actions, commendations, questionnaires and
their summaries; the principal and the secretary manage everything. Answer links (which let
anyone answer) and individual answers are for managers only.
"""

from tenants.common.policy import ManagedPolicy
from tenants.common.roles import MANAGERS


class EvaluationPolicy(ManagedPolicy):
    """Staff read; principal and secretary write."""


class ManagersOnlyPolicy(ManagedPolicy):
    read_roles = MANAGERS


evaluation_policy = EvaluationPolicy()
# Links are credentials to answer; answers are only for managers to read one by one.
link_policy = ManagersOnlyPolicy()
answers_policy = ManagersOnlyPolicy()
