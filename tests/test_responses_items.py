"""Responses API content parts and items: spec conformance, round-trips, tolerance, errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, get_args

import pytest

import spec_tools as st
from wireshift import InvalidJSONError, PayloadError
from wireshift._model import WireModel, union_members
from wireshift.responses import (
    AdditionalTools,
    Annotation,
    ApplyPatchCall,
    ApplyPatchCreateFile,
    ApplyPatchDeleteFile,
    ApplyPatchUpdateFile,
    ComputerScreenshot,
    ContentPart,
    FunctionCall,
    FunctionCallOutput,
    InputAudio,
    InputAudioData,
    InputText,
    Item,
    ItemReference,
    LocalShellAction,
    LogProb,
    Message,
    OutputText,
    ReasoningItem,
    ShellAction,
    ShellOutputChunk,
    TopLogProb,
    UnknownAnnotation,
    UnknownApplyPatchOperation,
    UnknownContentPart,
    UnknownItem,
    UrlCitation,
    parse_content_part,
    parse_item,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pydantic import BaseModel

Schema = dict[str, Any]
Covered = list[tuple[str, Schema, str]]  # (spec label, spec, schema name)

ITEM_TAGS, _ = union_members(Item)
PART_TAGS, _ = union_members(ContentPart)

# The unions whose members are items, per spec. Beta unions only add the tags that exist
# nowhere else (the multi-agent items); their other members duplicate the stable schemas.
ITEM_UNIONS = {
    "openai": ["InputItem", "OutputItem", "ItemResource", "Item", "ItemField", "ConversationItem"],
    "openresponses": ["ItemField", "ItemParam"],
}
BETA_ITEM_UNIONS = ["BetaInputItem", "BetaOutputItem", "BetaItemResource", "BetaItemField"]
CONTENT_UNIONS = {
    "openai": [
        "Content",
        "InputContent",
        "OutputContent",
        "OutputMessageContent",
        "FunctionAndCustomToolCallOutput",
    ],
    "openresponses": [],
}
# Properties of items whose array elements are content parts.
PART_LISTS = ("content", "summary", "output")


def _specs() -> dict[str, Schema]:
    return {"openai": st.openai_spec(), "openresponses": st.openresponses_spec()}


def _branches(spec: Schema, schema: Schema) -> Iterator[str]:
    """Names of the object schemas a (possibly nested) union schema stands for."""
    name = st.ref_name(schema)
    body = st.resolve(spec, schema)
    inner = body.get("anyOf") or body.get("oneOf")
    if inner:
        for branch in inner:
            yield from _branches(spec, branch)
    elif name is not None:
        yield name


def item_schemas() -> dict[str, Covered]:
    """Every item schema of both specs, grouped by ``type`` tag."""
    out: dict[str, Covered] = {}
    for label, spec in _specs().items():
        for union in ITEM_UNIONS[label]:
            for name in st.union_member_names(spec, union):
                for tag in st.type_tags(spec, name):
                    out.setdefault(tag, []).append((label, spec, name))
    spec = st.openai_spec()
    for union in BETA_ITEM_UNIONS:
        for name in st.union_member_names(spec, union):
            for tag in st.type_tags(spec, name):
                if tag not in out or all(n.startswith("Beta") for _, _, n in out[tag]):
                    out.setdefault(tag, []).append(("openai", spec, name))
    return {tag: _unique(covered) for tag, covered in out.items()}


def _unique(covered: Covered) -> Covered:
    seen: dict[tuple[str, str], tuple[str, Schema, str]] = {}
    for label, spec, name in covered:
        seen.setdefault((label, name), (label, spec, name))
    return list(seen.values())


def part_schemas() -> dict[str, Covered]:
    """Every content part schema: the named content unions, and every part list of every item."""
    found: Covered = []
    for label, spec in _specs().items():
        for union in CONTENT_UNIONS[label]:
            found += [(label, spec, n) for n in st.union_member_names(spec, union)]
    for covered in item_schemas().values():
        for label, spec, name in covered:
            props, _ = st.flatten(spec, st.schemas(spec)[name])
            for key in PART_LISTS:
                for branch in _array_items(spec, props.get(key)):
                    found += [(label, spec, n) for n in _branches(spec, branch)]
    openai = st.openai_spec()
    # Audio parts appear in eval items only; wireshift takes them anywhere.
    found.append(("openai", openai, "InputAudio"))
    out: dict[str, Covered] = {}
    for label, spec, name in found:
        tags = st.type_tags(spec, name)
        for tag in tags:  # part lists of shell outputs hold untagged objects: not parts
            out.setdefault(tag, []).append((label, spec, name))
    return {tag: _unique(covered) for tag, covered in out.items()}


def _array_items(spec: Schema, prop: Schema | None) -> list[Schema]:
    if prop is None:
        return []
    body = st.resolve(spec, prop)
    if body.get("type") == "array" and "items" in body:
        return [body["items"]]
    out: list[Schema] = []
    for branch in body.get("anyOf", []) + body.get("oneOf", []):
        out += _array_items(spec, branch)
    return out


def annotation_schemas() -> dict[str, Covered]:
    """Every annotation schema: the named unions and the ``annotations`` of every part."""
    found: Covered = []
    for label, spec in _specs().items():
        found += [(label, spec, n) for n in _branches(spec, {"$ref": "#/x/Annotation"})]
    for covered in part_schemas().values():
        for label, spec, name in covered:
            props, _ = st.flatten(spec, st.schemas(spec)[name])
            for branch in _array_items(spec, props.get("annotations")):
                found += [(label, spec, n) for n in _branches(spec, branch)]
    out: dict[str, Covered] = {}
    for label, spec, name in found:
        for tag in st.type_tags(spec, name):
            out.setdefault(tag, []).append((label, spec, name))
    return {tag: _unique(covered) for tag, covered in out.items()}


def _fields_by_alias(model: type[BaseModel]) -> dict[str, Any]:
    return {(field.alias or name): field for name, field in model.model_fields.items()}


def field_problems(model: type[BaseModel], covered: Covered) -> list[str]:
    """Where ``model`` disagrees with the schemas it stands for.

    Every property of every schema must be a declared field. A field is required exactly
    when every schema declares and requires it and it is not tolerated to be missing; the
    ``type`` tag always has its default.
    """
    fields = _fields_by_alias(model)
    problems: list[str] = []
    required_everywhere: set[str] | None = None
    for label, spec, name in covered:
        props, required = st.flatten(spec, st.schemas(spec)[name])
        problems += [
            f"{model.__name__}.{p} not declared ({label}:{name})"
            for p in sorted(set(props) | required)
            if p not in fields
        ]
        # The official spec lists a few names as required that it never defines
        # (local_shell_call_output.call_id, mcp_approval_response.request_id): they are
        # declared, but a spec example does not carry them, so they cannot be required.
        declared = {p for p in required if p in props}
        required_everywhere = (
            declared if required_everywhere is None else required_everywhere & declared
        )
    for prop, field in fields.items():
        if prop == "type":
            continue
        should = prop in (required_everywhere or set()) and prop not in st.TOLERATED_OPTIONAL
        if field.is_required() != should:
            state = "required" if field.is_required() else "optional"
            problems.append(f"{model.__name__}.{prop} is {state}, spec says otherwise")
    return problems


def _tag_values(model: type[BaseModel]) -> tuple[Any, ...]:
    return get_args(model.model_fields["type"].annotation)


# --- items: conformance -----------------------------------------------------------------------


@pytest.mark.parametrize("label", ["openai", "openresponses"])
def test_every_item_tag_of_the_spec_is_modelled(label: str) -> None:
    spec = _specs()[label]
    missing = sorted(
        {
            tag
            for union in ITEM_UNIONS[label]
            for name in st.union_member_names(spec, union)
            for tag in st.type_tags(spec, name)
        }
        - set(ITEM_TAGS)
    )
    assert missing == []


def test_beta_only_item_tags_are_modelled() -> None:
    spec = st.openai_spec()
    tags = {
        t
        for u in BETA_ITEM_UNIONS
        for n in st.union_member_names(spec, u)
        for t in st.type_tags(spec, n)
    }
    assert sorted(tags - set(ITEM_TAGS)) == []


def test_each_item_class_has_one_tag_and_it_is_its_default() -> None:
    for tag, model in ITEM_TAGS.items():
        assert tag in _tag_values(model)
        assert model.model_fields["type"].default == tag


def test_item_fields_match_every_schema_for_their_tag() -> None:
    problems = [
        p
        for tag, covered in item_schemas().items()
        for p in field_problems(ITEM_TAGS[tag], covered)
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (LocalShellAction, ["LocalShellExecAction"]),
        (ShellAction, ["FunctionShellAction", "FunctionShellActionParam"]),
        (
            ShellOutputChunk,
            ["FunctionShellCallOutputContent", "FunctionShellCallOutputContentParam"],
        ),
        (
            ApplyPatchCreateFile,
            ["ApplyPatchCreateFileOperation", "ApplyPatchCreateFileOperationParam"],
        ),
        (
            ApplyPatchDeleteFile,
            ["ApplyPatchDeleteFileOperation", "ApplyPatchDeleteFileOperationParam"],
        ),
        (
            ApplyPatchUpdateFile,
            ["ApplyPatchUpdateFileOperation", "ApplyPatchUpdateFileOperationParam"],
        ),
    ],
)
def test_typed_nested_objects_match_the_spec(model: type[WireModel], names: list[str]) -> None:
    spec = st.openai_spec()
    assert field_problems(model, [("openai", spec, n) for n in names]) == []


def test_item_examples_parse_into_their_class_and_round_trip() -> None:
    problems: list[str] = []
    for tag, covered in item_schemas().items():
        for label, spec, name in covered:
            payload = st.example(spec, st.schemas(spec)[name])
            for given in (payload, json.dumps(payload), json.dumps(payload).encode()):
                item = parse_item(given)
                if type(item) is not ITEM_TAGS[tag]:
                    problems.append(f"{label}:{name} parsed as {type(item).__name__}")
                elif item.to_dict() != payload or json.loads(item.to_json()) != payload:
                    problems.append(f"{label}:{name} dumped {item.to_dict()} from {payload}")
    assert problems == []


# --- content parts and annotations: conformance ---------------------------------------------------


def test_every_content_part_tag_of_the_specs_is_modelled() -> None:
    assert sorted(set(part_schemas()) - set(PART_TAGS)) == []


def test_content_part_unions_of_both_specs_were_found() -> None:
    # Guards the collection above: an empty walk would make the other tests vacuous.
    labels = {label for covered in part_schemas().values() for label, _, _ in covered}
    assert labels == {"openai", "openresponses"}
    assert {"input_text", "output_text", "summary_text", "reasoning_text", "refusal"} <= set(
        part_schemas()
    )


def test_content_part_fields_match_every_schema_for_their_tag() -> None:
    covered_by_tag = part_schemas()
    # A computer call's output is a screenshot with the same tag, so the same class.
    covered_by_tag["computer_screenshot"].append(
        ("openai", st.openai_spec(), "ComputerScreenshotImage")
    )
    problems = [
        p
        for tag, covered in covered_by_tag.items()
        for p in field_problems(PART_TAGS[tag], covered)
    ]
    assert problems == []


def test_content_part_examples_parse_into_their_class_and_round_trip() -> None:
    problems: list[str] = []
    for tag, covered in part_schemas().items():
        for label, spec, name in covered:
            payload = st.example(spec, st.schemas(spec)[name])
            for given in (payload, json.dumps(payload).encode()):
                part = parse_content_part(given)
                if type(part) is not PART_TAGS[tag]:
                    problems.append(f"{label}:{name} parsed as {type(part).__name__}")
                elif part.to_dict() != payload:
                    problems.append(f"{label}:{name} dumped {part.to_dict()} from {payload}")
    assert problems == []


def test_annotations_match_the_spec_and_round_trip() -> None:
    by_tag = annotation_schemas()
    assert {"url_citation", "file_citation", "container_file_citation", "file_path"} <= set(by_tag)
    tags, _ = union_members(Annotation)
    problems: list[str] = []
    for tag, covered in by_tag.items():
        if tag not in tags:
            problems.append(f"annotation {tag} not modelled")
            continue
        problems += field_problems(tags[tag], covered)
        for label, spec, name in covered:
            annotation = st.example(spec, st.schemas(spec)[name])
            payload = {"type": "output_text", "text": "x", "annotations": [annotation]}
            part = parse_content_part(payload)
            assert isinstance(part, OutputText)
            if type(part.annotations[0]) is not tags[tag] or part.to_dict() != payload:
                problems.append(f"{label}:{name} did not round-trip")
    assert problems == []


@pytest.mark.parametrize("label", ["openai", "openresponses"])
def test_logprobs_match_the_spec(label: str) -> None:
    spec = _specs()[label]
    assert field_problems(LogProb, [(label, spec, "LogProb")]) == []
    assert field_problems(TopLogProb, [(label, spec, "TopLogProb")]) == []


def test_input_audio_data_matches_the_spec() -> None:
    spec = st.openai_spec()
    props, required = st.flatten(spec, st.schemas(spec)["InputAudio"])
    inner = props["input_audio"]
    fields = _fields_by_alias(InputAudioData)
    assert set(inner["properties"]) <= set(fields)
    assert {name for name, f in fields.items() if f.is_required()} == set(inner["required"])
    assert "input_audio" in required
    assert InputAudio.model_fields["input_audio"].is_required()


# --- round-trips of realistic payloads ------------------------------------------------------------

ASSISTANT_MESSAGE: dict[str, Any] = {
    "type": "message",
    "id": "msg_1",
    "status": "completed",
    "role": "assistant",
    "phase": "final_answer",
    "content": [
        {
            "type": "output_text",
            "text": "See the docs.",
            "annotations": [
                {
                    "type": "url_citation",
                    "url": "https://e.x",
                    "start_index": 4,
                    "end_index": 12,
                    "title": "E",
                },
                {"type": "file_citation", "file_id": "f", "index": 3, "filename": "a.txt"},
                {"type": "file_path", "file_id": "f2", "index": 0},
                {
                    "type": "container_file_citation",
                    "container_id": "c",
                    "file_id": "f3",
                    "start_index": 0,
                    "end_index": 1,
                    "filename": "out.png",
                },
            ],
            "logprobs": [
                {
                    "token": "See",
                    "logprob": -0.5,
                    "bytes": [83, 101, 101],
                    "top_logprobs": [{"token": "Look", "logprob": -2, "bytes": [76]}],
                }
            ],
        },
        {"type": "refusal", "refusal": "not that part"},
    ],
}

USER_MESSAGE: dict[str, Any] = {
    "role": "user",
    "content": [
        {"type": "input_text", "text": "what is this?"},
        {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "high"},
        {"type": "input_image", "file_id": "file_1"},
        {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,AA"},
        {"type": "input_file", "file_url": "https://e.x/a.pdf"},
        {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
        {"type": "input_video", "video_url": "https://e.x/v.mp4"},
    ],
}

REALISTIC_ITEMS: list[dict[str, Any]] = [
    ASSISTANT_MESSAGE,
    USER_MESSAGE,
    {"type": "message", "role": "developer", "content": "be brief"},
    {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "thinking"}],
        "content": [{"type": "reasoning_text", "text": "raw"}],
        "encrypted_content": "gAAAA",
    },
    {"type": "reasoning", "summary": [], "content": None, "encrypted_content": None},
    {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "f",
        "arguments": "{}",
        "namespace": "ns",
    },
    {
        "type": "function_call_output",
        "call_id": "call_1",
        "output": [
            {"type": "input_text", "text": "ok"},
            {"type": "input_image", "image_url": "https://e.x/i.png", "detail": "auto"},
        ],
    },
    {
        "type": "custom_tool_call",
        "call_id": "c2",
        "name": "apply_patch",
        "input": "*** Begin Patch",
    },
    {"type": "custom_tool_call_output", "call_id": "c2", "output": "Done"},
    {"type": "item_reference", "id": "msg_0"},
    {"type": None, "id": "msg_0"},
    {"id": "msg_0"},
    {
        "type": "local_shell_call",
        "id": "lsc_1",
        "call_id": "c3",
        "status": "completed",
        "action": {"type": "exec", "command": ["ls", "-la"], "env": {"A": "1"}, "timeout_ms": 1000},
    },
    {"type": "local_shell_call_output", "id": "lsc_1", "output": "total 0"},
    {
        "type": "shell_call",
        "call_id": "c4",
        "action": {"commands": ["pwd"], "timeout_ms": None, "max_output_length": 4096},
        "environment": {"type": "local"},
    },
    {
        "type": "shell_call_output",
        "call_id": "c4",
        "output": [{"stdout": "/", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}],
        "max_output_length": 4096,
    },
    {
        "type": "apply_patch_call",
        "call_id": "c5",
        "status": "completed",
        "operation": {"type": "update_file", "path": "a.py", "diff": "@@ -1 +1 @@"},
    },
    {"type": "apply_patch_call_output", "call_id": "c5", "status": "failed", "output": "conflict"},
    {
        "type": "web_search_call",
        "id": "ws_1",
        "status": "completed",
        "action": {
            "type": "search",
            "query": "q",
            "sources": [{"type": "url", "url": "https://e.x"}],
        },
    },
    {
        "type": "computer_call_output",
        "call_id": "c6",
        "output": {"type": "computer_screenshot", "image_url": "data:image/png;base64,AA"},
    },
    {
        "type": "additional_tools",
        "role": "developer",
        "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
    },
    {"type": "compaction", "encrypted_content": "gAAA"},
    {"type": "compaction_trigger"},
    {"type": "mcp_approval_response", "approval_request_id": "a", "approve": True},
]


@pytest.mark.parametrize("payload", REALISTIC_ITEMS, ids=lambda p: str(p.get("type", "untyped")))
def test_realistic_items_round_trip(payload: dict[str, Any]) -> None:
    item = parse_item(payload)
    assert not isinstance(item, UnknownItem)
    assert item.to_dict() == payload
    assert json.loads(item.to_json()) == payload
    assert parse_item(item.to_json()).to_dict() == payload


def test_parts_parse_into_typed_models() -> None:
    message = parse_item(ASSISTANT_MESSAGE)
    assert isinstance(message, Message)
    assert isinstance(message.content, list)
    text = message.content[0]
    assert isinstance(text, OutputText)
    assert isinstance(text.annotations[0], UrlCitation)
    assert (
        text.annotations[0].start_index
        == ASSISTANT_MESSAGE["content"][0]["annotations"][0]["start_index"]
    )
    assert isinstance(text.logprobs[0].top_logprobs[0], TopLogProb)


def test_apply_patch_operations_are_typed_by_their_tag() -> None:
    for op in (
        {"type": "create_file", "path": "a", "diff": "+x"},
        {"type": "delete_file", "path": "a"},
    ):
        call = parse_item(
            {"type": "apply_patch_call", "call_id": "c", "status": "completed", "operation": op}
        )
        assert isinstance(call, ApplyPatchCall)
        assert call.operation.type == op["type"]
        assert type(call.operation) is not UnknownApplyPatchOperation


def test_logprob_numbers_keep_their_json_type() -> None:
    payload = {
        "type": "output_text",
        "text": "a",
        "logprobs": [{"token": "a", "logprob": 0, "bytes": [97], "top_logprobs": []}],
    }
    assert (
        parse_content_part(json.dumps(payload)).to_json()
        == json.dumps(payload, separators=(",", ":")).encode()
    )


# --- tolerance -----------------------------------------------------------------------------------


def test_unknown_fields_are_kept_everywhere() -> None:
    payload: dict[str, Any] = {
        "type": "message",
        "role": "assistant",
        "x_item": {"nested": [1, 2]},
        "content": [
            {
                "type": "output_text",
                "text": "t",
                "x_part": True,
                "annotations": [
                    {
                        "type": "url_citation",
                        "url": "u",
                        "start_index": 0,
                        "end_index": 1,
                        "title": "T",
                        "x_ann": 1,
                    }
                ],
            }
        ],
    }
    item = parse_item(payload)
    assert item.to_dict() == payload
    assert item.extra_fields == {"x_item": payload["x_item"]}


def test_unknown_item_type_is_kept_whole() -> None:
    payload = {"type": "future_call", "id": "x", "call_id": "c", "data": {"a": [1]}, "role": "user"}
    item = parse_item(payload)
    assert type(item) is UnknownItem
    assert item.type == payload["type"]
    assert item.to_dict() == payload


def test_unknown_nested_types_are_kept_whole() -> None:
    part = {"type": "input_hologram", "hologram_url": "h", "depth": 3}
    annotation = {"type": "page_citation", "page": 7}
    operation = {"type": "rename_file", "path": "a", "to": "b"}
    payload_message = {
        "type": "message",
        "role": "assistant",
        "content": [part, {"type": "output_text", "text": "x", "annotations": [annotation]}],
    }
    message = parse_item(payload_message)
    assert isinstance(message, Message)
    assert isinstance(message.content, list)
    assert type(message.content[0]) is UnknownContentPart
    second = message.content[1]
    assert isinstance(second, OutputText)
    assert type(second.annotations[0]) is UnknownAnnotation
    assert message.to_dict() == payload_message
    call = {
        "type": "apply_patch_call",
        "call_id": "c",
        "status": "completed",
        "operation": operation,
    }
    parsed = parse_item(call)
    assert isinstance(parsed, ApplyPatchCall)
    assert type(parsed.operation) is UnknownApplyPatchOperation
    assert parsed.to_dict() == call
    assert type(parse_content_part(part)) is UnknownContentPart


@pytest.mark.parametrize(
    ("payload", "model", "empty_list"),
    [
        ({"type": "output_text", "text": "t"}, OutputText, "annotations"),
        ({"type": "message", "role": "user"}, Message, "content"),
        ({"type": "reasoning", "encrypted_content": "gAAA"}, ReasoningItem, "summary"),
        ({"type": "function_call_output", "call_id": "c"}, FunctionCallOutput, "output"),
    ],
)
def test_missing_tolerated_lists_read_as_empty_and_stay_absent(
    payload: dict[str, Any], model: type[WireModel], empty_list: str
) -> None:
    parsed = parse_content_part(payload) if model is OutputText else parse_item(payload)
    assert type(parsed) is model
    assert getattr(parsed, empty_list) == []
    assert parsed.to_dict() == payload


def test_function_call_without_id_or_status_parses() -> None:
    payload = {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}
    call = parse_item(payload)
    assert isinstance(call, FunctionCall)
    assert call.id is None
    assert call.status is None
    assert call.to_dict() == payload


def test_untyped_message_and_reference_are_inferred() -> None:
    assert type(parse_item({"role": "user", "content": "hi"})) is Message
    assert type(parse_item(b'{"role":"assistant","content":[]}')) is Message
    reference = parse_item({"id": "msg_1"})
    assert type(reference) is ItemReference
    nulled = parse_item(b'{"type":null,"id":"msg_1"}')
    assert type(nulled) is ItemReference
    assert nulled.to_dict() == {"type": None, "id": "msg_1"}


def test_models_built_in_code_emit_their_tag() -> None:
    built = [
        FunctionCall(call_id="c", name="f", arguments="{}"),
        Message(role="user", content=[InputText(text="hi")]),
        ItemReference(id="x"),
        AdditionalTools(role="developer", tools=[]),
    ]
    for model in built:
        dumped = model.to_dict()
        assert dumped["type"] == type(model).model_fields["type"].default
        assert parse_item(dumped).to_dict() == dumped
    message = built[1].to_dict()
    assert message["content"][0]["type"] == InputText.model_fields["type"].default


def test_parse_returns_a_wire_model_unchanged() -> None:
    call = FunctionCall(call_id="c", name="f", arguments="{}")
    assert parse_item(call) is call
    screenshot = ComputerScreenshot(image_url="u")
    assert parse_content_part(screenshot) is screenshot


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"type": "function_call", "call_id": "c", "name": "f", "arguments": 5}, "arguments"),
        ({"type": "function_call", "name": "f", "arguments": "{}"}, "call_id"),
        (
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": 5}]},
            "content[0].text",
        ),
        ({"type": "message", "role": "user", "content": [{"text": "x"}]}, "content[0].type"),
        ({"type": "message", "role": "user", "content": 5}, "content"),
        ({"type": "message", "content": "hi"}, "role"),
        (
            {
                "type": "message",
                "role": "assistant",
                "content": [
                    {
                        "type": "output_text",
                        "text": "x",
                        "annotations": [{"type": "file_path", "index": 0}],
                    }
                ],
            },
            "content[0].annotations[0].file_id",
        ),
        (
            {
                "type": "function_call_output",
                "call_id": "c",
                "output": [{"type": "input_image", "detail": 1}],
            },
            "output[0].detail",
        ),
        ({"type": "reasoning", "summary": [{"type": "summary_text"}]}, "summary[0].text"),
        (
            {
                "type": "local_shell_call",
                "call_id": "c",
                "action": {"type": "exec", "command": "ls", "env": {}},
            },
            "action.command",
        ),
        (
            {
                "type": "apply_patch_call",
                "call_id": "c",
                "operation": {"type": "create_file", "path": "a"},
            },
            "operation.diff",
        ),
        ({"content": "no role, no type"}, "type"),
        ({"type": 7}, "type"),
    ],
)
def test_malformed_items_name_the_field_at_fault(payload: dict[str, Any], path: str) -> None:
    for given in (payload, json.dumps(payload).encode()):
        with pytest.raises(PayloadError) as caught:
            parse_item(given)
        assert caught.value.path == path


def test_malformed_part_names_the_field() -> None:
    with pytest.raises(PayloadError) as caught:
        parse_content_part({"type": "input_audio", "input_audio": {"data": "AA"}})
    assert caught.value.path == "input_audio.format"


def test_invalid_json_is_its_own_error() -> None:
    with pytest.raises(InvalidJSONError):
        parse_item(b'{"type": "message",')


# --- captured Codex requests -----------------------------------------------------------------


def _codex_requests() -> list[Any]:
    found = sorted(st.FIXTURES.glob("codex-*.json"))
    assert found, f"no Codex fixtures in {st.FIXTURES}"
    return found


@pytest.mark.parametrize("path", _codex_requests(), ids=lambda p: p.name)
def test_codex_input_items_round_trip_exactly(path: Any) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))["body"]
    if isinstance(body, str):
        body = json.loads(body)
    assert body["input"], "fixture has no input items"
    for raw in body["input"]:
        item = parse_item(raw)
        assert type(item) is ITEM_TAGS[raw["type"]]
        assert item.to_dict() == raw
        assert json.loads(item.to_json()) == raw
        assert parse_item(json.dumps(raw)).to_dict() == raw
