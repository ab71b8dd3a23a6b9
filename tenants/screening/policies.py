"""Who may do what in screening.

- Responses (answers, totals, bands): the care team only (clinical detail); everyone else finds nothing.
- Campaigns and the instrument registry: the principal and the care team read (coverage, no
  answers or bands); the care team writes.
"""

from shared.policy import Policy
from tenants.care.access import CARE_TEAM, STATUS_READERS, ClinicalPolicy


class ResponsePolicy(ClinicalPolicy):
    pass


class CampaignPolicy(Policy):
    read_roles = STATUS_READERS
    manage_roles = CARE_TEAM


class InstrumentPolicy(Policy):
    read_roles = STATUS_READERS
    manage_roles = CARE_TEAM


response_policy = ResponsePolicy()
campaign_policy = CampaignPolicy()
instrument_policy = InstrumentPolicy()
