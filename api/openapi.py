"""OpenAPI post-processing: every operation documents the one error shape for its error codes."""

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


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["401", "403"]
            if method in ("post", "put", "patch"):
                codes.append("400")
            if "{" in next((p for p, v in result["paths"].items() if v is path), "") or method != "get":
                codes.append("404")
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": ref}}},
                )
    return result
