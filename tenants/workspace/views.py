from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from figures.school_view import school_vs_district
from tenants.workspace import dashboard
from tenants.workspace.attachments import attachment_get_for, attachment_open
from tenants.workspace.selectors import notifications_for
from tenants.workspace.services import notification_mark_read


@login_required
def home(request):
    context = dashboard.home_context(request.user)
    # The school against the district (figures.school_view): the leadership group only.
    context["vs_district"] = school_vs_district(request.user, getattr(request, "tenant", None))
    # Notices from the district (notices.selectors): the leadership group only.
    from notices.access import can_read_school
    from notices.selectors import home_card

    if can_read_school(request.user):
        context["district_notices"] = home_card(getattr(request, "tenant", None))
    return render(request, "workspace/home.html", context)


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
    """The one download view: a file is served only to someone who may see the object that owns it
    (404 otherwise, and for a file missing from storage)."""
    attachment = attachment_get_for(actor=request.user, public_id=file_id)
    return FileResponse(attachment_open(attachment), as_attachment=True, filename=attachment.name)
