"""Who sees and changes rooms, bookings and materials."""

from tenants.common.policy import ManagedPolicy, Policy
from tenants.common.roles import STAFF


class BookingPolicy(Policy):
    """Staff read all bookings and book rooms; they change or cancel their own bookings.
    The principal and the secretary manage every booking."""

    def can_create(self, user) -> bool:
        return user.is_authenticated and user.has_role(*STAFF)

    def can_change(self, user, obj) -> bool:
        if super().can_change(user, obj):
            return True
        return user.is_authenticated and user.has_role(*STAFF) and obj.booked_by_id == user.pk

    def can_delete(self, user, obj) -> bool:
        # Staff cancel their own bookings; only managers remove a booking altogether.
        return Policy.can_change(self, user, obj)


room_policy = ManagedPolicy()
booking_policy = BookingPolicy()
material_policy = ManagedPolicy()
stock_policy = ManagedPolicy()
