"""District figures over the API (district host only): disclosure-controlled cells and the catalog.

Every value comes from figures.selectors.published(), so a withheld cell reads `value: null,
suppressed: true` here exactly as on the pages and in the exports. The district admin and the
district analyst may read; any other district account is refused (403), as the school API refuses a
role without read rights. School accounts' tokens are unknown on this host (401).

Rows are paginated like every list of the API (`count`, `next`, `previous`, `results`), 1,000 to a
page by default; `page_size` asks for up to 20,000 (a whole table of 1,000 schools x 13 categories).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from figures.access import can_read_figures
from figures.models import DataElement, Period
from figures.selectors import periods_with_data, published

TAG = "figures"


class CanReadFigures(BasePermission):
    def has_permission(self, request, view):
        return can_read_figures(request.user)


class RowPagination(PageNumberPagination):
    page_size = 1000
    page_size_query_param = "page_size"
    max_page_size = 20000


class MetricsApi(APIView):
    """One element in one period: a row per school and breakdown, the district's first."""

    permission_classes = [CanReadFigures]
    pagination_class = RowPagination

    class QuerySerializer(serializers.Serializer):
        period = serializers.CharField(max_length=20)
        element = serializers.CharField(max_length=60)

        def validate_period(self, code):
            period = Period.objects.filter(code=code).first()
            if period is None:
                raise ValidationError(_("Unknown period: %(code)s.") % {"code": code})
            return period

        def validate_element(self, code):
            element = DataElement.objects.filter(code=code).first()
            if element is None:
                raise ValidationError(_("Unknown data element: %(code)s.") % {"code": code})
            return element

    class RowSerializer(serializers.Serializer):
        school = serializers.CharField(help_text='a school\'s code, or "district" for the district roll-up')
        breakdown = serializers.CharField(
            allow_blank=True, help_text='"" for the total over all categories, else the category\'s code'
        )
        value = serializers.DecimalField(
            max_digits=None, decimal_places=4, coerce_to_string=False, allow_null=True,
            help_text="null when withheld (or not reported)",
        )  # fmt: skip
        suppressed = serializers.BooleanField(help_text="true when withheld by disclosure control")

    @extend_schema(
        tags=[TAG],
        operation_id="metrics_list",
        description=(
            "Disclosure-controlled rows of one data element in one period: the district's rows first "
            '(school "district"), then every school that reported, by code; each has its total '
            '(breakdown "") and a row per category. A withheld value is null with suppressed true. '
            "Paginated: count, next, previous, results (1,000 rows a page; page_size up to 20,000)."
        ),
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, required=True, description="period code, e.g. 2026-2027-1"
            ),
            OpenApiParameter("element", OpenApiTypes.STR, required=True, description="data element code"),
            OpenApiParameter("page", OpenApiTypes.INT, description="page number"),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="rows per page (1,000; at most 20,000)"
            ),
        ],
        responses={200: RowSerializer(many=True)},
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = published(query.validated_data["period"], query.validated_data["element"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(self.RowSerializer(page, many=True).data)


class _Breakdown(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _Element(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    value_type = serializers.ChoiceField(choices=["count", "measure", "rate", "median"])
    counts_students = serializers.BooleanField(
        help_text="only elements that count students get small-cell rules"
    )
    breakdowns = _Breakdown(many=True, source="categories")

    class Meta:
        ref_name = "MetricsElement"


class _Period(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["month", "term", "year"])
    start = serializers.DateField()
    end = serializers.DateField()

    class Meta:
        ref_name = "MetricsPeriod"


class CatalogSerializer(serializers.Serializer):
    elements = _Element(many=True)
    periods = _Period(many=True, help_text="only periods that have data")
    k = serializers.IntegerField(help_text="the small-cell threshold in force")

    class Meta:
        ref_name = "MetricsCatalog"


class CatalogApi(APIView):
    """The data elements, the periods that have data, and the k in force."""

    permission_classes = [CanReadFigures]

    @extend_schema(tags=[TAG], operation_id="metrics_catalog", responses={200: CatalogSerializer})
    def get(self, request):
        catalog = {
            "elements": DataElement.objects.all(),
            "periods": periods_with_data(),
            "k": max(5, int(settings.DISCLOSURE_K)),
        }
        return Response(CatalogSerializer(catalog).data)
