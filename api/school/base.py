"""The API of school resources, built from their declarations (shared.resources.Resource).

`resource_urls(resource, output=..., input=..., tag=...)` gives a declared resource its list/create
and detail/update/delete pair. Lists are narrowed by the policy before anything else runs, so an
object the caller may not see answers 404, exactly like a missing one; a visible object the caller
may not change answers 403. Filters (and their documented query parameters), audit events and the
reload after a write all come from the declaration. Objects are addressed by UUID.

Hand-written views (operations that are not plain create/read/update/delete) may still use the
base classes with `policy` and `selector()` of their own.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.errors import as_drf_validation_error

_FILTER_TYPES = {"uuid": OpenApiTypes.UUID, "date": OpenApiTypes.DATE}
# What the API also takes for yes/no filters, as it always did.
_SPELLINGS = {"bool": ("true", "false", "1", "0"), "flag": ("true", "1")}


def filter_parameters(filters) -> list[OpenApiParameter]:
    """A declaration's filters as OpenAPI query parameters: the same definition as the page's."""
    params = []
    for flt in filters:
        static = flt.kind in ("choice", "bool", "flag") and not callable(flt.choices)
        params.append(
            OpenApiParameter(
                flt.name,
                _FILTER_TYPES.get(flt.kind, OpenApiTypes.STR),
                description=str(flt.label),
                enum=list(dict.fromkeys([*(str(v) for v, _l in flt.choices), *_SPELLINGS.get(flt.kind, ())]))
                if static
                else None,
            )
        )
    return params


class ResourceSchema(AutoSchema):
    """Document what the views really do: requests take the input serializer, every response is the
    output serializer, and list filters come from the declaration. The error codes each operation
    can answer are added for every view alike by api.openapi.add_error_responses."""

    def get_request_serializer(self):
        view = self.view
        return getattr(view, "input_serializer", None) or getattr(view, "output_serializer", None)

    def get_response_serializers(self):
        if self.method == "DELETE":
            return None
        serializer = self.view.output_serializer
        if self._is_list_view(serializer):
            return serializer(many=True)
        return serializer

    def get_override_parameters(self):
        params = super().get_override_parameters()
        resource = getattr(self.view, "resource", None)
        if resource is not None and self.method == "GET" and self._is_list_view():
            params = [*params, *filter_parameters(resource.filters)]
        return params


class ResourceMixin:
    schema = ResourceSchema()
    resource = None  # shared.resources.Resource
    policy = None  # hand-written views only
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    output_serializer = None
    input_serializer = None

    def get_policy(self):
        return self.resource.policy if self.resource is not None else self.policy

    def selector(self):
        if self.resource is None:
            raise NotImplementedError
        return self.resource.selector()

    def get_queryset(self):
        return self.get_policy().visible(self.request.user, self.selector())

    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH"):
            return self.input_serializer or self.output_serializer
        return self.output_serializer

    def reload(self, obj):
        """After a write, the object as the declaration's selector reads it."""
        return self.resource.reload(obj) if self.resource is not None else obj

    def output(self, obj, code=status.HTTP_200_OK):
        return Response(self.output_serializer(obj, context=self.get_serializer_context()).data, status=code)


class ResourceListCreateApi(ResourceMixin, generics.ListCreateAPIView):
    """GET lists what the caller may see (paginated, filtered by the declaration's filters and audited
    when the declaration says so); POST creates through the declared service."""

    def create_service(self, *, actor, data):
        if self.resource is None or self.resource.create is None:
            raise NotImplementedError
        return self.resource.create(actor=actor, **data)

    def get_queryset(self):
        if self.resource is None or self.request.method != "GET":
            return super().get_queryset()
        queryset, _active, _errors = self.resource.filtered(
            self.request, self.request.query_params, strict=True
        )
        return queryset

    def list(self, request, *args, **kwargs):
        if not self.get_policy().can_read(request.user):
            raise PermissionDenied()
        response = super().list(request, *args, **kwargs)
        if self.resource is not None:
            self.resource.audit_list(request.user)
        return response

    def create(self, request, *args, **kwargs):
        if not self.get_policy().can_create(request.user):
            raise PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            obj = self.create_service(actor=request.user, data=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return self.output(self.reload(obj), status.HTTP_201_CREATED)


class ResourceDetailApi(ResourceMixin, generics.RetrieveUpdateDestroyAPIView):
    """GET one (audited when the declaration says so); PATCH through the update service; DELETE
    through the delete service."""

    http_method_names = ["get", "patch", "delete", "head", "options"]

    def update_service(self, obj, *, actor, data):
        if self.resource is None or self.resource.update is None:
            raise NotImplementedError
        return self.resource.update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        if self.resource is not None and self.resource.delete is not None:
            return self.resource.delete(obj, actor=actor)
        obj.delete()

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        if self.resource is not None:
            self.resource.audit_read(request.user, obj)
        return self.output(obj)

    def update(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.get_policy().can_change(request.user, obj):
            raise PermissionDenied()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            saved = self.update_service(obj, actor=request.user, data=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return self.output(self.reload(saved if saved is not None else obj))

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.get_policy().can_delete(request.user, obj):
            raise PermissionDenied()
        try:
            self.delete_service(obj, actor=request.user)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


def documented(tag: str, input_serializer, output_serializer, parameters=()):
    """Tag a resource's views, name extra list parameters, and say that input and output serializers
    differ, in the OpenAPI document."""

    def wrap(cls):
        if issubclass(cls, ResourceListCreateApi):
            return extend_schema_view(
                get=extend_schema(tags=[tag], parameters=list(parameters)),
                post=extend_schema(tags=[tag], request=input_serializer, responses={201: output_serializer}),
            )(cls)
        return extend_schema_view(
            get=extend_schema(tags=[tag]),
            patch=extend_schema(tags=[tag], request=input_serializer, responses=output_serializer),
            delete=extend_schema(tags=[tag]),
        )(cls)

    return wrap


class _PatchInput:
    """Detail views whose PATCH takes an input of its own (for example without the student: a record
    stays with its student)."""

    patch_serializer = None

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "PATCH" and self.patch_serializer:
            return self.patch_serializer
        return super().get_serializer_class()


def resource_api(
    resource, *, output, input=None, tag: str, list_base=None, detail_base=None, patch_input=None
):
    """The list/create and detail classes of a declared resource. Only the operations the declaration
    has services for are offered. `patch_input` is PATCH's own input serializer, when it differs
    from create's. `list_base` / `detail_base` subclass the generic classes for the rare resource
    that needs a hook of its own."""
    read = ["get", "head", "options"]
    list_methods = [*read, "post"] if resource.create else read
    detail_methods = list(read)
    if resource.update:
        detail_methods.append("patch")
    if resource.delete:
        detail_methods.append("delete")
    attrs = {"resource": resource, "output_serializer": output, "input_serializer": input, "__doc__": None}
    name = "".join(part.title() for part in resource.name.replace("_", "-").split("-"))
    list_cls = type(
        f"{name}ListApi", (list_base or ResourceListCreateApi,), {**attrs, "http_method_names": list_methods}
    )
    detail_cls = type(
        f"{name}DetailApi",
        (detail_base or ResourceDetailApi,),
        {**attrs, "http_method_names": detail_methods},
    )
    body = input or output
    if patch_input is not None:
        detail_cls = type(
            detail_cls.__name__, (_PatchInput, detail_cls), {"patch_serializer": patch_input, "__doc__": None}
        )
    return documented(tag, body, output)(list_cls), documented(tag, patch_input or body, output)(detail_cls)


def resource_urls(resource, *, output, input=None, tag: str, prefix: str | None = None, **bases):
    """URL patterns for a declared resource: `<prefix>/` and `<prefix>/<uuid:id>/`."""
    list_cls, detail_cls = resource_api(resource, output=output, input=input, tag=tag, **bases)
    prefix = prefix or resource.name
    return [path(f"{prefix}/", list_cls.as_view()), path(f"{prefix}/<uuid:id>/", detail_cls.as_view())]


def read_only_urls(resource, *, output, tag: str, prefix: str | None = None, **bases):
    """URL patterns for a declared resource nobody creates through the API: POST answers 403 (its
    policy refuses everyone), as a list/create pair always did, rather than 405."""
    list_cls, detail_cls = resource_api(resource, output=output, tag=tag, **bases)
    list_cls.http_method_names = [*list_cls.http_method_names, "post"]
    prefix = prefix or resource.name
    return [path(f"{prefix}/", list_cls.as_view()), path(f"{prefix}/<uuid:id>/", detail_cls.as_view())]
