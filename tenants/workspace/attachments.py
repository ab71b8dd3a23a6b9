"""Attachments, read through the object that owns them: a file is found only when its owner is
visible to the person under the owner's declared resource (shared.resources), and a file missing
from storage answers 404 like a missing row. The one download view and the one attachments API use
these."""

from django.http import Http404

from shared.resources import load_all, resource_for_model
from tenants.workspace.models import Attachment


def attachment_get_for(*, actor, public_id) -> Attachment:
    attachment = Attachment.objects.select_related("content_type").filter(public_id=public_id).first()
    if attachment is None:
        raise Http404
    load_all()
    model = attachment.content_type.model_class()
    resource = resource_for_model(model) if model is not None else None
    if resource is None or not resource.queryset(actor).filter(pk=attachment.object_id).exists():
        raise Http404
    return attachment


def attachment_open(attachment: Attachment):
    try:
        return attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
