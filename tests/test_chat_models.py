"""Chat Completions models: conformance with the spec, provider payloads, tolerance, errors."""

from __future__ import annotations

import json
import re
import types
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import TypeAdapter

from spec_tools import (
    TOLERATED_OPTIONAL,
    Schema,
    const_values,
    example,
    flatten,
    openai_spec,
    ref_name,
    resolve,
    schemas,
)
from wireshift import PayloadError
from wireshift._model import WireModel, union_members
from wireshift.chat._completion import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatCompletionUsage,
    ChatError,
    ChatErrorBody,
    ChunkChoice,
)
from wireshift.chat._messages import (
    AnyChatToolCall,
    AssistantMessage,
    ChatContentPart,
    ChatMessage,
    ChatToolCall,
    UnknownChatContentPart,
    UnknownChatMessage,
    UnknownChatToolCall,
    UserMessage,
    parse_chat_content_part,
    parse_chat_message,
    parse_chat_tool_call,
)
from wireshift.chat._request import (
    ChatCompletionRequest,
    ChatCustomToolFormat,
    ChatPrediction,
    ChatResponseFormat,
    ChatTool,
    ChatToolChoiceObject,
    UnknownChatResponseFormat,
    UnknownChatTool,
    UnknownChatToolChoice,
    parse_chat_tool,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# Spec-required fields these models make optional beyond TOLERATED_OPTIONAL, and why.
CHAT_TOLERATED: dict[type[WireModel], frozenset[str]] = {
    # Providers send partial usage objects; a missing count must not sink a reply.
    ChatCompletionUsage: frozenset({"prompt_tokens", "completion_tokens", "total_tokens"}),
    # Chunks with no `choices` at all (usage-only and error chunks from some providers).
    ChatCompletionChunk: frozenset({"choices"}),
    # Azure's content-filter chunks carry choices without a delta.
    ChunkChoice: frozenset({"delta"}),
    # OpenRouter and others send `{"code", "message"}` only.
    ChatError: frozenset({"type", "param", "code"}),
}


def roundtrip(model: type[WireModel], payload: dict[str, Any]) -> WireModel:
    """Parse from a mapping and from bytes; both must dump back to the payload exactly."""
    parsed = model.parse(payload)
    assert parsed.to_dict() == payload
    from_bytes = model.parse(json.dumps(payload).encode())
    assert json.loads(from_bytes.to_json()) == payload
    return parsed


# --- conformance: walking the spec and the models side by side -------------------------


def _models_in(annotation: Any) -> list[type[WireModel]]:
    """The wire models a field annotation can hold (through Optional, Union, list, Annotated)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _models_in(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list):
        return [m for arg in get_args(annotation) for m in _models_in(arg)]
    if isinstance(annotation, type) and issubclass(annotation, WireModel):
        return [annotation]
    return []


def _tags(model: type[WireModel]) -> list[str]:
    """The literal values of a model's `type` or `role` field (empty for plain str)."""
    for key in ("type", "role"):
        field = model.model_fields.get(key)
        if field is not None and get_origin(field.annotation) is Literal:
            args = get_args(field.annotation)
            if all(isinstance(a, str) for a in args):
                return list(args)
    return []


def _branch_tag(spec: Schema, branch: Schema) -> str | None:
    props, _ = flatten(spec, branch)
    for key in ("type", "role"):
        if key in props:
            values = const_values(spec, props[key])
            if len(values) == 1:
                return values[0]
    return None


def _object_branches(
    spec: Schema, schema: Schema, name: str = "inline"
) -> list[tuple[str, Schema]]:
    """The object schemas (with properties) a property schema may hold, with their names."""
    name = ref_name(schema) or name
    schema = resolve(spec, schema)
    found: list[tuple[str, Schema]] = []
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            found.extend(_object_branches(spec, branch))
    if schema.get("type") == "array" and "items" in schema:
        found.extend(_object_branches(spec, schema["items"]))
    if "properties" in schema or "allOf" in schema:
        found.append((name, schema))
    return found


def _default_is_spec_constant(spec: Schema, prop: Schema, default: Any) -> bool:
    # A tag field defaulting to the spec's one constant (`type: "text"`) is as good as required.
    values = const_values(spec, prop)
    return len(values) == 1 and default == values[0]


def conformance_problems(spec: Schema, schema: Schema, model: type[WireModel]) -> list[str]:
    """Every spec property declared (by alias), required-ness right, nested objects and union
    tags modelled, down through every object the schema reaches."""
    problems: list[str] = []
    seen: set[tuple[int, type[WireModel]]] = set()

    def walk(schema: Schema, model: type[WireModel], where: str) -> None:
        key = (id(resolve(spec, schema)), model)
        if key in seen:
            return
        seen.add(key)
        props, required = flatten(spec, schema)
        fields = {(f.alias or name): f for name, f in model.model_fields.items()}
        tolerated = TOLERATED_OPTIONAL | CHAT_TOLERATED.get(model, frozenset())
        for prop in sorted(props):
            here = f"{where}.{prop}"
            field = fields.get(prop)
            if field is None:
                problems.append(f"{here}: not declared on {model.__name__}")
                continue
            if (
                prop in required
                and prop not in tolerated
                and not field.is_required()
                and not _default_is_spec_constant(spec, props[prop], field.default)
            ):
                problems.append(f"{here}: required by the spec, optional on {model.__name__}")
            if prop in tolerated and field.is_required():
                problems.append(f"{here}: tolerated, yet required on {model.__name__}")
            branches = _object_branches(spec, props[prop])
            members = list(dict.fromkeys(_models_in(field.annotation)))
            by_tag = {tag: m for m in members for tag in _tags(m)}
            for name, branch in branches:
                tag = _branch_tag(spec, branch)
                if tag is not None and tag in by_tag:
                    walk(branch, by_tag[tag], f"{here}<{tag}>")
                elif len(members) == 1:
                    walk(branch, members[0], here)
                elif tag is not None:
                    problems.append(f"{here}: tag {tag!r} ({name}) not modelled")
                else:
                    problems.append(f"{here}: no model for {name}")

    walk(schema, model, model.__name__)
    return problems


TOP_LEVEL: list[tuple[str, type[WireModel]]] = [
    ("CreateChatCompletionRequest", ChatCompletionRequest),
    ("CreateChatCompletionResponse", ChatCompletion),
    ("CreateChatCompletionStreamResponse", ChatCompletionChunk),
    ("ErrorResponse", ChatErrorBody),
]


@pytest.mark.parametrize(("schema_name", "model"), TOP_LEVEL, ids=[n for n, _ in TOP_LEVEL])
def test_models_follow_the_spec(schema_name: str, model: type[WireModel]) -> None:
    spec = openai_spec()
    assert conformance_problems(spec, schemas(spec)[schema_name], model) == []


def test_request_declares_every_spec_property() -> None:
    # The walker checks this too; said once more plainly for the biggest object.
    spec = openai_spec()
    props, _ = flatten(spec, schemas(spec)["CreateChatCompletionRequest"])
    declared = {f.alias or n for n, f in ChatCompletionRequest.model_fields.items()}
    assert sorted(set(props) - declared) == []
    assert not ChatCompletionRequest.model_fields["model"].is_required()
    assert ChatCompletionRequest.model_fields["messages"].is_required()


# --- conformance: every union member, tag by tag ---------------------------------------


def _member_refs(spec: Schema, schema: Schema) -> list[str]:
    """Names of the object schemas a union (or an array of a union) stands for."""
    schema = resolve(spec, schema) if "$ref" in schema else schema
    if schema.get("type") == "array":
        return _member_refs(spec, schema["items"])
    out: list[str] = []
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        name = ref_name(branch)
        if name is None:
            continue
        body = schemas(spec)[name]
        out.extend(_member_refs(spec, body) if ("anyOf" in body or "oneOf" in body) else [name])
    return list(dict.fromkeys(out))


def _request_prop(name: str) -> Callable[[Schema], Schema]:
    def get(spec: Schema) -> Schema:
        props, _ = flatten(spec, schemas(spec)["CreateChatCompletionRequest"])
        found: Schema = props[name]
        return found

    return get


def _named(name: str) -> Callable[[Schema], Schema]:
    def get(spec: Schema) -> Schema:
        return schemas(spec)[name]

    return get


# (label, where the union is in the spec, our union annotation, the tag key)
UNIONS: list[tuple[str, Callable[[Schema], Schema], Any, str]] = [
    ("messages", _named("ChatCompletionRequestMessage"), ChatMessage, "role"),
    ("user parts", _named("ChatCompletionRequestUserMessageContentPart"), ChatContentPart, "type"),
    (
        "system parts",
        _named("ChatCompletionRequestSystemMessageContentPart"),
        ChatContentPart,
        "type",
    ),
    (
        "assistant parts",
        _named("ChatCompletionRequestAssistantMessageContentPart"),
        ChatContentPart,
        "type",
    ),
    ("tool parts", _named("ChatCompletionRequestToolMessageContentPart"), ChatContentPart, "type"),
    ("tool calls", _named("ChatCompletionMessageToolCalls"), AnyChatToolCall, "type"),
    ("tools", _request_prop("tools"), ChatTool, "type"),
    ("tool choice", _named("ChatCompletionToolChoiceOption"), ChatToolChoiceObject, "type"),
    ("response format", _request_prop("response_format"), ChatResponseFormat, "type"),
    ("prediction", _request_prop("prediction"), ChatPrediction, "type"),
]


def _member_cases() -> Iterator[Any]:
    for label, locate, annotation, key in UNIONS:
        yield pytest.param(label, locate, annotation, key, id=label)


@pytest.mark.parametrize(("label", "locate", "annotation", "key"), list(_member_cases()))
def test_every_union_tag_is_modelled_and_examples_round_trip(
    label: str, locate: Callable[[Schema], Schema], annotation: Any, key: str
) -> None:
    spec = openai_spec()
    members = _member_refs(spec, locate(spec))
    assert members, f"{label}: no members found in the spec"
    tags, _fallback = union_members(annotation, key)
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    missing: list[str] = []
    for member in members:
        tag = _branch_tag(spec, schemas(spec)[member])
        assert tag is not None, f"{member} has no {key} constant"
        if tag not in tags:
            missing.append(f"{member} ({key}={tag!r})")
            continue
        payload = example(spec, schemas(spec)[member])
        parsed = adapter.validate_python(payload)
        assert type(parsed) is tags[tag], member
        assert (
            adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True) == payload
        )
    assert missing == []


def test_custom_tool_formats_are_modelled() -> None:
    spec = openai_spec()
    props, _ = flatten(spec, schemas(spec)["CustomToolChatCompletions"])
    custom_props, _ = flatten(spec, props["custom"])
    branches = _object_branches(spec, custom_props["format"])
    tags, _ = union_members(ChatCustomToolFormat)
    adapter: TypeAdapter[Any] = TypeAdapter(ChatCustomToolFormat)
    missing = [t for _, b in branches if (t := _branch_tag(spec, b)) not in tags]
    assert missing == []
    for _, branch in branches:
        payload = example(spec, branch)
        parsed = adapter.validate_python(payload)
        assert type(parsed) is tags[payload["type"]]
        assert (
            adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True) == payload
        )


@pytest.mark.parametrize(("schema_name", "model"), TOP_LEVEL, ids=[n for n, _ in TOP_LEVEL])
def test_minimal_spec_examples_round_trip(schema_name: str, model: type[WireModel]) -> None:
    spec = openai_spec()
    payload = example(spec, schemas(spec)[schema_name])
    roundtrip(model, payload)


# --- the spec's own documented examples ------------------------------------------------


def _documented_examples() -> dict[str, list[dict[str, Any]]]:
    spec = openai_spec()
    meta = spec["paths"]["/chat/completions"]["post"]["x-oaiMeta"]
    found: dict[str, list[dict[str, Any]]] = {"request": [], "completion": [], "chunk": []}
    for item in meta["examples"]:
        body = re.search(r"-d '(.*)'\s*$", item["request"]["curl"], re.DOTALL)
        assert body is not None, item["title"]
        found["request"].append(json.loads(body.group(1)))
        _add_replies(found, item["response"])
    for name, kind in (
        ("CreateChatCompletionResponse", "completion"),
        ("CreateChatCompletionStreamResponse", "chunk"),
    ):
        _add_replies(found, schemas(spec)[name]["x-oaiMeta"]["example"], kind)
    return found


def _add_replies(found: dict[str, list[dict[str, Any]]], text: str, kind: str = "") -> None:
    # A reply example is one JSON object, or stream chunks separated by blank lines and "....".
    for block in text.split("\n\n"):
        block = block.strip()
        if not block.startswith("{"):
            continue
        payload = json.loads(block)
        found[kind or ("chunk" if payload["object"].endswith("chunk") else "completion")].append(
            payload
        )


def test_documented_examples_round_trip() -> None:
    found = _documented_examples()
    assert all(found.values()), {k: len(v) for k, v in found.items()}
    for payload in found["request"]:
        roundtrip(ChatCompletionRequest, payload)
    for payload in found["completion"]:
        roundtrip(ChatCompletion, payload)
    for payload in found["chunk"]:
        roundtrip(ChatCompletionChunk, payload)


# --- built in code ---------------------------------------------------------------------


def test_models_built_in_code_carry_their_tags() -> None:
    spec = openai_spec()
    completion_props, _ = flatten(spec, schemas(spec)["CreateChatCompletionResponse"])
    chunk_props, _ = flatten(spec, schemas(spec)["CreateChatCompletionStreamResponse"])
    message_props, _ = flatten(spec, schemas(spec)["ChatCompletionResponseMessage"])
    assert ChatCompletion(choices=[]).to_dict() == {
        "object": const_values(spec, completion_props["object"])[0],
        "choices": [],
    }
    assert ChatCompletionChunk().to_dict() == {
        "object": const_values(spec, chunk_props["object"])[0]
    }
    assert ChatCompletionMessage(content="hi").to_dict() == {
        "role": const_values(spec, message_props["role"])[0],
        "content": "hi",
    }
    user_props, _ = flatten(spec, schemas(spec)["ChatCompletionRequestUserMessage"])
    assert UserMessage(content="hi").to_dict()["role"] == const_values(spec, user_props["role"])[0]
    call = ChatToolCall(id="call_1", function={"name": "f", "arguments": "{}"})
    call_props, _ = flatten(spec, schemas(spec)["ChatCompletionMessageToolCall"])
    assert call.to_dict()["type"] == const_values(spec, call_props["type"])[0]


# --- provider payloads (GUIDE.md §3), written by hand ----------------------------------

DEEPSEEK_COMPLETION: dict[str, Any] = {
    "id": "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab",
    "object": "chat.completion",
    "created": 1745000000,
    "model": "deepseek-reasoner",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "",
                "reasoning_content": "The user wants the weather; call the tool.",
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_00_abc",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            "logprobs": None,
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {
        "prompt_tokens": 120,
        "completion_tokens": 40,
        "total_tokens": 160,
        "prompt_tokens_details": {"cached_tokens": 64},
        "completion_tokens_details": {"reasoning_tokens": 30},
        "prompt_cache_hit_tokens": 64,
        "prompt_cache_miss_tokens": 56,
    },
    "system_fingerprint": "fp_deepseek_1",
}

# DeepSeek requires reasoning_content back on an assistant turn that made tool calls.
DEEPSEEK_REQUEST: dict[str, Any] = {
    "model": "deepseek-reasoner",
    "messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": "The user wants the weather; call the tool.",
            "tool_calls": [
                {
                    "id": "call_00_abc",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_00_abc", "content": "18C, cloudy"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
                "strict": True,
            },
        }
    ],
    "tool_choice": "auto",
    "stream": True,
    "stream_options": {"include_usage": True},
    "temperature": 1,
    "top_p": 0.95,
    "max_tokens": 4096,
}

VLLM_REQUEST: dict[str, Any] = {
    "model": "Qwen/Qwen3-8B",
    "messages": [
        {"role": "developer", "content": [{"type": "text", "text": "Be brief."}]},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"},
                },
                {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
                {
                    "type": "file",
                    "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBE"},
                },
            ],
        },
        {"role": "assistant", "content": "It is a cat.", "reasoning": "Looks feline."},
    ],
    "top_k": 20,
    "chat_template_kwargs": {"enable_thinking": True},
    "stop": ["</s>", "<|im_end|>"],
    "n": 1,
    "seed": 7,
    "logit_bias": {"1234": -100},
    "response_format": {
        "type": "json_schema",
        "json_schema": {
            "name": "answer",
            "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
            "strict": True,
        },
    },
}

OPENROUTER_REQUEST: dict[str, Any] = {
    "model": "anthropic/claude-sonnet-4",
    "messages": [
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": "Hello!",
            "reasoning": "Greeting back.",
            "reasoning_details": [
                {
                    "type": "reasoning.text",
                    "text": "Greeting back.",
                    "signature": "sig==",
                    "format": "anthropic-claude-v1",
                    "index": 0,
                }
            ],
        },
        {"role": "user", "content": "bye"},
    ],
    "reasoning": {"effort": "high"},
    "usage": {"include": True},
    "provider": {"order": ["anthropic"]},
}

OPENAI_FULL_REQUEST: dict[str, Any] = {
    "model": "gpt-5.4",
    "messages": [
        {"role": "developer", "content": "Follow the rules.", "name": "rules"},
        {"role": "user", "content": "Patch the file.", "name": "alice"},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Working."},
                {"type": "refusal", "refusal": "No."},
            ],
            "refusal": None,
            "audio": {"id": "audio_1"},
            "tool_calls": [
                {
                    "id": "call_2",
                    "type": "custom",
                    "custom": {"name": "apply_patch", "input": "*** Begin Patch"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "done"}]},
        {
            "role": "assistant",
            "content": None,
            "function_call": {"name": "old_fn", "arguments": "{}"},
        },
        {"role": "function", "name": "old_fn", "content": "ok"},
    ],
    "tools": [
        {
            "type": "custom",
            "custom": {
                "name": "apply_patch",
                "description": "Apply a patch",
                "format": {
                    "type": "grammar",
                    "grammar": {"definition": "start: /.+/", "syntax": "lark"},
                },
            },
        },
        {"type": "custom", "custom": {"name": "notes", "format": {"type": "text"}}},
    ],
    "tool_choice": {
        "type": "allowed_tools",
        "allowed_tools": {
            "mode": "required",
            "tools": [{"type": "custom", "custom": {"name": "apply_patch"}}],
        },
    },
    "functions": [{"name": "old_fn", "description": "legacy", "parameters": {"type": "object"}}],
    "function_call": {"name": "old_fn"},
    "parallel_tool_calls": False,
    "reasoning_effort": "xhigh",
    "verbosity": "low",
    "service_tier": "flex",
    "store": False,
    "metadata": {"k": "v"},
    "prompt_cache_key": "thread-1",
    "prompt_cache_retention": "24h",
    "prompt_cache_options": {"ttl": "30m", "mode": "explicit"},
    "safety_identifier": "user-hash",
    "user": "u1",
    "modalities": ["text", "audio"],
    "audio": {"voice": {"id": "voice_123"}, "format": "pcm16"},
    "prediction": {"type": "content", "content": [{"type": "text", "text": "old code"}]},
    "web_search_options": {
        "search_context_size": "high",
        "user_location": {"type": "approximate", "approximate": {"country": "FR", "city": "Paris"}},
    },
    "moderation": {
        "model": "omni-moderation-latest",
        "policy": {"input": {"mode": "block"}, "output": None},
    },
    "logprobs": True,
    "top_logprobs": 3,
    "frequency_penalty": 0.5,
    "presence_penalty": -0.5,
    "max_completion_tokens": 2000,
    "stop": "END",
}

VLLM_COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-9a8b",
    "object": "chat.completion",
    "created": 1745000001,
    "model": "Qwen/Qwen3-8B",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "reasoning": "Short answer.",
                "content": "It is a cat.",
                "tool_calls": [],
            },
            "logprobs": None,
            "finish_reason": "stop",
            "stop_reason": None,
        }
    ],
    "usage": {
        "prompt_tokens": 10,
        "total_tokens": 15,
        "completion_tokens": 5,
        "prompt_tokens_details": None,
    },
    "prompt_logprobs": None,
    "kv_transfer_params": None,
}

OPENROUTER_COMPLETION: dict[str, Any] = {
    "id": "gen-1745000002-abc",
    "provider": "Anthropic",
    "model": "anthropic/claude-sonnet-4",
    "object": "chat.completion",
    "created": 1745000002,
    "choices": [
        {
            "logprobs": None,
            "finish_reason": "stop",
            "native_finish_reason": "end_turn",
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Bye!",
                "refusal": None,
                "reasoning": "Farewell.",
                "reasoning_details": [
                    {
                        "type": "reasoning.text",
                        "text": "Farewell.",
                        "signature": "c2ln",
                        "format": "anthropic-claude-v1",
                        "index": 0,
                    },
                    {
                        "type": "reasoning.encrypted",
                        "data": "ZW5j",
                        "format": "anthropic-claude-v1",
                        "index": 1,
                    },
                ],
                "annotations": [
                    {
                        "type": "url_citation",
                        "url_citation": {
                            "url": "https://example.com",
                            "title": "Example",
                            "start_index": 0,
                            "end_index": 4,
                            "content": "x",
                        },
                    },
                    {"type": "file", "file": {"hash": "h", "name": "n"}},
                ],
            },
        }
    ],
    "usage": {
        "prompt_tokens": 20,
        "completion_tokens": 8,
        "total_tokens": 28,
        "cost": 0.00012,
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 4, "image_tokens": 0},
    },
}

CHUNKS: dict[str, dict[str, Any]] = {
    "deepseek reasoning delta": {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "deepseek-reasoner",
        "system_fingerprint": "fp_1",
        "choices": [
            {
                "index": 0,
                "delta": {"content": None, "reasoning_content": "Think"},
                "logprobs": None,
                "finish_reason": None,
            }
        ],
    },
    "vllm reasoning delta": {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "qwen",
        "choices": [
            {"index": 0, "delta": {"reasoning": "Hmm"}, "logprobs": None, "finish_reason": None}
        ],
    },
    "openrouter reasoning details delta": {
        "id": "gen-1",
        "provider": "Google",
        "model": "google/gemini-2.5-pro",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "choices": [
            {
                "index": 0,
                "delta": {
                    "role": "assistant",
                    "content": "",
                    "reasoning": "Plan",
                    "reasoning_details": [
                        {
                            "type": "reasoning.summary",
                            "summary": "Plan",
                            "format": "google-gemini-v1",
                            "index": 0,
                        }
                    ],
                },
                "finish_reason": None,
                "native_finish_reason": None,
                "logprobs": None,
            }
        ],
    },
    "azure prompt filter first chunk": {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": [
            {
                "prompt_index": 0,
                "content_filter_results": {"hate": {"filtered": False, "severity": "safe"}},
            }
        ],
    },
    "azure content filter choice without delta": {
        "id": "chatcmpl-az",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "gpt-4o",
        "choices": [
            {
                "index": 0,
                "finish_reason": None,
                "content_filter_results": {"violence": {"filtered": False, "severity": "safe"}},
                "content_filter_offsets": {"check_offset": 0, "start_offset": 0, "end_offset": 10},
            }
        ],
    },
    "usage only": {
        "id": "chatcmpl-u",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "gpt-4o",
        "choices": [],
        "usage": {
            "prompt_tokens": 9,
            "completion_tokens": 12,
            "total_tokens": 21,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "obfuscation": "abc",
    },
    "usage on the finishing chunk": {
        "id": "x",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    },
    "ollama whole tool call": {
        "id": "chatcmpl-42",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "llama3.1",
        "system_fingerprint": "fp_ollama",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [
                        {
                            "id": "call_x1",
                            "index": 0,
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                        }
                    ],
                },
                "finish_reason": None,
            }
        ],
    },
    "ollama-style chunk without id created model": {
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": "Hi"}}],
    },
    "duplicate tool call indices": {
        "id": "c2",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "kimi",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_a",
                            "type": "function",
                            "function": {"name": "a", "arguments": "{}"},
                        },
                        {
                            "index": 0,
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "b", "arguments": "{}"},
                        },
                    ]
                },
                "finish_reason": None,
            }
        ],
    },
    "tool call continuation without id or index": {
        "id": "c3",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "m",
        "choices": [{"index": 0, "delta": {"tool_calls": [{"function": {"arguments": '{"ci'}}]}}],
    },
    "finish_reason missing": {
        "id": "c4",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "tail"}}],
    },
    "openrouter mid-stream error": {
        "id": "gen-err",
        "object": "chat.completion.chunk",
        "created": 1745000000,
        "model": "openai/gpt-4o",
        "provider": "OpenAI",
        "error": {"code": 502, "message": "Provider disconnected"},
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
    },
    "vllm mid-stream error": {
        "error": {
            "object": "error",
            "message": "context too long",
            "type": "BadRequestError",
            "param": None,
            "code": 400,
        },
    },
    "legacy function call delta": {
        "id": "c5",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "function_call": {"name": "f", "arguments": ""}},
                "logprobs": {
                    "content": [
                        {
                            "token": "a",
                            "logprob": -0.5,
                            "bytes": [97],
                            "top_logprobs": [{"token": "a", "logprob": -0.5, "bytes": None}],
                        }
                    ],
                    "refusal": None,
                },
                "finish_reason": None,
            }
        ],
    },
}


@pytest.mark.parametrize(
    ("model", "payload"),
    [
        pytest.param(ChatCompletion, DEEPSEEK_COMPLETION, id="deepseek completion"),
        pytest.param(ChatCompletion, VLLM_COMPLETION, id="vllm completion"),
        pytest.param(ChatCompletion, OPENROUTER_COMPLETION, id="openrouter completion"),
        pytest.param(ChatCompletionRequest, DEEPSEEK_REQUEST, id="deepseek request"),
        pytest.param(ChatCompletionRequest, VLLM_REQUEST, id="vllm request"),
        pytest.param(ChatCompletionRequest, OPENROUTER_REQUEST, id="openrouter request"),
        pytest.param(ChatCompletionRequest, OPENAI_FULL_REQUEST, id="every request field"),
        *(pytest.param(ChatCompletionChunk, chunk, id=name) for name, chunk in CHUNKS.items()),
    ],
)
def test_provider_payloads_round_trip(model: type[WireModel], payload: dict[str, Any]) -> None:
    roundtrip(model, payload)


def test_provider_fields_are_read_where_they_belong() -> None:
    deepseek = ChatCompletion.parse(DEEPSEEK_COMPLETION)
    message = deepseek.choices[0].message
    assert (
        message.reasoning_content
        == DEEPSEEK_COMPLETION["choices"][0]["message"]["reasoning_content"]
    )
    assert isinstance(message.tool_calls, list)
    assert isinstance(message.tool_calls[0], ChatToolCall)
    request = ChatCompletionRequest.parse(DEEPSEEK_REQUEST)
    assistant = request.messages[2]
    assert isinstance(assistant, AssistantMessage)
    assert assistant.reasoning_content == DEEPSEEK_REQUEST["messages"][2]["reasoning_content"]
    openrouter = ChatCompletion.parse(OPENROUTER_COMPLETION).choices[0].message
    raw = OPENROUTER_COMPLETION["choices"][0]["message"]
    assert openrouter.reasoning == raw["reasoning"]
    assert openrouter.reasoning_details == raw["reasoning_details"]
    assert openrouter.annotations is not None
    assert type(openrouter.annotations[1]).__name__ == "UnknownChatAnnotation"
    vllm = ChatCompletionRequest.parse(VLLM_REQUEST)
    assert vllm.extra_fields == {k: VLLM_REQUEST[k] for k in ("top_k", "chat_template_kwargs")}


def test_stream_quirks_read_sensibly() -> None:
    azure = ChatCompletionChunk.parse(CHUNKS["azure prompt filter first chunk"])
    assert azure.choices == []
    assert azure.object == ""
    no_delta = ChatCompletionChunk.parse(CHUNKS["azure content filter choice without delta"])
    assert no_delta.choices[0].delta.content is None
    assert "delta" not in no_delta.to_dict()["choices"][0]
    bare = ChatCompletionChunk.parse(CHUNKS["ollama-style chunk without id created model"])
    assert (bare.id, bare.created, bare.model) == (None, None, None)
    only_error = ChatCompletionChunk.parse(CHUNKS["vllm mid-stream error"])
    assert only_error.choices == []
    assert only_error.error is not None
    assert only_error.error.code == CHUNKS["vllm mid-stream error"]["error"]["code"]
    dupes = (
        ChatCompletionChunk.parse(CHUNKS["duplicate tool call indices"]).choices[0].delta.tool_calls
    )
    assert dupes is not None
    assert [(d.index, d.id) for d in dupes] == [
        (d["index"], d["id"])
        for d in CHUNKS["duplicate tool call indices"]["choices"][0]["delta"]["tool_calls"]
    ]
    missing = ChatCompletionChunk.parse(CHUNKS["tool call continuation without id or index"])
    delta = missing.choices[0].delta.tool_calls
    assert delta is not None
    assert (delta[0].index, delta[0].id) == (None, None)


def test_error_bodies() -> None:
    bodies: list[dict[str, Any]] = [
        {
            "error": {
                "message": "Invalid model",
                "type": "invalid_request_error",
                "param": "model",
                "code": "model_not_found",
            }
        },
        {"error": {"message": "Rate limited", "code": 429, "metadata": {"provider_name": "X"}}},
        {
            "error": {"message": "bad", "type": "BadRequestError", "param": None, "code": 400},
            "object": "error",
        },
    ]
    for body in bodies:
        parsed = roundtrip(ChatErrorBody, body)
        assert isinstance(parsed, ChatErrorBody)
        assert parsed.error is not None
        assert parsed.error.code == body["error"]["code"]


# --- unknown kinds are kept whole ------------------------------------------------------


def test_unknown_role_part_tool_and_choice_are_kept_whole() -> None:
    message = {"role": "ipython", "content": "42", "meta": {"x": 1}}
    parsed_message = parse_chat_message(message)
    assert isinstance(parsed_message, UnknownChatMessage)
    assert parsed_message.to_dict() == message

    part = {"type": "video_url", "video_url": {"url": "https://example.com/v.mp4"}}
    parsed_part = parse_chat_content_part(part)
    assert isinstance(parsed_part, UnknownChatContentPart)
    assert parsed_part.to_dict() == part

    tool = {"type": "web_search_preview", "search_context_size": "low"}
    parsed_tool = parse_chat_tool(tool)
    assert isinstance(parsed_tool, UnknownChatTool)
    assert parsed_tool.to_dict() == tool

    call = {"id": "c", "type": "mcp", "mcp": {"server": "s"}}
    parsed_call = parse_chat_tool_call(call)
    assert isinstance(parsed_call, UnknownChatToolCall)
    assert parsed_call.to_dict() == call

    request = {
        "model": "m",
        "messages": [message, {"role": "user", "content": [part]}],
        "tools": [tool],
        "tool_choice": {"type": "web_search_preview"},
        "response_format": {"type": "regex", "regex": {"pattern": "a+"}},
    }
    parsed = ChatCompletionRequest.parse(request)
    assert parsed.to_dict() == request
    assert isinstance(parsed.tool_choice, UnknownChatToolChoice)
    assert isinstance(parsed.response_format, UnknownChatResponseFormat)


def test_tool_calls_without_type_are_read_by_their_body() -> None:
    call = {"id": "c1", "function": {"name": "f", "arguments": "{}"}}
    parsed = parse_chat_tool_call(call)
    assert isinstance(parsed, ChatToolCall)
    assert parsed.to_dict() == call
    tool = {"function": {"name": "f"}}
    assert type(parse_chat_tool(tool)).__name__ == "ChatFunctionTool"
    assert parse_chat_tool(tool).to_dict() == tool


# --- malformed input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "payload", "path"),
    [
        pytest.param(
            ChatCompletionRequest,
            {
                "model": "m",
                "messages": [
                    {"role": "user", "content": [{"type": "image_url", "image_url": {"url": 5}}]}
                ],
            },
            "messages[0].content[0].image_url.url",
            id="image url not a string",
        ),
        pytest.param(
            ChatCompletionRequest,
            {
                "model": "m",
                "messages": [
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "c",
                                "type": "function",
                                "function": {"name": "f", "arguments": {}},
                            }
                        ],
                    }
                ],
            },
            "messages[0].tool_calls[0].function.arguments",
            id="arguments as an object",
        ),
        pytest.param(
            ChatCompletionRequest,
            {"model": "m", "messages": [{"role": "tool", "content": "x"}]},
            "messages[0].tool_call_id",
            id="tool message without its call id",
        ),
        pytest.param(ChatCompletionRequest, {"model": "m"}, "messages", id="no messages"),
        pytest.param(
            ChatCompletionRequest,
            {"messages": [], "tool_choice": {"type": "function", "function": {}}},
            "tool_choice.function.name",
            id="named tool choice without a name",
        ),
        pytest.param(
            ChatCompletionRequest,
            {"messages": [], "stop": [1]},
            "stop[0]",
            id="stop list of numbers",
        ),
        pytest.param(
            ChatCompletionRequest,
            {
                "messages": [],
                "response_format": {"type": "json_schema", "json_schema": {"schema": {}}},
            },
            "response_format.json_schema.name",
            id="json schema without a name",
        ),
        pytest.param(ChatCompletion, {"id": "x"}, "choices", id="completion without choices"),
        pytest.param(
            ChatCompletion,
            {"choices": [{"index": 0, "message": {"content": ["not", "a", "string"]}}]},
            "choices[0].message.content",
            id="reply content as a list",
        ),
        pytest.param(
            ChatCompletionChunk,
            {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": "first"}]}}]},
            "choices[0].delta.tool_calls[0].index",
            id="tool call index not a number",
        ),
        pytest.param(
            ChatCompletionChunk,
            {"choices": [], "usage": {"prompt_tokens": "many"}},
            "usage.prompt_tokens",
            id="usage count not a number",
        ),
    ],
)
def test_malformed_input_names_the_field(
    model: type[WireModel], payload: dict[str, Any], path: str
) -> None:
    with pytest.raises(PayloadError) as caught:
        model.parse(payload)
    assert caught.value.path == path
    with pytest.raises(PayloadError) as from_bytes:
        model.parse(json.dumps(payload).encode())
    assert from_bytes.value.path == path


def test_malformed_union_members_name_the_field() -> None:
    with pytest.raises(PayloadError) as caught:
        parse_chat_message({"role": "user", "content": [{"type": "text"}]})
    assert caught.value.path == "content[0].text"
    with pytest.raises(PayloadError) as caught:
        parse_chat_message({"content": "no role"})
    assert caught.value.path == "role"


# --- speed (printed, not asserted) -----------------------------------------------------

CONTENT_CHUNK = json.dumps(
    {
        "id": "chatcmpl-123",
        "object": "chat.completion.chunk",
        "created": 1694268190,
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_44709d6fcb",
        "choices": [
            {"index": 0, "delta": {"content": "Hello"}, "logprobs": None, "finish_reason": None}
        ],
    }
).encode()
TOOL_CHUNK = json.dumps(
    {
        "id": "chatcmpl-123",
        "object": "chat.completion.chunk",
        "created": 1694268190,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '{"city": "Pa'}}]},
                "logprobs": None,
                "finish_reason": None,
            }
        ],
    }
).encode()


def test_benchmark_chunks_parse() -> None:
    """The chunks whose parse cost benchmarks/parse_cost.py measures read as what they say."""
    content = ChatCompletionChunk.parse(CONTENT_CHUNK)
    assert content.choices[0].delta.content is not None
    (call,) = ChatCompletionChunk.parse(TOOL_CHUNK).choices[0].delta.tool_calls or []
    assert call.function is not None
    assert call.function.arguments == '{"city": "Pa'
