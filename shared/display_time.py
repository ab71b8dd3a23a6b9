"""Pages show times in Asia/Shanghai; storage and computation stay in UTC."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


class DisplayTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)

    def __call__(self, request):
        timezone.activate(self.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def school_today():
    """Today's date where the schools are, in a request or in a background job alike (a job runs
    with UTC active, which is yesterday's date for the first eight hours of a Chinese day)."""
    return timezone.localdate(timezone=ZoneInfo(settings.DISPLAY_TIME_ZONE))
