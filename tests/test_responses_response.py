"""The Response object: spec conformance, tolerance of partial responses, and to_resource()."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from spec_tools import (
    TOLERATED_OPTIONAL,
    Schema,
    example,
    flatten,
    openai_spec,
    openresponses_spec,
    resolve,
    schemas,
)
from wireshift import PayloadError
from wireshift.responses._response import (
    RESOURCE_FIELDS,
    Response,
    ResponseError,
    ResponseUsage,
)

# `output_text` is an SDK-side convenience in the OpenAI spec; here it is a read-only
# property computed from `output`, not a field.
COMPUTED = {"output_text"}


def _response_schemas() -> list[tuple[Schema, str]]:
    return [(openai_spec(), "Response"), (openresponses_spec(), "ResponseResource")]


def _aliases() -> dict[str, Any]:
    return {(f.alias or name): f for name, f in Response.model_fields.items()}


def _resource_schema() -> Schema:
    return schemas(openresponses_spec())["ResponseResource"]


def _spec_example(spec: Schema, name: str) -> dict[str, Any]:
    found: dict[str, Any] = copy.deepcopy(schemas(spec)[name]["example"])
    return found


def _message(text: str, index: int = 0) -> dict[str, Any]:
    """An output message shaped after the Open Responses example, with ``text``."""
    source: dict[str, Any] = _spec_example(openresponses_spec(), "ResponseResource")["output"][0]
    source["id"] = f"{source['id']}_{index}"
    source["content"][0]["text"] = text
    return source


# --- conformance ------------------------------------------------------------------------


def test_every_response_property_is_declared() -> None:
    fields = _aliases()
    missing = [
        f"{name}.{prop}"
        for spec, name in _response_schemas()
        for prop in flatten(spec, schemas(spec)[name])[0]
        if prop not in fields and prop not in COMPUTED
    ]
    assert missing == []


def test_every_response_field_is_optional() -> None:
    # Lifecycle events carry partial responses, so nothing is required, including what the
    # specs require (tolerated or not).
    assert [a for a, f in _aliases().items() if f.is_required()] == []
    required = set.union(*(flatten(s, schemas(s)[n])[1] for s, n in _response_schemas()))
    assert required - TOLERATED_OPTIONAL, "the specs require fields; this test would be vacuous"


def test_resource_fields_match_the_open_responses_spec() -> None:
    schema = _resource_schema()
    assert list(RESOURCE_FIELDS) == schema["required"]
    assert list(RESOURCE_FIELDS) == [p for p in schema["properties"] if p in schema["required"]]
    assert len(RESOURCE_FIELDS) == 31


def test_spec_examples_round_trip() -> None:
    for spec, name in _response_schemas():
        payload = _spec_example(spec, name)
        response = Response.parse(payload)
        assert response.to_dict() == payload, name
        assert json.loads(Response.parse(json.dumps(payload)).to_json()) == payload, name


_SHAPE_KEYS = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "properties"}


def _minimal(spec: Schema, name: str) -> dict[str, Any]:
    """Required properties only. A property with no schema at all (Open Responses'
    ``metadata``) gets an empty object, the only thing both specs accept."""
    props, required = flatten(spec, schemas(spec)[name])
    return {
        k: example(spec, props[k]) if _SHAPE_KEYS & set(props[k]) else {} for k in sorted(required)
    }


def test_minimal_spec_examples_round_trip() -> None:
    for spec, name in _response_schemas():
        payload = _minimal(spec, name)
        assert Response.parse(payload).to_dict() == payload, name


def test_spec_example_output_text() -> None:
    for spec, name in _response_schemas():
        payload = _spec_example(spec, name)
        expected = "".join(
            part["text"]
            for item in payload["output"]
            if item["type"] == "message"
            for part in item["content"]
            if part["type"] == "output_text"
        )
        assert expected
        assert Response.parse(payload).output_text == expected


# --- tolerance --------------------------------------------------------------------------


def test_empty_response_parses() -> None:
    response = Response.parse({})
    assert response.output == []
    assert response.to_dict() == {}


def test_absent_output_reads_as_empty_and_is_not_dumped() -> None:
    payload = {"id": "resp_1", "object": "response", "status": "in_progress"}
    response = Response.parse(payload)
    assert response.output == []
    assert response.output_text == ""
    assert response.to_dict() == payload


def test_null_output_reads_as_empty() -> None:
    assert Response.parse({"id": "r", "output": None}).output == []


def test_null_error_and_details_round_trip() -> None:
    payload = {"id": "r", "error": None, "incomplete_details": None, "usage": None}
    response = Response.parse(payload)
    assert response.error is None
    assert response.to_dict() == payload


@pytest.mark.parametrize(
    "usage",
    [
        {"input_tokens": 3},
        {"output_tokens": 2, "total_tokens": 5},
        {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5, "input_tokens_details": {}},
        {"prompt_tokens": 3, "completion_tokens": 2},
    ],
)
def test_partial_usage_parses(usage: dict[str, Any]) -> None:
    response = Response.parse({"usage": usage})
    assert isinstance(response.usage, ResponseUsage)
    assert response.to_dict() == {"usage": usage}


def test_error_keeps_provider_fields() -> None:
    payload = {"error": {"code": "overloaded", "message": "busy", "type": "server", "param": None}}
    response = Response.parse(payload)
    assert isinstance(response.error, ResponseError)
    assert response.error.extra_fields == {"type": "server", "param": None}
    assert response.to_dict() == payload


def test_unknown_fields_and_items_are_kept() -> None:
    payload = {
        "id": "r",
        "provider_stats": {"latency_ms": 12},
        "output": [{"type": "hologram", "id": "h1", "depth": 3}],
        "tools": [{"type": "hologram_tool", "x": 1}],
        "text": {"format": {"type": "xml"}},
    }
    assert Response.parse(payload).to_dict() == payload


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"usage": {"input_tokens": "many"}}, "usage.input_tokens"),
        ({"status": 3}, "status"),
        ({"error": {"message": ["x"]}}, "error.message"),
        ({"output": {"type": "message"}}, "output"),
        ({"tools": [{"type": "function"}]}, "tools[0].name"),
        ({"object": "chat.completion"}, "object"),
    ],
)
def test_malformed_response_names_the_field(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(PayloadError) as info:
        Response.parse(payload)
    assert info.value.path == path


def test_response_built_in_code_emits_its_object_tag() -> None:
    assert Response(id="r").to_dict() == {"id": "r", "object": "response"}


# --- output_text ------------------------------------------------------------------------


def test_output_text_joins_messages_and_skips_other_items() -> None:
    texts = ["Hello", ", ", "world"]
    call = {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "f",
        "arguments": "{}",
        "status": "completed",
    }
    first = _message(texts[0], 0)
    first["content"].append({"type": "refusal", "refusal": "no"})
    first["content"].append({**first["content"][0], "text": texts[1]})
    output = [first, call, _message(texts[2], 1)]
    response = Response.parse({"output": output})
    assert response.output_text == "".join(texts)


# --- to_resource ------------------------------------------------------------------------


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    spec = openresponses_spec()
    root = {"$ref": "#/components/schemas/ResponseResource", "components": spec["components"]}
    return jsonschema.Draft202012Validator(root)


def _nullable(schema: Schema) -> bool:
    schema = resolve(openresponses_spec(), schema)
    branches = schema.get("anyOf", []) + schema.get("oneOf", [])
    return schema.get("type") == "null" or any(_nullable(b) for b in branches)


def _partial_responses() -> list[dict[str, Any]]:
    oa, orr = openai_spec(), openresponses_spec()
    tool = {"type": "function", "name": "f", "parameters": {"type": "object"}}
    return [
        {},
        {"id": "resp_1", "object": "response", "status": "in_progress", "model": "m"},
        {"id": "resp_1", "output": [_message("hi")], "usage": {"input_tokens": 3}},
        {"id": "resp_1", "error": None, "usage": {"output_tokens": 1, "input_tokens_details": {}}},
        {"id": "resp_1", "error": {"message": "upstream closed"}},
        {"id": "resp_1", "error": {"code": "server_error", "message": "x", "type": "server"}},
        {"id": "resp_1", "incomplete_details": {"reason": "max_output_tokens"}},
        {"id": "resp_1", "incomplete_details": {}},
        {"reasoning": {"summary": "auto"}, "text": {"verbosity": "low"}, "tools": [tool]},
        {"temperature": None, "top_p": None, "parallel_tool_calls": None, "metadata": None},
        {"text": {"format": None}, "tool_choice": {"type": "function", "name": "f"}},
        {"created_at": 1741476777, "completed_at": 1741476778, "status": "completed"},
        _spec_example(orr, "ResponseResource"),
        _spec_example(oa, "Response"),
    ]


def test_to_resource_validates_against_the_open_responses_schema() -> None:
    validator = _validator()
    for payload in _partial_responses():
        resource = Response.parse(payload).to_resource()
        body = json.loads(resource.to_json())
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == [], payload


def test_to_resource_sets_all_fields_and_keeps_what_was_set() -> None:
    for payload in _partial_responses():
        original = Response.parse(payload)
        body = original.to_resource().to_dict()
        assert set(RESOURCE_FIELDS) <= set(body), payload
        for key, value in payload.items():
            if isinstance(value, (str, int, float, bool, list)) and key != "tools":
                assert body[key] == value, key
        assert original.to_dict() == payload  # the original is untouched


def test_to_resource_nulls_only_nullable_fields() -> None:
    props = _resource_schema()["properties"]
    body = Response().to_resource().to_dict()
    for name in RESOURCE_FIELDS:
        if not _nullable(props[name]):
            assert body[name] is not None, name


def test_to_resource_nulls_unset_nullable_fields() -> None:
    props = _resource_schema()["properties"]
    body = Response().to_resource().to_dict()
    # `metadata` has no schema at all in Open Responses; it reads as {} like in OpenAI.
    nullable = [n for n in RESOURCE_FIELDS if _nullable(props[n]) and n != "metadata"]
    assert nullable
    assert {n: body[n] for n in nullable} == dict.fromkeys(nullable)


def test_to_resource_infers_status() -> None:
    assert Response(error=ResponseError(message="x")).to_resource().status == "failed"
    incomplete = Response.parse({"incomplete_details": {"reason": "max_output_tokens"}})
    assert incomplete.to_resource().status == "incomplete"
    assert Response.parse({"status": "in_progress"}).to_resource().status == "in_progress"


def test_to_resource_completes_partial_usage() -> None:
    usage = Response.parse({"usage": {"input_tokens": 3, "output_tokens": 4}}).to_resource().usage
    assert usage is not None
    assert usage.total_tokens == 3 + 4
    assert usage.input_tokens_details is not None
    assert usage.input_tokens_details.cached_tokens == 0
