"""One error shape for the whole API:

{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"field": ["..."]}}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def _flatten(detail, prefix=""):
    fields = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten(value, name))
    elif isinstance(detail, list) and detail and all(isinstance(d, dict) for d in detail):
        for index, item in enumerate(detail):
            fields.update(_flatten(item, f"{prefix}[{index}]"))
    else:
        items = detail if isinstance(detail, list) else [detail]
        fields[prefix or "non_field_errors"] = [str(i) for i in items]
    return fields


def as_drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A model or service ValidationError as DRF's, keeping its field names."""
    return exceptions.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        body["message"] = "输入有误，请按字段提示修改。"
        body["fields"] = _flatten(exc.detail)
        body["code"] = "invalid"
    else:
        detail = getattr(exc, "detail", "")
        body["message"] = str(detail)
        if hasattr(detail, "code"):
            body["code"] = detail.code
    response.data = {"error": body}
    return response
