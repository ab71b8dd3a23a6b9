"""The district console (Django admin on the district site). New schools go through school_create."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_app_label

from district.models import Domain, School
from district.services import school_build, school_create


class DistrictConsole(admin.AdminSite):
    """Django's admin for the district host, which is the public schema and no school.

    The district host's request carries `tenant = None` (shared.tenancy.middleware), and
    django-tenants' admin templates (index, app list, nav sidebar) read `request.tenant.schema_name`
    unless the request has no `tenant` at all, which they take as the public schema. The console's
    views therefore see a request without the attribute. Models whose tables exist only in school
    schemas are left out: the public schema has no table for them.
    """

    site_header = _("Xinyu district console")
    site_title = _("Xinyu district console")
    index_title = _("Schools and settings")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def public_schema_view(request, *args, **kwargs):
            if getattr(request, "tenant", None) is None and hasattr(request, "tenant"):
                del request.tenant
            return inner(request, *args, **kwargs)

        return public_schema_view

    def adopt_registrations(self):
        """Take over what other apps registered with Django's default site (auth groups, API tokens,
        sign-in records), except models that live only in school schemas. Called once every admin
        module is imported, when the district URLconf loads."""
        public_apps = {get_app_label(app) for app in settings.SHARED_APPS}
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label in public_apps and not self.is_registered(model):
                self.register(model, type(model_admin))
        return self


# Named "admin" so that the admin's own `admin:` URL names keep working.
console = DistrictConsole(name="admin")


class SchoolCreateForm(forms.ModelForm):
    admin_name = forms.CharField(label=_("school administrator's name"), max_length=50)
    admin_email = forms.EmailField(label=_("school administrator's email"))

    class Meta:
        model = School
        fields = ["code", "name", "school_type", "number", "student_count"]

    def _post_clean(self):
        # The service's own validation, so its errors show inline beside each field.
        data = self.cleaned_data
        if self.errors:
            return
        try:
            school_build(
                **{k: data.get(k) for k in ("code", "name", "school_type", "number", "student_count")}
            )
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errs)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    readonly_fields = ["domain", "is_primary"]
    can_delete = False


@admin.register(School, site=console)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "code", "school_type", "student_count", "status", "created_at"]
    list_filter = ["school_type", "status"]
    search_fields = ["name", "code", "number"]
    inlines = [DomainInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SchoolCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["code", "name", "school_type", "number", "student_count", "admin_name", "admin_email"]
        return ["code", "name", "school_type", "number", "student_count", "status", "schema_name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "schema_name"] if obj is not None else []

    def get_inlines(self, request, obj):
        return [DomainInline] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Schools are archived, never deleted from the console.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        result = school_create(
            code=data["code"],
            name=data["name"],
            school_type=data["school_type"],
            number=data["number"],
            student_count=data["student_count"],
            admin_name=data["admin_name"],
            admin_email=data["admin_email"],
        )
        form.instance = result.school
        obj.pk = result.school.pk
        messages.success(
            request,
            _(
                "School %(name)s is ready in %(ms).0f ms. Send its administrator this one-time link to set a password: %(link)s"
            )
            % {"name": result.school.name, "ms": result.seconds * 1000, "link": result.set_password_url},
        )
