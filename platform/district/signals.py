"""Keep the host routing cache true to the registry."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from district.models import Domain, School
from shared.tenancy.routing import forget_hosts, forget_school


@receiver(post_save, sender=School)
@receiver(post_delete, sender=School)
def _school_changed(sender, instance, **kwargs):
    forget_school(instance.pk)
    # Again after commit: a request between the write and the commit may have cached the old row.
    transaction.on_commit(lambda: forget_school(instance.pk))


@receiver(pre_save, sender=Domain)
def _domain_renamed(sender, instance, **kwargs):
    if instance.pk:
        old = Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first()
        if old and old != instance.domain:
            forget_hosts([old])


@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def _domain_changed(sender, instance, **kwargs):
    forget_hosts([instance.domain])
    transaction.on_commit(lambda: forget_hosts([instance.domain]))
