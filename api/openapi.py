"""OpenAPI post-processing: every operation documents the one error shape for the error codes it can
answer, derived from what the code does rather than written per endpoint, so it cannot drift.

The rules (`error_codes`), each from the view or its generated operation:
- 401 and 403: every operation needs a signed-in caller whom the view's policy may refuse;
- 400: a request body is validated (POST, PUT, PATCH); a DELETE goes through a service that may
  refuse it with a field error (a student, a class or a campaign is archived instead); a GET with
  query parameters beyond the page number refuses a bad filter value;
- 404: the path names an object (missing or not the caller's); a paginated list answers 404 for a
  page past the end (the paginator's rule); a write may name related objects the caller may not see.
Codes an operation documents itself (drf-spectacular's `responses`, api.school.base.ResourceSchema)
are kept as they are.
"""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
_DESCRIPTIONS = {
    "400": "输入有误（按字段说明）",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "不存在，或不属于本校",
}
_WHY = {
    ("400", "filter"): "查询参数有误（按字段说明）",
    ("400", "delete"): "不能删除（按字段说明，例如应改为归档）",
    ("404", "page"): "不存在，或不属于本校；或页码超出范围",
}


def _page_parameters(view_cls) -> set[str]:
    """The query parameters of the view's paginator (DRF's page number, limit/offset or cursor)."""
    pagination = getattr(view_cls, "pagination_class", None)
    if pagination is None:
        return set()
    names = (
        "page_query_param",
        "page_size_query_param",
        "limit_query_param",
        "offset_query_param",
        "cursor_query_param",
    )
    return {value for name in names if (value := getattr(pagination, name, None))}


def error_codes(path: str, method: str, operation: dict, view_cls) -> dict[str, str]:
    """{code: reason} for the errors this operation can answer."""
    query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    paging = _page_parameters(view_cls) & query
    codes = {"401": "", "403": ""}
    if method in ("post", "put", "patch"):
        codes["400"] = ""
    if method == "delete":
        codes["400"] = "delete"
    if method == "get" and query - paging:
        codes["400"] = "filter"
    if paging:
        codes["404"] = "page"
    elif "{" in path or method != "get":
        codes["404"] = ""
    return codes


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    views = {
        (path, method.lower()): getattr(callback, "cls", None)
        for path, _r, method, callback in generator.endpoints or ()
    }
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, why in error_codes(path, method, operation, views.get((path, method))).items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": _WHY.get((code, why), _DESCRIPTIONS[code]),
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
