"""Budget API: budget lines with spent / remaining / percent, spending records and their receipts."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.attachments import AttachmentOutput
from api.school.base import resource_urls
from api.school.fields import ref
from tenants.finance import selectors, services
from tenants.finance.models import BudgetLine, Spending
from tenants.finance.resources import budget_lines, spendings

MONEY = dict(max_digits=14, decimal_places=2, read_only=True)


class BudgetLineOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    spent = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY)
    percent = serializers.DecimalField(
        max_digits=9,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="已支出占预算的百分比；预算为 0 时为空",
    )
    over_budget = serializers.BooleanField(read_only=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "school_year",
            "category",
            "title",
            "amount",
            "notes",
            "spent",
            "remaining",
            "percent",
            "over_budget",
            "created_at",
            "updated_at",
        ]


class BudgetLineInput(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["school_year", "category", "title", "amount", "notes"]
        validators = []  # the unique constraint is checked by the model, as a named error


class SpendingOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    line = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    line_title = serializers.CharField(source="line.title", read_only=True)
    school_year = serializers.CharField(source="line.school_year", read_only=True)

    class Meta:
        model = Spending
        fields = [
            "id",
            "line",
            "line_title",
            "school_year",
            "spent_on",
            "amount",
            "payee",
            "purpose",
            "over_budget_reason",
            "created_at",
            "updated_at",
        ]


class SpendingInput(serializers.ModelSerializer):
    line = ref(BudgetLine)

    class Meta:
        model = Spending
        fields = ["line", "spent_on", "amount", "payee", "purpose", "over_budget_reason"]


class ReceiptUpload(serializers.Serializer):
    file = serializers.FileField()


@extend_schema(tags=["finance"])
class SpendingReceiptsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = AttachmentOutput

    def _spending(self, request, id):
        return spendings.get_for(request.user, id)

    @extend_schema(responses=AttachmentOutput(many=True))
    def get(self, request, id):
        spending = self._spending(request, id)
        return Response(AttachmentOutput(selectors.receipts_of(spending), many=True).data)

    @extend_schema(request={"multipart/form-data": ReceiptUpload}, responses={201: AttachmentOutput})
    def post(self, request, id):
        spending = self._spending(request, id)
        if not spendings.policy.can_change(request.user, spending):
            raise PermissionDenied()
        upload = ReceiptUpload(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        try:
            receipt = services.spending_receipt_add(
                spending, actor=request.user, upload=upload.validated_data["file"]
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict") and "receipt" in exc.error_dict:
                raise ValidationError({"file": exc.message_dict["receipt"]})
            raise _drf(exc)
        return Response(AttachmentOutput(receipt).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    *resource_urls(budget_lines, output=BudgetLineOutput, input=BudgetLineInput, tag="finance"),
    *resource_urls(spendings, output=SpendingOutput, input=SpendingInput, tag="finance"),
    path("spending-records/<uuid:id>/receipts/", SpendingReceiptsApi.as_view()),
]
