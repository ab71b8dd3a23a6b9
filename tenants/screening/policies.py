"""Who may do what in screening.

- Responses (answers, totals, bands): the care team only (clinical detail); everyone else finds nothing.
- Campaigns and the instrument registry: the principal and the care team read (coverage, no
  answers or bands); the care team writes.
"""

from tenants.care.access import ClinicalPolicy, StatusPolicy


class ResponsePolicy(ClinicalPolicy):
    pass


response_policy = ResponsePolicy()
campaign_policy = StatusPolicy()
instrument_policy = StatusPolicy()
