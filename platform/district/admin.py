"""The district console (Django admin on the district site). New schools go through school_create."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from district.models import Domain, School
from district.services import school_build, school_create

admin.site.site_header = _("Xinyu district console")
admin.site.site_title = _("Xinyu district console")
admin.site.index_title = _("Schools and settings")


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


@admin.register(School)
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
