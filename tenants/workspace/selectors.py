from django.contrib.contenttypes.models import ContentType

from tenants.workspace.models import Attachment, Notification


def attachments_for(subject):
    return list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
    )


def notifications_for(user, *, unread_only=False):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
