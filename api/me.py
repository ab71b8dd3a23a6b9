"""Who am I: the smallest authenticated endpoint, served on both sites."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="public_id")
        username = serializers.CharField()
        full_name = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        site = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer, 401: ErrorSerializer}, operation_id="me")
    def get(self, request):
        tenant = getattr(request, "tenant", None)
        request.user.site = tenant.code if tenant is not None else "district"
        return Response(self.OutputSerializer(request.user).data)
