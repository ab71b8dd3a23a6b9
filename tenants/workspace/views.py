from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tenants.common.roles import STAFF
from tenants.workspace import dashboard
from tenants.workspace.models import Attachment
from tenants.workspace.selectors import notifications_for
from tenants.workspace.services import notification_mark_read


@login_required
def home(request):
    return render(request, "workspace/home.html", dashboard.home_context(request.user))


@login_required
def notifications(request):
    items = notifications_for(request.user)[:100]
    return render(request, "workspace/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    notification_mark_read(recipient=request.user)
    return redirect("workspace:notifications")


@login_required
def file_download(request, file_id):
    """Files are served only to this school's signed-in staff: the row lives in this school's schema,
    so another school's id is simply not found."""
    if not request.user.has_role(*STAFF):
        raise Http404
    attachment = get_object_or_404(Attachment, public_id=file_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
