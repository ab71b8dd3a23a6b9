"""Signals that shared/accounts sends, for the layers above it to act on without shared importing them.

`account_event_recorded` is sent with `event` (an AccountEvent) in the transaction that recorded it:
a receiver that writes (tenants.workspace notifies the principal and the care team) writes in the
same transaction, so the change, its record and its announcement commit or fail together.
"""

from django.dispatch import Signal

account_event_recorded = Signal()
