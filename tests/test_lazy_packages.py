"""The model packages load their heavy modules on first use: translating a Responses request
must not define the stream-event, response or chat models (the cold start of a fresh
worker depends on it), and every name stays reachable as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "fixtures" / "codex-0.169-request-1.json"

NOT_FOR_A_REQUEST = (
    "wireshift.responses._events",
    "wireshift.responses._response",
    # the item and tool kinds a chat translation never reads, and the unions of every kind
    "wireshift.responses._hosted_items",
    "wireshift.responses._hosted_tools",
    "wireshift.responses._shell_items",
    "wireshift.responses._tool_choices",
    "wireshift.responses._create_frame",
    "wireshift.responses._item_union",
    "wireshift.responses._tool_union",
    "wireshift.chat._completion",
    "wireshift.chat._messages",
    "wireshift.chat._request",
    "wireshift.translate._stream_api",
    "wireshift.translate._response_body",
    "wireshift.accumulate",
    "wireshift.toolseq",
    # bodies, SSE, stores and WebSocket sessions: top-level names loaded on first use
    "wireshift._body",
    "wireshift._httpx",
    "wireshift._sse",
    "wireshift._memory_store",
    "wireshift._store",
    "wireshift._sqlite_store",
    "wireshift._websocket",
)


def test_translating_a_responses_request_loads_no_stream_or_response_models() -> None:
    code = (
        "import json, sys, wireshift; "
        f"raw = json.loads(open({str(FIXTURE)!r}).read())['body']; "
        "wireshift.translate_request(json.dumps(raw), to='chat', profile='vllm'); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('wireshift'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout))
    assert "wireshift.translate._request_to_chat" in loaded  # it did translate
    assert loaded.isdisjoint(NOT_FOR_A_REQUEST), sorted(loaded & set(NOT_FOR_A_REQUEST))


def test_a_later_request_with_shell_patch_and_hosted_items_loads_and_reads_them() -> None:
    """The kinds left out of the request's first validator come in with the first body that
    holds one: each is read as its own class (a shell call becomes the shell function's
    call, a hosted call is noted, a function choice names its function), not as an unknown
    item or choice."""
    later = {
        "model": "m",
        "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
        "tool_choice": {"type": "function", "name": "f"},
        "input": [
            {"type": "message", "role": "user", "content": "go"},
            {"type": "shell_call", "call_id": "c1", "action": {"commands": ["ls"]}},
            {"type": "shell_call_output", "call_id": "c1", "output": []},
            {
                "type": "apply_patch_call",
                "call_id": "c2",
                "operation": {"type": "delete_file", "path": "a.txt"},
            },
            {"type": "apply_patch_call_output", "call_id": "c2", "output": "done"},
            {"type": "web_search_call", "id": "ws1", "action": {"type": "search"}},
        ],
    }
    code = (
        "import json, sys, wireshift; "
        f"raw = json.loads(open({str(FIXTURE)!r}).read())['body']; "
        "wireshift.translate_request(json.dumps(raw), to='chat', profile='vllm'); "
        "before = sorted(m for m in sys.modules if m.startswith('wireshift.responses')); "
        f"out = wireshift.translate_request({json.dumps(later)!r}, to='chat', profile='vllm'); "
        "after = sorted(m for m in sys.modules if m.startswith('wireshift.responses')); "
        "print(json.dumps([before, after, out.data, [n.code for n in out.notes]]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after, data, codes = json.loads(done.stdout)
    messages = data["messages"]
    assert data["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    for module in (
        "wireshift.responses._shell_items",
        "wireshift.responses._hosted_items",
        "wireshift.responses._tool_choices",
    ):
        assert module not in before
        assert module in after
    calls = [m["tool_calls"][0]["function"] for m in messages if m.get("tool_calls")]
    assert [c["name"] for c in calls] == ["shell", "apply_patch"]
    assert json.loads(calls[0]["arguments"])["commands"] == ["ls"]
    assert json.loads(calls[1]["arguments"]) == {"type": "delete_file", "path": "a.txt"}
    assert [m["tool_call_id"] for m in messages if m["role"] == "tool"] == ["c1", "c2"]
    assert "translate.item.no_chat_form" in codes
    assert "translate.item.unknown" not in codes


def test_lazy_names_resolve_and_star_import_gives_every_part() -> None:
    code = (
        "import json\n"
        "from wireshift.responses import *\n"
        "from wireshift.chat import *\n"
        "from wireshift.translate import *\n"
        "import wireshift.responses as r, wireshift.chat as c, wireshift.translate as t\n"
        "print(json.dumps([ResponseCompletedEvent.__name__, Response.__name__,"
        " ChatCompletionChunk.__name__, ChatCompletionRequest.__name__,"
        " translate_stream.__name__, t.ReasoningStyle is not None,"
        " 'ResponseCompletedEvent' in r.__all__, 'ChatCompletion' in c.__all__,"
        " 'translate_response' in t.__all__, 'TranslationError' in t.__all__]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [
        "ResponseCompletedEvent",
        "Response",
        "ChatCompletionChunk",
        "ChatCompletionRequest",
        "translate_stream",
        True,
        True,
        True,
        True,
        True,
    ]


def test_dir_of_a_package_lists_the_names_not_yet_loaded() -> None:
    """``dir()`` (a REPL's completion, ``help()``) shows every public name of the package,
    those of parts not loaded yet included, and each of them resolves."""
    code = (
        "import json, sys\n"
        "import wireshift.responses as r, wireshift.chat as c, wireshift.translate as t\n"
        "loaded = 'wireshift.responses._events' in sys.modules\n"
        "names = {p.__name__: dir(p) for p in (r, c, t)}\n"
        "missing = {p.__name__: [n for n in p.__all__ if n not in names[p.__name__]]"
        " for p in (r, c, t)}\n"
        "resolved = all(getattr(p, n) is not None for p in (r, c, t) for n in names[p.__name__]"
        " if not n.startswith('_'))\n"
        "print(json.dumps([loaded, missing, resolved,"
        " 'ResponseCompletedEvent' in names['wireshift.responses'],"
        " 'ChatCompletionChunk' in names['wireshift.chat'],"
        " 'ResponsesToChatStream' in names['wireshift.translate'],"
        " names['wireshift.chat'] == sorted(names['wireshift.chat'])]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    empty: dict[str, list[str]] = {
        "wireshift.responses": [],
        "wireshift.chat": [],
        "wireshift.translate": [],
    }
    assert json.loads(done.stdout) == [False, empty, True, True, True, True, True]


def test_an_unknown_name_is_an_attribute_error() -> None:
    import wireshift.responses

    with pytest.raises(AttributeError, match="NoSuchModel"):
        wireshift.responses.NoSuchModel  # noqa: B018


def test_no_model_field_has_a_builtin_default_factory() -> None:
    """pydantic reads a factory's signature; a builtin's (``list``) is parsed with
    ``tokenize``, whose first use compiles its patterns: milliseconds of a cold start."""
    import inspect

    import wireshift.chat
    import wireshift.responses

    found = []
    for package in (wireshift.responses, wireshift.chat):
        for name in package.__all__:
            model = getattr(package, name)
            if inspect.isclass(model) and hasattr(model, "model_fields"):
                found += [
                    f"{name}.{field}"
                    for field, info in model.model_fields.items()
                    if inspect.isbuiltin(info.default_factory)
                    or info.default_factory in (list, dict, set)
                ]
    assert found == []
