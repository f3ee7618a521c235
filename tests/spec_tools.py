"""Reading the two OpenAPI specs for conformance tests: the extracts in ``tests/data/spec``
(made from the full specs by ``tests/data/spec/extract.py``, which records each source
commit), and the captured Codex requests in ``tests/data/fixtures``. Both ship with the
repository, so a clone runs every conformance test.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
SPEC_DIR = DATA / "spec"
FIXTURES = DATA / "fixtures"

Schema = dict[str, Any]


@cache
def _load(name: str) -> Schema:
    loaded: Schema = json.loads((SPEC_DIR / name).read_text(encoding="utf-8"))
    return loaded


def openai_spec() -> Schema:
    return _load("openai-openapi.json")


def openresponses_spec() -> Schema:
    return _load("openresponses-openapi.json")


def schemas(spec: Schema) -> dict[str, Schema]:
    found: dict[str, Schema] = spec["components"]["schemas"]
    return found


def resolve(spec: Schema, schema: Schema) -> Schema:
    """Follow ``$ref`` links until a schema body."""
    while "$ref" in schema:
        schema = schemas(spec)[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def ref_name(schema: Schema) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def union_member_names(spec: Schema, name: str) -> list[str]:
    """Names of the object schemas a union schema stands for, nested unions flattened."""
    out: list[str] = []
    body = schemas(spec)[name]
    branches = body.get("anyOf") or body.get("oneOf")
    if not branches:
        return [name]
    for branch in branches:
        member = ref_name(branch)
        if member is None:
            continue
        inner = schemas(spec)[member]
        if "anyOf" in inner or "oneOf" in inner:
            out.extend(union_member_names(spec, member))
        else:
            out.append(member)
    return list(dict.fromkeys(out))


def flatten(spec: Schema, schema: Schema) -> tuple[dict[str, Schema], set[str]]:
    """All properties and required names of an object schema, ``allOf`` merged."""
    schema = resolve(spec, schema)
    props: dict[str, Schema] = dict(schema.get("properties", {}))
    required: set[str] = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        more_props, more_required = flatten(spec, part)
        props.update(more_props)
        required |= more_required
    return props, required


def const_values(spec: Schema, schema: Schema) -> list[str]:
    """The string values a property may take when it is a constant or an enum."""
    schema = resolve(spec, schema)
    if "const" in schema:
        return [schema["const"]]
    if "enum" in schema:
        return [v for v in schema["enum"] if isinstance(v, str)]
    values: list[str] = []
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        values.extend(const_values(spec, branch))
    return values


def type_tags(spec: Schema, name: str, key: str = "type") -> list[str]:
    """The ``type`` values an object schema may carry."""
    props, _ = flatten(spec, schemas(spec)[name])
    return const_values(spec, props[key]) if key in props else []


def example(spec: Schema, schema: Schema, depth: int = 0) -> Any:
    """A minimal instance of ``schema``: required properties only, first usable branch."""
    schema = resolve(spec, schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if resolve(spec, b).get("type") != "null"]
            return example(spec, branches[0], depth + 1) if branches else None
    if "allOf" in schema or schema.get("type") == "object" or "properties" in schema:
        props, required = flatten(spec, schema)
        if depth > 12:
            return {}
        return {k: example(spec, props[k], depth + 1) for k in sorted(required) if k in props}
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "array":
        items = schema.get("items")
        return [example(spec, items, depth + 1)] if items and depth <= 12 else []
    return {"string": "x", "integer": 1, "number": 1.5, "boolean": True}.get(kind or "", "x")


# Fields the spec marks required that real providers omit or null. Our models declare every
# one of them but make them optional, so such payloads still parse; everything else the spec
# requires stays required. One list for every area, so the rule lives in one place.
TOLERATED_OPTIONAL = frozenset(
    {
        # identifiers and bookkeeping that providers and proxies leave out
        "id",
        "item_id",
        "object",
        "created",
        "created_at",
        "completed_at",
        "model",
        "status",
        "system_fingerprint",
        "sequence_number",
        "output_index",
        "content_index",
        "summary_index",
        "index",
        "obfuscation",
        # nullable-required fields that providers drop instead of sending null
        "logprobs",
        "annotations",
        "refusal",
        "finish_reason",
        "usage",
        "output",
        "error",
        "incomplete_details",
        "summary",
        "content",
    }
)
