"""Check API responses against the OpenAPI document that drf-spectacular generates."""

import functools
import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


@functools.cache
def school_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator(urlconf="config.urls_school").get_schema(request=None, public=True)


def _path_template(schema: dict, path: str) -> str | None:
    path = path.split("?")[0]
    # Literal segments win over parameters: /students/import/ is not /students/{id}/.
    for template in sorted(schema["paths"], key=lambda t: t.count("{")):
        pattern = "^" + re.sub(r"\{[^/]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    return None


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0 marks nullable fields with `nullable`; JSON Schema wants a type list."""
    if isinstance(node, dict):
        node = {k: _openapi_to_jsonschema(v) for k, v in node.items()}
        # drf-spectacular writes a blank-able email as oneOf(email, empty string); without format
        # checking both match "", so read oneOf as anyOf.
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            elif "$ref" in node or "allOf" in node or "anyOf" in node:
                node = {"anyOf": [{k: v for k, v in node.items()}, {"type": "null"}]}
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        return node
    if isinstance(node, list):
        return [_openapi_to_jsonschema(v) for v in node]
    return node


def assert_matches_schema(response, method: str | None = None):
    """The response's status is documented for its operation and its body fits the schema."""
    schema = school_schema()
    request = response.wsgi_request
    path = request.path
    method = (method or request.method).lower()
    template = _path_template(schema, path)
    assert template, f"{path} is not in the OpenAPI document"
    operation = schema["paths"][template].get(method)
    assert operation, f"{method.upper()} {template} is not documented"
    code = str(response.status_code)
    documented = operation["responses"].get(code)
    assert documented, f"{method.upper()} {template} answered {code}, which is not documented"
    if response.status_code == 204:
        return
    content = (documented.get("content") or {}).get("application/json")
    assert content, f"{method.upper()} {template} {code} has no JSON schema"
    root = _openapi_to_jsonschema({"components": schema.get("components", {})})
    resource = Resource.from_contents(root, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:openapi", resource)
    body_schema = _openapi_to_jsonschema(content["schema"])
    body_schema = _rebase(body_schema)
    validator = Draft202012Validator(body_schema, registry=registry)
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method.upper()} {template} {code}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )


def _rebase(node):
    if isinstance(node, dict):
        return {
            k: (v.replace("#/components", "urn:openapi#/components") if k == "$ref" else _rebase(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node
