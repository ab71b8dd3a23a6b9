"""Thin generic API classes for school resources.

Each resource names its policy, selector (a read use case returning a queryset), serializers and
services. Lists are narrowed by the policy before anything else runs, so an object the caller may
not see answers 404, exactly like a missing one; a visible object the caller may not change
answers 403. Objects are addressed by UUID.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.errors import as_drf_validation_error


class ResourceSchema(AutoSchema):
    """Document what the views really do: requests take the input serializer, every response is
    the output serializer."""

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


class ResourceMixin:
    schema = ResourceSchema()
    policy = None
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    output_serializer = None
    input_serializer = None

    def selector(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.policy.visible(self.request.user, self.selector())

    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH"):
            return self.input_serializer or self.output_serializer
        return self.output_serializer

    def output(self, obj, code=status.HTTP_200_OK):
        return Response(self.output_serializer(obj, context=self.get_serializer_context()).data, status=code)


class ResourceListCreateApi(ResourceMixin, generics.ListCreateAPIView):
    """GET lists what the caller may see (paginated); POST creates through `create_service`."""

    def create_service(self, *, actor, data):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        if not self.policy.can_read(request.user):
            raise PermissionDenied()
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        if not self.policy.can_create(request.user):
            raise PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            obj = self.create_service(actor=request.user, data=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return self.output(obj, status.HTTP_201_CREATED)


class ResourceDetailApi(ResourceMixin, generics.RetrieveUpdateDestroyAPIView):
    """GET one; PATCH/PUT through `update_service`; DELETE through `delete_service`."""

    http_method_names = ["get", "patch", "delete", "head", "options"]

    def update_service(self, obj, *, actor, data):
        raise NotImplementedError

    def delete_service(self, obj, *, actor):
        obj.delete()

    def update(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.policy.can_change(request.user, obj):
            raise PermissionDenied()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            obj = self.update_service(obj, actor=request.user, data=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return self.output(obj)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.policy.can_delete(request.user, obj):
            raise PermissionDenied()
        try:
            self.delete_service(obj, actor=request.user)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


def documented(tag: str, input_serializer, output_serializer, parameters=()):
    """Tag a resource's views, name its list filters, and say that input and output serializers
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
