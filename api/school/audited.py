"""API reads of students' sensitive data, audited: a list writes one "list" event, a detail read one
"view" event naming the student. Mix in before the resource base class and set `audit_subject`."""

from tenants.care.audit import audit


class AuditedList:
    audit_subject = ""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit(actor=request.user, action="list", subject=self.audit_subject)
        return response


class AuditedDetail:
    audit_subject = ""

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        audit(actor=request.user, action="view", subject=self.audit_subject, student=obj.student, obj=obj)
        return self.output(obj)
