"""The Responses request body, its tools and tool_choice: spec conformance and tolerance."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from spec_tools import (
    FIXTURES,
    TOLERATED_OPTIONAL,
    Schema,
    example,
    flatten,
    openai_spec,
    openresponses_spec,
    ref_name,
    resolve,
    schemas,
    type_tags,
    union_member_names,
)
from wireshift import PayloadError
from wireshift._model import WireModel, union_members
from wireshift.responses._items import UnknownItem
from wireshift.responses._request import (
    ResponsesRequest,
    TextFormat,
    TextFormatJSONSchema,
    UnknownTextFormat,
)
from wireshift.responses._tool_choices import FunctionToolChoice, SpecificToolChoice
from wireshift.responses._tool_union import Tool
from wireshift.responses._tools import (
    CustomTool,
    CustomToolGrammarFormat,
    FunctionTool,
    NamespaceMember,
    NamespaceTool,
    ToolChoice,
    UnknownCustomToolFormat,
    UnknownTool,
    UnknownToolChoice,
    WebSearchTool,
    parse_tool,
)

TOOL_CHOICE: TypeAdapter[Any] = TypeAdapter(ToolChoice)
TEXT_FORMAT: TypeAdapter[Any] = TypeAdapter(TextFormat)

# (spec, schema name) pairs: each spec schema stands for one tagged union member.
Member = tuple[Schema, str]


def _branch_names(spec: Schema, schema: Schema) -> list[str]:
    """The object schemas a property's ``oneOf``/``anyOf`` (or its items') may hold."""
    schema = resolve(spec, schema)
    if schema.get("type") == "array":
        return _branch_names(spec, schema["items"])
    out: list[str] = []
    for branch in schema.get("oneOf", []) + schema.get("anyOf", []):
        name = ref_name(branch)
        if name is None:
            out.extend(_branch_names(spec, branch))
        elif "oneOf" in schemas(spec)[name] or "anyOf" in schemas(spec)[name]:
            out.extend(union_member_names(spec, name))
        else:
            out.append(name)
    name = ref_name(schema) if "$ref" in schema else None
    return out or ([name] if name else [])


def _objects(spec: Schema, names: list[str]) -> list[Member]:
    """The members among ``names`` that are objects with a ``type`` tag."""
    return [(spec, n) for n in names if type_tags(spec, n)]


def tool_members() -> list[Member]:
    oa, orr = openai_spec(), openresponses_spec()
    namespace_props, _ = flatten(oa, schemas(oa)["NamespaceToolParam"])
    return [
        *_objects(oa, union_member_names(oa, "Tool")),
        *_objects(oa, _branch_names(oa, namespace_props["tools"])),
        *_objects(orr, ["FunctionTool", "FunctionToolParam"]),
    ]


def tool_choice_members() -> list[Member]:
    oa, orr = openai_spec(), openresponses_spec()
    resource_props, _ = flatten(orr, schemas(orr)["ResponseResource"])
    return [
        *_objects(oa, union_member_names(oa, "ToolChoiceParam")),
        *_objects(orr, union_member_names(orr, "ToolChoiceParam")),
        *_objects(orr, _branch_names(orr, resource_props["tool_choice"])),
    ]


def text_format_members() -> list[Member]:
    oa, orr = openai_spec(), openresponses_spec()
    field_props, _ = flatten(orr, schemas(orr)["TextField"])
    return [
        *_objects(oa, union_member_names(oa, "TextResponseFormatConfiguration")),
        *_objects(orr, union_member_names(orr, "TextFormatParam")),
        *_objects(orr, _branch_names(orr, field_props["format"])),
    ]


def _field_aliases(model: type[WireModel]) -> dict[str, Any]:
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _missing_tags(members: list[Member], annotation: Any) -> list[str]:
    tags, _ = union_members(annotation)
    return sorted({t for spec, n in members for t in type_tags(spec, n)} - set(tags))


def _shape_problems(members: list[Member], annotation: Any) -> list[str]:
    """Every spec property declared; required exactly when every schema of the class
    requires it (and it is not tolerated as optional)."""
    tags, _ = union_members(annotation)
    by_class: dict[type[WireModel], list[Member]] = {}
    for spec, name in members:
        for tag in type_tags(spec, name):
            by_class.setdefault(tags[tag], []).append((spec, name))
    problems: list[str] = []
    for model, found in by_class.items():
        fields = _field_aliases(model)
        shapes = [flatten(spec, schemas(spec)[name]) for spec, name in found]
        required = set.intersection(*(req for _, req in shapes)) - {"type"} - TOLERATED_OPTIONAL
        for props, _ in shapes:
            for prop in props:
                if prop not in fields:
                    problems.append(f"{model.__name__}.{prop} not declared")
        for prop, field in fields.items():
            if prop != "type" and field.is_required() != (prop in required):
                problems.append(f"{model.__name__}.{prop} required={field.is_required()}")
    return sorted(set(problems))


def _property_example(spec: Schema, schema: Schema) -> Any:
    # Open Responses types JsonSchemaResponseFormat.schema as "null" alone; example() would
    # give "x" for it, which no reading of the spec allows.
    return None if resolve(spec, schema).get("type") == "null" else example(spec, schema)


def _examples(members: list[Member]) -> list[tuple[str, dict[str, Any]]]:
    """For every member and every tag: a minimal and a full payload (all properties)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for spec, name in members:
        props, required = flatten(spec, schemas(spec)[name])
        minimal = {k: _property_example(spec, props[k]) for k in sorted(required) if k in props}
        full = {k: _property_example(spec, v) for k, v in props.items()}
        for tag in type_tags(spec, name):
            out.append((tag, {**minimal, "type": tag}))
            out.append((tag, {**full, "type": tag}))
    return out


def _round_trip_problems(
    members: list[Member], annotation: Any, parse: Any, dump: Any
) -> list[str]:
    tags, fallback = union_members(annotation)
    problems = []
    for tag, payload in _examples(members):
        parsed = parse(payload)
        if type(parsed) is not tags[tag] or type(parsed) is fallback:
            problems.append(f"{tag}: parsed as {type(parsed).__name__}")
        elif dump(parsed) != payload:
            problems.append(f"{tag}: {payload} dumped as {dump(parsed)}")
    return problems


# --- tools ------------------------------------------------------------------------------


def test_every_tool_type_is_modelled() -> None:
    assert _missing_tags(tool_members(), Tool) == []


def test_namespace_members_are_modelled() -> None:
    oa = openai_spec()
    props, _ = flatten(oa, schemas(oa)["NamespaceToolParam"])
    members = _objects(oa, _branch_names(oa, props["tools"]))
    assert members, "the spec's namespace lists no member schemas"
    assert _missing_tags(members, NamespaceMember) == []


def test_tool_properties_match_the_specs() -> None:
    assert _shape_problems(tool_members(), Tool) == []


def test_tool_examples_round_trip() -> None:
    problems = _round_trip_problems(tool_members(), Tool, parse_tool, lambda t: t.to_dict())
    assert problems == []


def test_tool_examples_round_trip_as_json() -> None:
    for tag, payload in _examples(tool_members()):
        parsed = parse_tool(json.dumps(payload).encode())
        assert json.loads(parsed.to_json()) == payload, tag


def test_unknown_tool_is_kept_whole() -> None:
    payload = {"type": "hologram", "name": "h", "depth": {"levels": [1, 2]}}
    tool = parse_tool(payload)
    assert type(tool) is UnknownTool
    assert tool.to_dict() == payload


def test_known_tool_keeps_unknown_fields() -> None:
    payload = {"type": "function", "name": "f", "cache_control": {"type": "ephemeral"}}
    tool = parse_tool(payload)
    assert type(tool) is FunctionTool
    assert tool.extra_fields == {"cache_control": {"type": "ephemeral"}}
    assert tool.to_dict() == payload


def test_function_tool_without_parameters_or_strict_parses() -> None:
    tool = parse_tool({"type": "function", "name": "f"})
    assert isinstance(tool, FunctionTool)
    assert (tool.parameters, tool.strict) == (None, None)


def test_namespace_holds_typed_members_and_keeps_unknown_ones() -> None:
    members = [
        {"type": "function", "name": "spawn", "parameters": {"type": "object"}},
        {
            "type": "custom",
            "name": "patch",
            "format": {"type": "grammar", "syntax": "lark", "definition": "start: /.+/"},
        },
        {"type": "future_tool", "x": 1},
    ]
    payload = {"type": "namespace", "name": "agents", "description": "d", "tools": members}
    tool = parse_tool(payload)
    assert isinstance(tool, NamespaceTool)
    assert [type(t) for t in tool.tools] == [FunctionTool, CustomTool, UnknownTool]
    custom = tool.tools[1]
    assert isinstance(custom, CustomTool)
    assert isinstance(custom.format, CustomToolGrammarFormat)
    assert custom.format.definition == members[1]["format"]["definition"]  # type: ignore[index]
    assert tool.to_dict() == payload


def test_custom_tool_unknown_format_is_kept() -> None:
    payload = {"type": "custom", "name": "c", "format": {"type": "protobuf", "schema": "x"}}
    tool = parse_tool(payload)
    assert isinstance(tool, CustomTool)
    assert type(tool.format) is UnknownCustomToolFormat
    assert tool.to_dict() == payload


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"type": "function", "name": 5}, "name"),
        ({"type": "function"}, "name"),
        (
            {"type": "namespace", "name": "n", "description": "d", "tools": [{"type": "function"}]},
            "tools[0].name",
        ),
        (
            {"type": "custom", "name": "c", "format": {"type": "grammar", "syntax": "lark"}},
            "format.definition",
        ),
        ({"type": "mcp", "server_label": "s", "allowed_tools": [1]}, "allowed_tools[0]"),
        (
            {"type": "web_search", "filters": {"allowed_domains": "x.com"}},
            "filters.allowed_domains",
        ),
    ],
)
def test_malformed_tool_names_the_field(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_tool(payload)
    assert info.value.path == path


def test_tool_built_in_code_emits_its_type() -> None:
    tool = WebSearchTool(search_context_size="low")
    assert tool.to_dict() == {"type": "web_search", "search_context_size": "low"}
    assert parse_tool(tool.to_dict()).to_dict() == tool.to_dict()


# --- tool_choice ------------------------------------------------------------------------


def test_every_tool_choice_type_is_modelled() -> None:
    assert _missing_tags(tool_choice_members(), SpecificToolChoice) == []


def test_tool_choice_properties_match_the_specs() -> None:
    assert _shape_problems(tool_choice_members(), SpecificToolChoice) == []


def test_tool_choice_examples_round_trip() -> None:
    problems = _round_trip_problems(
        tool_choice_members(),
        SpecificToolChoice,
        TOOL_CHOICE.validate_python,
        lambda c: TOOL_CHOICE.dump_python(c, mode="json", by_alias=True, exclude_unset=True),
    )
    assert problems == []


def test_tool_choice_strings_stay_strings() -> None:
    oa, orr = openai_spec(), openresponses_spec()
    values = schemas(oa)["ToolChoiceOptions"]["enum"] + schemas(orr)["ToolChoiceValueEnum"]["enum"]
    assert values
    for value in [*values, "any"]:  # "any" is Anthropic's spelling: kept, not rejected
        assert ResponsesRequest.parse({"tool_choice": value}).tool_choice == value


def test_unknown_tool_choice_is_kept_whole() -> None:
    payload = {"type": "tool", "name": "x", "extra": [1]}
    choice = TOOL_CHOICE.validate_python(payload)
    assert type(choice) is UnknownToolChoice
    assert ResponsesRequest.parse({"tool_choice": payload}).to_dict() == {"tool_choice": payload}


def test_function_tool_choice_parses_typed() -> None:
    choice = ResponsesRequest.parse({"tool_choice": {"type": "function", "name": "f"}}).tool_choice
    assert isinstance(choice, FunctionToolChoice)
    assert choice.name == "f"


@pytest.mark.parametrize(
    ("tool_choice", "path"),
    [
        ({"type": "function", "name": 5}, "tool_choice.name"),
        ({"type": "custom"}, "tool_choice.name"),
        ({"type": "allowed_tools", "mode": "auto"}, "tool_choice.tools"),
        (5, "tool_choice"),
    ],
)
def test_malformed_tool_choice_names_the_field(tool_choice: Any, path: str) -> None:
    with pytest.raises(PayloadError) as info:
        ResponsesRequest.parse({"tool_choice": tool_choice})
    assert info.value.path == path


# --- text.format ------------------------------------------------------------------------


def test_every_text_format_is_modelled() -> None:
    assert _missing_tags(text_format_members(), TextFormat) == []


def test_text_format_properties_match_the_specs() -> None:
    assert _shape_problems(text_format_members(), TextFormat) == []


def test_text_format_examples_round_trip() -> None:
    problems = _round_trip_problems(
        text_format_members(),
        TextFormat,
        TEXT_FORMAT.validate_python,
        lambda f: f.to_dict(),
    )
    assert problems == []


def test_json_schema_format_keeps_its_schema_under_the_wire_name() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    payload = {
        "text": {"format": {"type": "json_schema", "name": "n", "schema": schema, "strict": True}}
    }
    request = ResponsesRequest.parse(payload)
    assert request.text is not None
    assert isinstance(request.text.format, TextFormatJSONSchema)
    assert request.text.format.schema_ == schema
    assert request.to_dict() == payload


def test_unknown_text_format_is_kept_whole() -> None:
    payload = {"text": {"format": {"type": "xml", "dtd": "x"}, "verbosity": "low"}}
    request = ResponsesRequest.parse(payload)
    assert request.text is not None
    assert type(request.text.format) is UnknownTextFormat
    assert request.to_dict() == payload


# --- the request body -------------------------------------------------------------------


def _request_schemas() -> list[Member]:
    return [(openai_spec(), "CreateResponse"), (openresponses_spec(), "CreateResponseBody")]


def test_every_request_property_is_declared() -> None:
    fields = _field_aliases(ResponsesRequest)
    missing = [
        f"{name}.{prop}"
        for spec, name in _request_schemas()
        for prop in flatten(spec, schemas(spec)[name])[0]
        if prop not in fields
    ]
    assert missing == []


def test_request_requires_only_what_the_specs_require() -> None:
    required = set.intersection(
        *(flatten(spec, schemas(spec)[name])[1] for spec, name in _request_schemas())
    )
    declared = {alias for alias, f in _field_aliases(ResponsesRequest).items() if f.is_required()}
    assert declared == required - TOLERATED_OPTIONAL


def test_empty_request_parses() -> None:
    assert ResponsesRequest.parse({}).to_dict() == {}


def test_request_examples_with_every_property_round_trip() -> None:
    for spec, name in _request_schemas():
        props, _ = flatten(spec, schemas(spec)[name])
        payload = {k: example(spec, v) for k, v in props.items()}
        assert ResponsesRequest.parse(payload).to_dict() == payload, name
        assert json.loads(ResponsesRequest.parse(json.dumps(payload)).to_json()) == payload


def test_request_with_every_tool_and_tool_choice_round_trips() -> None:
    tools = [payload for _, payload in _examples(tool_members())]
    for _, choice in _examples(tool_choice_members()):
        payload = {"model": "m", "input": "hi", "tools": tools, "tool_choice": choice}
        assert ResponsesRequest.parse(payload).to_dict() == payload


def test_request_keeps_unknown_fields() -> None:
    payload = {
        "model": "m",
        "input": "hi",
        "vendor_knob": {"a": 1},
        "reasoning": {"effort": "high", "budget": 9},
        "stream_options": {"include_obfuscation": False, "include_usage": True},
    }
    request = ResponsesRequest.parse(payload)
    assert request.extra_fields == {"vendor_knob": {"a": 1}}
    assert request.to_dict() == payload


def test_request_settings_are_typed() -> None:
    payload = {
        "reasoning": {"effort": "low", "summary": "auto"},
        "conversation": {"id": "conv_1"},
        "prompt": {"id": "pmpt_1", "variables": {"city": "Paris"}},
        "context_management": [{"type": "compaction", "compact_threshold": 2000}],
        "temperature": 1,
        "top_p": 0.5,
    }
    request = ResponsesRequest.parse(payload)
    assert request.reasoning is not None
    assert request.reasoning.effort == payload["reasoning"]["effort"]  # type: ignore[index]
    assert request.conversation is not None
    assert not isinstance(request.conversation, str)
    assert request.conversation.id == "conv_1"
    assert request.context_management is not None
    assert request.context_management[0].compact_threshold == 2000
    dumped = request.to_dict()
    assert dumped == payload
    assert isinstance(dumped["temperature"], int)


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"input": 5}, "input"),
        ({"input": [{"type": "message", "role": "user", "content": 5}]}, "input[0].content"),
        ({"tools": [{"type": "function", "name": "f", "strict": [True]}]}, "tools[0].strict"),
        ({"reasoning": {"effort": 3}}, "reasoning.effort"),
        ({"text": {"format": {"type": "json_schema", "schema": "x"}}}, "text.format.schema"),
        ({"conversation": {"name": "c"}}, "conversation.id"),
        ({"max_output_tokens": "many"}, "max_output_tokens"),
    ],
)
def test_malformed_request_names_the_field(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(PayloadError) as info:
        ResponsesRequest.parse(payload)
    assert info.value.path == path


# --- captured Codex requests ------------------------------------------------------------


def _codex_bodies() -> list[tuple[str, dict[str, Any]]]:
    paths = sorted(FIXTURES.glob("codex-*.json"))
    assert paths, f"no Codex fixtures in {FIXTURES}"
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))["body"]) for p in paths]


def test_codex_requests_round_trip() -> None:
    for name, body in _codex_bodies():
        assert ResponsesRequest.parse(body).to_dict() == body, name
        raw = json.dumps(body).encode()
        assert json.loads(ResponsesRequest.parse(raw).to_json()) == body, name


def test_codex_requests_parse_into_known_models() -> None:
    for name, body in _codex_bodies():
        request = ResponsesRequest.parse(body)
        assert request.tools is not None
        tools = list(request.tools)
        for tool in request.tools:
            if isinstance(tool, NamespaceTool):
                tools.extend(tool.tools)
        unknown = [t.type for t in tools if isinstance(t, UnknownTool)]
        assert unknown == [], name
        assert [t.type for t in tools] == [
            t["type"]
            for t in body["tools"] + [m for t in body["tools"] for m in t.get("tools", [])]
        ]
        assert isinstance(request.input, list)
        assert [type(i) for i in request.input if isinstance(i, UnknownItem)] == [], name
        assert request.client_metadata == body["client_metadata"]
