"""One API for attachments: a file's details, found only when its owner is visible to the caller
under the owner's declared resource (404 otherwise, like a missing file). The file itself downloads
from `url`, the one download view, which asks the same question. Uploads stay with their owners'
operations (a spending record's receipts, an activity's files)."""

from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from tenants.workspace.attachments import attachment_get_for


class AttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text="下载地址（同一下载入口，按所属记录的权限判断）")
    created_at = serializers.DateTimeField(read_only=True)

    def get_url(self, attachment) -> str:
        return reverse("workspace:file", args=[attachment.public_id])


@extend_schema(
    tags=["attachments"],
    responses={
        200: AttachmentOutput,
        404: OpenApiResponse(ErrorSerializer, description="不存在，或无权查看其所属记录"),
    },
)
class AttachmentDetailApi(APIView):
    def get(self, request, id):
        attachment = attachment_get_for(actor=request.user, public_id=id)
        return Response(AttachmentOutput(attachment).data)


urlpatterns = [path("attachments/<uuid:id>/", AttachmentDetailApi.as_view(), name="api-attachment")]
