"""Responses stream events: conformance with both specs, a recorded-style stream, tolerance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ConfigDict

import spec_tools
from wireshift import InvalidJSONError, PayloadError
from wireshift._model import JSONInput, WireModel, union_members
from wireshift.responses import _events as events
from wireshift.responses._events import (
    KNOWN_RESPONSE_EVENT_TYPES,
    CodexRateLimitsEvent,
    ResponseCompletedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseKeepaliveEvent,
    ResponseStreamEvent,
    ResponseTextDeltaEvent,
    UnknownResponseEvent,
    parse_response_event,
)

STREAMS = Path(__file__).parent / "data" / "streams"
Schema = dict[str, Any]

TAGS, FALLBACK = union_members(ResponseStreamEvent)

# Tolerated names that are still an event's payload, so they stay required there.
PAYLOAD_FIELDS = {("response.refusal.done", "refusal")}


# --- reading the specs ---------------------------------------------------------------------


def _openresponses_event_schemas(spec: Schema) -> list[Schema]:
    post = spec["paths"]["/responses"]["post"]
    stream = post["responses"]["200"]["content"]["text/event-stream"]["schema"]
    branches: list[Schema] = stream.get("oneOf") or stream.get("anyOf")
    return branches


def _event_schemas() -> list[tuple[str, str, Schema]]:
    """(spec label, schema label, schema) for every server event schema of both specs:
    OpenAI's SSE union and its WebSocket server union, Open Responses' SSE union and its
    WebSocket error."""
    openai = spec_tools.openai_spec()
    opener = spec_tools.openresponses_spec()
    out: list[tuple[str, str, Schema]] = []
    for name in spec_tools.union_member_names(openai, "ResponseStreamEvent"):
        out.append(("openai", name, spec_tools.schemas(openai)[name]))
    ws = spec_tools.schemas(openai)["ResponsesServerEvent"]
    for branch in ws.get("anyOf") or ws["oneOf"]:
        out.append(("openai", f"ResponsesServerEvent/{branch.get('title')}", branch))
    for branch in _openresponses_event_schemas(opener):
        ref = spec_tools.ref_name(branch)
        out.append(("openresponses", str(ref), spec_tools.resolve(opener, branch)))
    out.append(
        ("openresponses", "WebSocketErrorEvent", spec_tools.schemas(opener)["WebSocketErrorEvent"])
    )
    return out


def _spec(label: str) -> Schema:
    return spec_tools.openai_spec() if label == "openai" else spec_tools.openresponses_spec()


def _tag(spec: Schema, schema: Schema) -> str:
    props, _ = spec_tools.flatten(spec, schema)
    values = spec_tools.const_values(spec, props["type"])
    assert len(values) == 1, values
    return values[0]


def _aliases(model: type[BaseModel]) -> dict[str, str]:
    return {(field.alias or name): name for name, field in model.model_fields.items()}


# --- conformance ---------------------------------------------------------------------------


def test_every_openai_event_type_is_modelled() -> None:
    spec = spec_tools.openai_spec()
    names = spec_tools.union_member_names(spec, "ResponseStreamEvent")
    assert len(names) >= 58
    tags = [t for name in names for t in spec_tools.type_tags(spec, name)]
    missing = sorted(t for t in tags if t not in KNOWN_RESPONSE_EVENT_TYPES)
    print("missing OpenAI event types:", missing)
    assert missing == []


def test_every_openresponses_event_type_is_modelled() -> None:
    spec = spec_tools.openresponses_spec()
    tags = [_tag(spec, spec_tools.resolve(spec, b)) for b in _openresponses_event_schemas(spec)]
    assert "response.reasoning.delta" in tags
    missing = sorted(t for t in tags if t not in KNOWN_RESPONSE_EVENT_TYPES)
    print("missing Open Responses event types:", missing)
    assert missing == []


def test_openai_event_classes_are_named_as_in_the_spec() -> None:
    spec = spec_tools.openai_spec()
    wrong = []
    for name in spec_tools.union_member_names(spec, "ResponseStreamEvent"):
        (tag,) = spec_tools.type_tags(spec, name)
        if tag in TAGS and TAGS[tag].__name__ != name:
            wrong.append(f"{tag}: {TAGS[tag].__name__} != {name}")
    assert wrong == []


def test_every_class_declares_its_own_literal_tag() -> None:
    for tag, model in TAGS.items():
        assert "type" in model.__annotations__, model.__name__
        assert get_args(model.model_fields["type"].annotation) == (tag,)
        assert model.model_fields["type"].default == tag


def test_spec_properties_are_declared_and_required_as_the_specs_agree() -> None:
    """Every property of every event schema is a declared field. A field is required when
    every schema of its tag requires it and it is not tolerated, and optional otherwise:
    when the specs disagree (Open Responses nests `error`, drops `name`), both must parse.
    Names a spec requires without defining them (`response_id` on audio events) are declared
    but optional, since payloads built from the schema's properties lack them."""
    defined: dict[str, set[str]] = {}
    required_by_tag: dict[str, list[set[str]]] = {}
    for label, _, schema in _event_schemas():
        spec = _spec(label)
        props, required = spec_tools.flatten(spec, schema)
        tag = _tag(spec, schema)
        defined.setdefault(tag, set()).update(props)
        required_by_tag.setdefault(tag, []).append(required)

    problems = []
    for tag, required_sets in sorted(required_by_tag.items()):
        model = TAGS[tag]
        aliases = _aliases(model)
        required_everywhere = set.intersection(*required_sets) & defined[tag]
        for prop in sorted(defined[tag].union(*required_sets)):
            if prop not in aliases:
                problems.append(f"{model.__name__}.{prop}: not declared")
                continue
            tolerated = prop in spec_tools.TOLERATED_OPTIONAL and (tag, prop) not in PAYLOAD_FIELDS
            want = prop != "type" and prop in required_everywhere and not tolerated
            if model.model_fields[aliases[prop]].is_required() != want:
                state = "required" if want else "optional"
                problems.append(f"{model.__name__}.{prop}: should be {state}")
    print("\n".join(problems))
    assert problems == []


def test_payload_fields_stay_required() -> None:
    payload = {"delta", "text", "arguments", "refusal", "item", "part", "response"}
    for tag, model in TAGS.items():
        for name in payload & set(model.model_fields):
            if name == "text" and not tag.endswith(".done"):
                continue
            assert model.model_fields[name].is_required(), f"{model.__name__}.{name}"


@pytest.mark.parametrize(
    ("nested", "spec_schemas"),
    [
        ("ErrorPayload", [("openai", "ErrorPayload"), ("openresponses", "ErrorPayload")]),
        ("ShellCallOutputDelta", [("openai", "ShellCallOutputDelta")]),
        ("ResponseLogProb", [("openai", "ResponseLogProb"), ("openresponses", "LogProb")]),
        ("ResponseTopLogProb", [("openresponses", "TopLogProb")]),
    ],
)
def test_nested_objects_declare_every_spec_property(
    nested: str, spec_schemas: list[tuple[str, str]]
) -> None:
    model = getattr(events, nested)
    for label, name in spec_schemas:
        spec = _spec(label)
        props, _ = spec_tools.flatten(spec, spec_tools.schemas(spec)[name])
        missing = sorted(set(props) - set(_aliases(model)))
        assert missing == [], f"{nested} lacks {missing} of {label}:{name}"


def _inside_nested_model(exc: PayloadError) -> bool:
    """True when the error lies inside a response, item, content part or annotation: those
    models have their own tests, so an example they reject is reported, not failed, here."""
    head, dot, _ = exc.path.partition(".")
    return bool(dot) and head in ("response", "item", "part", "annotation")


def test_spec_minimal_examples_round_trip_into_their_class() -> None:
    failures: list[str] = []
    foreign: list[str] = []
    for label, name, schema in _event_schemas():
        payload = spec_tools.example(_spec(label), schema)
        where = f"{label}:{name}"
        try:
            event = parse_response_event(payload)
        except PayloadError as exc:
            (foreign if _inside_nested_model(exc) else failures).append(f"{where}: {exc}")
            continue
        got = type(event).__name__
        if (
            isinstance(event, UnknownResponseEvent)
            or event.type != payload["type"]
            or (label == "openai" and "/" not in name and got != name)
        ):
            failures.append(f"{where}: parsed as {got}")
        elif event.to_dict() != payload:
            failures.append(f"{where}: dumps {event.to_dict()} != {payload}")
        elif json.loads(event.to_json()) != payload:
            failures.append(f"{where}: to_json differs")
    print("rejected inside nested models:", *foreign, sep="\n  ")
    print("\n".join(failures))
    assert failures == []


def test_spec_documented_examples_round_trip_into_their_class() -> None:
    spec = spec_tools.openai_spec()
    checked = 0
    broken: list[str] = []
    foreign: list[str] = []
    failures: list[str] = []
    for name in spec_tools.union_member_names(spec, "ResponseStreamEvent"):
        text = spec_tools.schemas(spec)[name].get("x-oaiMeta", {}).get("example")
        if not text:
            continue
        try:
            payload = json.loads(text)
        except json.JSONDecodeError:
            broken.append(name)  # the spec's own example is not JSON
            continue
        checked += 1
        try:
            event = parse_response_event(text)
        except PayloadError as exc:
            (foreign if _inside_nested_model(exc) else failures).append(f"{name}: {exc}")
            continue
        if type(event).__name__ != name or event.to_dict() != payload:
            failures.append(f"{name}: {type(event).__name__} {event.to_dict()} != {payload}")
    print("examples that are not JSON:", broken)
    print("rejected inside nested models:", *foreign, sep="\n  ")
    assert checked >= 40
    assert failures == []


# --- a recorded-style stream ---------------------------------------------------------------


def _sse_events(path: Path) -> list[tuple[str | None, str]]:
    """(event name, data) per SSE event of a small, well-formed fixture."""
    out = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if not block.strip():
            continue
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].lstrip(" "))
        out.append((name, "\n".join(data)))
    return out


def test_codex_turn_parses_event_by_event_and_round_trips() -> None:
    spec = spec_tools.openai_spec()
    spec_class = {
        tag: name
        for name in spec_tools.union_member_names(spec, "ResponseStreamEvent")
        for tag in spec_tools.type_tags(spec, name)
    }
    stream = _sse_events(STREAMS / "codex_turn.sse")
    assert len(stream) > 20
    parsed: list[ResponseStreamEvent] = []
    for name, data in stream:
        raw = json.loads(data)
        assert name == raw["type"]
        event = parse_response_event(data.encode())
        assert not isinstance(event, UnknownResponseEvent), raw["type"]
        if raw["type"] in spec_class:
            assert type(event).__name__ == spec_class[raw["type"]]
        assert event.to_dict() == raw
        assert json.loads(event.to_json()) == raw
        parsed.append(event)

    # The typed fields carry the stream's content: deltas add up to each done event.
    checked = 0
    for done in parsed:
        if isinstance(done, events.ResponseTextDoneEvent):
            got = "".join(
                e.delta
                for e in parsed
                if isinstance(e, events.ResponseTextDeltaEvent) and e.item_id == done.item_id
            )
            assert got == done.text
        elif isinstance(done, events.ResponseReasoningSummaryTextDoneEvent):
            got = "".join(
                e.delta
                for e in parsed
                if isinstance(e, events.ResponseReasoningSummaryTextDeltaEvent)
                and (e.item_id, e.summary_index) == (done.item_id, done.summary_index)
            )
            assert got == done.text
        elif isinstance(done, events.ResponseFunctionCallArgumentsDoneEvent):
            got = "".join(
                e.delta
                for e in parsed
                if isinstance(e, events.ResponseFunctionCallArgumentsDeltaEvent)
                and e.item_id == done.item_id
            )
            assert got == done.arguments
        else:
            continue
        checked += 1
    assert checked == 3
    completed = parsed[-1]
    assert isinstance(completed, ResponseCompletedEvent)
    done_items = [e.item for e in parsed if isinstance(e, events.ResponseOutputItemDoneEvent)]
    assert completed.response.to_dict()["output"] == [i.to_dict() for i in done_items]
    assert any(isinstance(e, CodexRateLimitsEvent) for e in parsed)
    assert any(isinstance(e, ResponseKeepaliveEvent) for e in parsed)


# --- tolerance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "response.future_thing.delta", "sequence_number": 7, "stuff": {"a": [1, 2.5]}},
        {"type": "codex.keepalive", "status": "waiting_for_account_capacity", "request_id": "r"},
        {"type": "response.inject.created", "response_id": "resp_1", "sequence_number": 8},
        {"type": ""},
    ],
)
def test_unknown_event_types_are_kept_whole(payload: dict[str, Any]) -> None:
    for raw in (payload, json.dumps(payload), json.dumps(payload).encode()):
        event = parse_response_event(raw)
        assert type(event) is UnknownResponseEvent
        assert event.to_dict() == payload


def test_unknown_fields_on_known_events_are_kept() -> None:
    payload = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "delta": "hi",
        "x_provider": {"latency_ms": 12},
    }
    event = parse_response_event(payload)
    assert isinstance(event, ResponseTextDeltaEvent)
    assert event.extra_fields == {"x_provider": {"latency_ms": 12}}
    assert event.to_dict() == payload


def test_delta_without_ids_or_indexes_parses() -> None:
    payload = {"type": "response.output_text.delta", "delta": "hi"}
    event = parse_response_event(payload)
    assert isinstance(event, ResponseTextDeltaEvent)
    assert event.logprobs == []
    assert event.to_dict() == payload


def test_drifted_completed_without_output_parses() -> None:
    payload = {
        "type": "response.completed",
        "response": {"id": "resp_1", "status": "completed", "usage": None},
    }
    event = parse_response_event(payload)
    assert isinstance(event, ResponseCompletedEvent)
    assert event.response.id == "resp_1"
    assert event.to_dict() == payload


def test_failed_with_null_response_error_and_top_level_error_parses() -> None:
    cause = {"type": "server_error", "code": "upstream_error", "message": "upstream 502"}
    payload = {
        "type": "response.failed",
        "sequence_number": 9,
        "response": {"id": "resp_1", "status": "failed", "error": None, "output": []},
        "error": cause,
    }
    event = parse_response_event(json.dumps(payload))
    assert isinstance(event, ResponseFailedEvent)
    assert event.response.error is None
    assert event.error is not None
    assert event.error.message == cause["message"]
    assert event.to_dict() == payload


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "error", "code": "ERR", "message": "flat", "param": None, "sequence_number": 1},
        {
            "type": "error",
            "error": {
                "type": "insufficient_quota",
                "code": None,
                "message": "nested",
                "param": None,
            },
            "sequence_number": 2,
        },
        {"type": "error", "error": {"message": "no code, no type"}},
        {
            "type": "error",
            "status": 400,
            "stream_id": "lane_1",
            "error": {"code": "c", "message": "ws"},
        },
    ],
)
def test_error_event_parses_flat_and_nested(payload: dict[str, Any]) -> None:
    event = parse_response_event(payload)
    assert isinstance(event, ResponseErrorEvent)
    source = payload.get("error", payload)
    assert event.error_message == source["message"]
    assert event.error_code == source.get("code")
    assert event.to_dict() == payload


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"type": "response.output_text.delta", "delta": 5}, "delta"),
        (
            {"type": "response.output_text.delta", "delta": "x", "sequence_number": "n"},
            "sequence_number",
        ),
        ({"type": "response.function_call_arguments.done", "item_id": "fc"}, "arguments"),
        ({"type": "response.output_item.done", "output_index": 0}, "item"),
        ({"type": "response.completed", "response": []}, "response"),
        ({"type": "error", "error": {"message": ["not", "text"]}}, "error.message"),
        (
            {"type": "codex.rate_limits", "rate_limits": {"primary": {"used_percent": "lots"}}},
            "rate_limits.primary.used_percent",
        ),
    ],
)
def test_bad_known_field_raises_payload_error_naming_it(payload: dict[str, Any], path: str) -> None:
    for raw in (payload, json.dumps(payload).encode()):
        with pytest.raises(PayloadError) as caught:
            parse_response_event(raw)
        assert caught.value.path == path


def test_invalid_json_raises_invalid_json_error() -> None:
    with pytest.raises(InvalidJSONError):
        parse_response_event(b'{"type": "response.output_text.delta", "delta": ')


def test_every_input_kind_parses_alike() -> None:
    payload = {"type": "response.output_text.delta", "item_id": "msg_1", "delta": "é ✓"}

    class Foreign(BaseModel):
        model_config = ConfigDict(extra="allow")
        type: str

    text = json.dumps(payload, ensure_ascii=False)
    kinds: list[JSONInput] = [
        payload,
        text,
        text.encode(),
        bytearray(text.encode()),
        Foreign(**payload),
    ]
    dumps = [parse_response_event(k).to_dict() for k in kinds]
    assert all(d == payload for d in dumps)
    model = parse_response_event(payload)
    assert parse_response_event(model) is model


def test_events_built_in_code_emit_their_tag() -> None:
    for tag, model in TAGS.items():
        required = [n for n, f in model.model_fields.items() if f.is_required()]
        if required:
            continue
        built = model()
        assert isinstance(built, WireModel)
        assert built.to_dict() == {"type": tag}
    assert ResponseTextDeltaEvent(delta="a").to_dict() == {
        "type": "response.output_text.delta",
        "delta": "a",
    }


def test_known_event_types_match_the_union() -> None:
    assert frozenset(TAGS) == KNOWN_RESPONSE_EVENT_TYPES
    assert FALLBACK is UnknownResponseEvent
    assert "keepalive" in KNOWN_RESPONSE_EVENT_TYPES
    assert "codex.rate_limits" in KNOWN_RESPONSE_EVENT_TYPES


def test_all_is_sorted_and_complete() -> None:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert events.__all__ == sorted(events.__all__, key=key)
    public = {
        name
        for name, value in vars(events).items()
        if not name.startswith("_")
        and isinstance(value, type)
        and issubclass(value, WireModel)
        and value.__module__ == events.__name__
    }
    assert public <= set(events.__all__)
