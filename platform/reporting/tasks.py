"""The export task: runs in the public schema and is sent with the export job's id only."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from reporting.models import ExportJob, ExportStatus

EXPORT_DIR = "reporting"


def export_path(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{job.public_id}.{job.fmt}"


@shared_task(name="reporting.export_build")
def export_build(job_id: int) -> str:
    from reporting import exports

    job = ExportJob.objects.select_related("form", "period").get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return job.status
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=5)
    try:
        submissions, left_out = exports.approved_schools(job.form, job.period, job.selection)
        ExportJob.objects.filter(pk=job.pk).update(
            included=[s.school.code for s in submissions], left_out=left_out, progress=10
        )

        def progress(done, total):
            ExportJob.objects.filter(pk=job.pk).update(progress=10 + int(80 * done / max(total, 1)))

        rows = exports.collect(job.form, job.period, submissions, progress=progress)
        content = exports.render(job.fmt, job.form, job.period, rows, left_out, submissions)
        path = export_path(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except Exception as exc:
        # The class name only: a message could quote data.
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        file=f"{EXPORT_DIR}/{path.name}",
        finished_at=timezone.now(),
    )
    return ExportStatus.DONE
