"""The docs' code runs: the recipe pages' snippets print what the page shows, the CLI page's
commands print what it shows, and the two example servers in docs/examples/ serve the real
openai SDK over HTTP on 127.0.0.1.

- ``codex_proxy.py`` (Responses in, Chat Completions upstream) is driven with
  ``client.responses.stream(...)`` over a scripted chat upstream, for each chat profile.
- ``chat_to_codex_backend.py`` (Chat Completions in, the ChatGPT Codex backend upstream) is
  driven with ``client.chat.completions.create(...)`` and ``.stream(...)`` over a scripted
  Responses upstream that always streams and labels its stream ``application/json``, as the
  Codex backend does; failures included.

Every page's Python blocks run (from the repository root) and must print the ``text`` block
that follows them, if any: the page is the expectation. A block that cannot run alone (it
needs a server, or the caller's own variables) is marked ``<!-- fragment: why -->``. The
servers' expectations come from what the scripted upstreams send, never
from the code under test.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from local_servers import serve_asgi, serve_upstream
from wireshift import get_profile

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"

# --- the Quickstart -----------------------------------------------------------------------

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_FRAGMENT = re.compile(r"<!--\s*fragment:\s*(.*?)\s*-->\s*$")


@dataclass
class Snippet:
    line: int
    code: str
    output: str | None  # the ```text block right after it, if any
    fragment: str | None = None  # why it cannot run alone, when marked as a fragment


def _snippets(page: Path) -> list[Snippet]:
    """Every Python block of a page, except those that include a file (``--8<--``: the
    examples, tested below). A block right after ``<!-- fragment: why -->`` is a fragment."""
    text = page.read_text(encoding="utf-8")
    blocks = list(_FENCE.finditer(text))
    found: list[Snippet] = []
    for block, after in itertools.zip_longest(blocks, blocks[1:]):
        if block.group(1) not in ("python", "py") or block.group(2).startswith("--8<--"):
            continue
        output = None
        if (
            after is not None
            and after.group(1) == "text"
            and not text[block.end() : after.start()].strip()
        ):
            output = after.group(2)
        before = text[: block.start()].rstrip().rsplit("\n", 1)[-1]
        marker = _FRAGMENT.search(before)
        line = text.count("\n", 0, block.start()) + 1
        found.append(Snippet(line, block.group(2), output, marker.group(1) if marker else None))
    return found


PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
ALL_SNIPPETS = [(page, s) for page in PAGES for s in _snippets(DOCS / page)]
SNIPPETS = [(page, s) for page, s in ALL_SNIPPETS if s.fragment is None]
RECIPE_PAGES = ["index.md", "codex-proxy.md", "chatgpt-codex-backend.md", "translate-streams.md"]


def test_every_fragment_says_why_and_marks_a_block() -> None:
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for marker in re.finditer(r"<!--\s*fragment\b.*?-->", text):
            assert _FRAGMENT.search(marker.group(0)), f"{page}: {marker.group(0)} gives no reason"
            rest = text[marker.end() :].lstrip()
            assert rest.startswith("```python"), f"{page}: {marker.group(0)} marks no Python block"
    fragments = [s for _, s in ALL_SNIPPETS if s.fragment is not None]
    assert all(s.fragment for s in fragments)
    # Most blocks run: a page of fragments would test nothing.
    assert len(SNIPPETS) > len(fragments)


def test_the_fragment_marker_is_read() -> None:
    page = (
        "Text.\n\n<!-- fragment: needs a server -->\n```python\nx = 1\n```\n\n```py\ny = 2\n```\n"
    )
    path = Path(__file__).parent / "_fragment_probe.md"
    try:
        path.write_text(page, encoding="utf-8")
        found = _snippets(path)
    finally:
        path.unlink()
    assert [(s.code, s.fragment) for s in found] == [
        ("x = 1\n", "needs a server"),
        ("y = 2\n", None),
    ]


def test_the_quickstart_has_its_snippets() -> None:
    assert {page for page, _ in SNIPPETS} >= set(RECIPE_PAGES) - {"codex-proxy.md"}
    quickstart = [s for page, s in SNIPPETS if page == "index.md"]
    assert len(quickstart) >= 5
    assert all(s.output is not None for s in quickstart)


@pytest.mark.parametrize(
    ("page", "snippet"), SNIPPETS, ids=[f"{page}:{s.line}" for page, s in SNIPPETS]
)
def test_snippet_runs_and_prints_what_the_page_shows(
    page: str,
    snippet: Snippet,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(snippet.code, f"docs/{page}:{snippet.line}", "exec"), {"__name__": "docs"})
    if snippet.output is not None:
        assert capsys.readouterr().out == snippet.output


# --- the CLI page -------------------------------------------------------------------------


@dataclass
class Session:
    line: int
    commands: list[tuple[str, list[str]]]  # each command and the lines it prints


def _sessions(page: Path) -> list[Session]:
    text = page.read_text(encoding="utf-8")
    found: list[Session] = []
    for block in _FENCE.finditer(text):
        if block.group(1) != "console":
            continue
        commands: list[tuple[str, list[str]]] = []
        for line in block.group(2).splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                assert commands, f"output before any command in {page.name}: {line!r}"
                commands[-1][1].append(line)
        found.append(Session(text.count("\n", 0, block.start()) + 1, commands))
    return found


CLI_SESSIONS = _sessions(DOCS / "cli.md")


@pytest.mark.parametrize("session", CLI_SESSIONS, ids=lambda s: f"cli.md:{s.line}")
def test_cli_page_commands_print_what_the_page_shows(session: Session, tmp_path: Path) -> None:
    """Each console block runs in one shell, from a directory holding ``examples/``; stdout
    and stderr together are compared line by line (in any order for a pipeline, whose two
    processes write at once)."""
    for tool in ("bash", "jq", "gzip"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    marker = f"--- {uuid.uuid4().hex} ---"
    script = [f'wireshift() {{ "{sys.executable}" -m wireshift "$@"; }}', "rc=0"]
    for command, _ in session.commands:
        # `(exit $rc)` gives the command the status of the one before (for `echo $?`).
        script += [f"echo '{marker}'", f"(exit $rc); {{ {command} ; }} 2>&1; rc=$?"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs = done.stdout.split(marker + "\n")[1:]
    assert len(outputs) == len(session.commands), done.stdout + done.stderr
    for (command, shown), output in zip(session.commands, outputs, strict=True):
        got = output.splitlines()
        if "|" in command:
            assert sorted(got) == sorted(shown), command
        else:
            assert got == shown, command


# --- serving an example app ---------------------------------------------------------------


def _load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sdk() -> Any:
    return pytest.importorskip("openai")


# --- Codex in front of a chat backend: docs/examples/codex_proxy.py -----------------------

REASONING = ["The user wants ", "the files listed; ", "run ls."]
TEXT = ["I'll list ", "the files ", "first."]
CALL_ID = "call_3f9a2c"
ARGUMENTS = ['{"command": ', '["ls", "-la"]', "}"]
CHAT_USAGE = {"prompt_tokens": 311, "completion_tokens": 29, "total_tokens": 340}
UPSTREAM_MODEL = "Qwen/Qwen3-32B"
SHELL_TOOL = {
    "type": "function",
    "name": "shell",
    "description": "Runs a shell command.",
    "parameters": {
        "type": "object",
        "properties": {"command": {"type": "array", "items": {"type": "string"}}},
        "required": ["command"],
    },
}


@dataclass
class ChatUpstream:
    """Streams one chat turn: reasoning in the profile's reply field, text, then a tool call
    in pieces, its finish reason, and usage when asked; or an HTTP error when ``refusal``
    is set. Records each request."""

    reasoning_field: str
    refusal: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        self.requests.append(body)
        self.headers.append({k.lower(): v for k, v in headers.items()})
        if not path.endswith("/chat/completions"):
            return 404, "application/json", b'{"error":{"message":"not found"}}'
        if self.refusal is not None:
            error = {"error": {"message": self.refusal, "type": "invalid_request_error"}}
            return 400, "application/json", json.dumps(error).encode()
        base = {"id": "chatcmpl-up1", "object": "chat.completion.chunk", "created": 1767225600}
        base["model"] = body.get("model", "")
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{self.reasoning_field: piece} for piece in REASONING]
        deltas += [{"content": piece} for piece in TEXT]
        first = {"index": 0, "id": CALL_ID, "type": "function"}
        deltas.append({"tool_calls": [{**first, "function": {"name": "shell", "arguments": ""}}]})
        deltas += [{"tool_calls": [{"index": 0, "function": {"arguments": a}}]} for a in ARGUMENTS]
        chunks = [{**base, "choices": [{"index": 0, "delta": d}]} for d in deltas]
        chunks.append(
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
        )
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({**base, "choices": [], "usage": CHAT_USAGE})
        sse = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", sse + b"data: [DONE]\n\n"


@contextmanager
def codex_proxy(
    script: ChatUpstream, profile: str, store: str | None = None, keys: int = 1
) -> Iterator[Any]:
    """docs/examples/codex_proxy.py for ``profile`` over ``script``; yields an openai client
    (a list of ``keys`` clients, each with its own API key, when ``keys`` > 1)."""
    openai = _sdk()
    proxy = _load_example("codex_proxy")
    with serve_upstream(script) as upstream:
        app = proxy.create_app(
            upstream_url=upstream,
            api_key="sk-upstream",
            profile=profile,
            model=UPSTREAM_MODEL,
            store=store,
        )
        with serve_asgi(app) as base_url:
            clients = [
                openai.OpenAI(base_url=base_url, api_key=f"sk-client-{n}", max_retries=0)
                for n in range(keys)
            ]
            try:
                yield clients[0] if keys == 1 else clients
            finally:
                for client in clients:
                    client.close()


CHAT_PROFILES = ["vllm", "ollama", "deepseek", "openrouter", "litellm"]


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_codex_proxy_with_a_store_answers_previous_response_id(store: str, tmp_path: Path) -> None:
    openai = _sdk()
    script = ChatUpstream(reasoning_field="reasoning_content")
    where = "memory" if store == "memory" else str(tmp_path / "turns.db")
    with codex_proxy(script, "deepseek", store=where, keys=2) as (client, other):
        with client.responses.stream(model="m", input="List the files.", tools=[SHELL_TOOL]) as s:
            first = s.get_final_response()
        output = {"type": "function_call_output", "call_id": CALL_ID, "output": "a.txt"}
        with client.responses.stream(
            model="m", previous_response_id=first.id, input=[output], tools=[SHELL_TOOL]
        ) as s:
            s.get_final_response()
        # The proxy answers before streaming: the other key's request is a plain 400.
        with (
            pytest.raises(openai.BadRequestError, match=first.id),
            other.responses.stream(
                model="m", previous_response_id=first.id, input="and?", tools=[SHELL_TOOL]
            ) as s,
        ):
            s.get_final_response()
    second = script.requests[1]["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "tool"]
    assert second[0]["content"] == "List the files."
    assert second[1]["tool_calls"][0]["id"] == CALL_ID
    assert second[1]["reasoning_content"] == "".join(REASONING)
    assert second[2]["content"] == "a.txt"
    assert len(script.requests) == 2  # the other key's request never reached the backend


@pytest.mark.parametrize("profile", CHAT_PROFILES)
def test_codex_proxy_serves_the_openai_sdk(profile: str) -> None:
    script = ChatUpstream(reasoning_field=get_profile(profile).reasoning_reply_fields[0])
    with (
        codex_proxy(script, profile) as client,
        client.responses.stream(
            model="gpt-5.1-codex",
            instructions="You are a coding agent.",
            input=[{"role": "user", "content": "List the files."}],
            tools=[SHELL_TOOL],
        ) as stream,
    ):
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()

    assert "".join(deltas) == "".join(TEXT)
    assert final.status == "completed"
    assert [item.type for item in final.output] == ["reasoning", "message", "function_call"]
    reasoning, _, call = final.output
    assert "".join(part.text for part in reasoning.summary) == "".join(REASONING)
    assert final.output_text == "".join(TEXT)
    assert (call.call_id, call.name, call.arguments) == (CALL_ID, "shell", "".join(ARGUMENTS))
    assert final.usage.input_tokens == CHAT_USAGE["prompt_tokens"]
    assert final.usage.output_tokens == CHAT_USAGE["completion_tokens"]
    assert final.usage.total_tokens == CHAT_USAGE["total_tokens"]

    # What the chat backend was sent.
    (sent,) = script.requests
    assert sent["model"] == UPSTREAM_MODEL
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["messages"][0]["role"] == "system"
    assert "You are a coding agent." in json.dumps(sent["messages"][0]["content"])
    assert [t["function"]["name"] for t in sent["tools"]] == ["shell"]
    assert script.headers[0]["authorization"] == "Bearer sk-upstream"


def test_codex_proxy_passes_the_upstream_error_on() -> None:
    """An upstream HTTP 400 becomes ``response.failed`` whose ``response.error.message``
    (what Codex prints) holds the upstream's words."""
    refusal = f"This model's maximum context length is 32768 tokens ({uuid.uuid4().hex[:6]})"
    script = ChatUpstream(reasoning_field="reasoning", refusal=refusal)
    events: list[Any] = []
    with (
        codex_proxy(script, "vllm") as client,
        client.responses.stream(model="m", input="hi") as stream,
    ):
        events.extend(stream)
        # The SDK has no final response for a failed stream.
        with pytest.raises(RuntimeError):
            stream.get_final_response()
    (failed,) = [e for e in events if e.type == "response.failed"]
    assert refusal in failed.response.error.message


# --- a chat client in front of the ChatGPT Codex backend ----------------------------------

RESPONSES_USAGE = {
    "input_tokens": 1200,
    "input_tokens_details": {"cached_tokens": 1024},
    "output_tokens": 85,
    "output_tokens_details": {"reasoning_tokens": 40},
    "total_tokens": 1285,
}
FAILURE = {
    "type": "invalid_request_error",
    "code": "context_length_exceeded",
    "message": "Your input exceeds the context window of this model.",
}
USAGE_LIMIT = {"type": "usage_limit_reached", "message": "The usage limit has been reached"}


def _responses_turn(model: str) -> list[dict[str, Any]]:
    """A Codex-backend turn: a reasoning summary, a message, a function call, completed."""
    resp = {"id": "resp_7e1", "object": "response", "created_at": 1767225600, "model": model}
    reasoning = {"id": "rs_1", "type": "reasoning", "encrypted_content": "gAAAA", "summary": []}
    message: dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant"}
    message |= {"status": "in_progress", "content": []}
    call: dict[str, Any] = {"id": "fc_1", "type": "function_call", "call_id": CALL_ID}
    call |= {"name": "shell", "arguments": "", "status": "in_progress"}
    summary = "".join(REASONING)
    text = "".join(TEXT)
    arguments = "".join(ARGUMENTS)
    done_reasoning = {**reasoning, "summary": [{"type": "summary_text", "text": summary}]}
    part = {"type": "output_text", "text": text, "annotations": []}
    done_message = {**message, "status": "completed", "content": [part]}
    done_call = {**call, "arguments": arguments, "status": "completed"}
    at = {"item_id": "rs_1", "output_index": 0, "summary_index": 0}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {**resp, "status": "in_progress", "output": []}},
        {"type": "response.in_progress", "response": {**resp, "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": reasoning},
        {
            "type": "response.reasoning_summary_part.added",
            **at,
            "part": {"type": "summary_text", "text": ""},
        },
        *({"type": "response.reasoning_summary_text.delta", **at, "delta": d} for d in REASONING),
        {"type": "response.reasoning_summary_text.done", **at, "text": summary},
        {
            "type": "response.reasoning_summary_part.done",
            **at,
            "part": {"type": "summary_text", "text": summary},
        },
        {"type": "response.output_item.done", "output_index": 0, "item": done_reasoning},
        {"type": "response.output_item.added", "output_index": 1, "item": message},
    ]
    at = {"item_id": "msg_1", "output_index": 1, "content_index": 0}
    events += [
        {"type": "response.content_part.added", **at, "part": {**part, "text": ""}},
        *({"type": "response.output_text.delta", **at, "delta": d} for d in TEXT),
        {"type": "response.output_text.done", **at, "text": text},
        {"type": "response.content_part.done", **at, "part": part},
        {"type": "response.output_item.done", "output_index": 1, "item": done_message},
        {"type": "response.output_item.added", "output_index": 2, "item": call},
    ]
    at = {"item_id": "fc_1", "output_index": 2}
    events += [
        *({"type": "response.function_call_arguments.delta", **at, "delta": d} for d in ARGUMENTS),
        {"type": "response.function_call_arguments.done", **at, "arguments": arguments},
        {"type": "response.output_item.done", "output_index": 2, "item": done_call},
    ]
    output = [done_reasoning, done_message, done_call]
    final = {**resp, "status": "completed", "output": output, "usage": RESPONSES_USAGE}
    events.append({"type": "response.completed", "response": final})
    return events


def _responses_failure(model: str) -> list[dict[str, Any]]:
    """The backend's failure: ``response.error`` null, the real error beside it."""
    resp = {"id": "resp_7e2", "object": "response", "created_at": 1767225600, "model": model}
    return [
        {"type": "response.created", "response": {**resp, "status": "in_progress", "output": []}},
        {
            "type": "response.failed",
            "response": {**resp, "status": "failed", "error": None, "output": []},
            "error": FAILURE,
        },
    ]


def _items_only(model: str, *, done_events: bool) -> list[dict[str, Any]]:
    """The same turn with no delta or part events: whole items in ``output_item.done`` (as
    Codex's own test fixtures stream), or, without ``done_events``, only in the terminal
    response's ``output``."""
    turn = _responses_turn(model)
    kept: tuple[str, ...] = ("response.created", "response.completed")
    if done_events:
        kept += ("response.output_item.done",)
    return [event for event in turn if event["type"] in kept]


@dataclass
class CodexBackend:
    """Answers ``POST /responses`` like the ChatGPT Codex backend: always a stream, labelled
    ``application/json``. The model asked for picks the script: ``ok``, ``fail`` (a failed
    response) or ``limit`` (HTTP 429 before any stream). Records each request."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        self.requests.append(body)
        self.headers.append({k.lower(): v for k, v in headers.items()})
        if not path.endswith("/responses"):
            return 404, "application/json", b'{"detail":"Not Found"}'
        model = body.get("model", "")
        if model == "limit":
            return 429, "application/json", json.dumps({"error": USAGE_LIMIT}).encode()
        if model in ("done-only", "terminal-only"):
            events = _items_only(model, done_events=model == "done-only")
        elif model == "fail":
            events = _responses_failure(model)
        else:
            events = _responses_turn(model)
        sse = b"".join(
            f"event: {e['type']}\ndata: {json.dumps({**e, 'sequence_number': n})}\n\n".encode()
            for n, e in enumerate(events)
        )
        return 200, "application/json", sse


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[Any, CodexBackend]]:
    """docs/examples/chat_to_codex_backend.py over a scripted Codex backend; yields an openai
    client for it and the backend."""
    openai = _sdk()
    example = _load_example("chat_to_codex_backend")
    script = CodexBackend()
    with serve_upstream(script) as upstream:
        app = example.create_app(upstream_url=upstream, access_token="tok", account_id="acct")
        with (
            serve_asgi(app) as base_url,
            openai.OpenAI(base_url=base_url, api_key="sk-client", max_retries=0) as client,
        ):
            yield client, script


CHAT_TOOL = {
    "type": "function",
    "function": {k: v for k, v in SHELL_TOOL.items() if k != "type"},
}
CHAT_MESSAGES = [
    {"role": "system", "content": "Answer briefly."},
    {"role": "user", "content": "List the files."},
]


def _check_completion(completion: Any) -> None:
    (choice,) = completion.choices
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "".join(TEXT)
    assert choice.message.model_extra["reasoning_content"] == "".join(REASONING)
    (call,) = choice.message.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == (
        CALL_ID,
        "shell",
        "".join(ARGUMENTS),
    )
    assert completion.usage.prompt_tokens == RESPONSES_USAGE["input_tokens"]
    assert completion.usage.completion_tokens == RESPONSES_USAGE["output_tokens"]
    assert completion.usage.total_tokens == RESPONSES_USAGE["total_tokens"]


def _last_request(script: CodexBackend) -> tuple[dict[str, Any], dict[str, str]]:
    return script.requests[-1], script.headers[-1]


def test_codex_backend_answers_a_non_streaming_chat_client(backend: Any) -> None:
    client, script = backend
    completion = client.chat.completions.create(
        model="ok", messages=CHAT_MESSAGES, tools=[CHAT_TOOL], temperature=0.2, max_tokens=300
    )
    _check_completion(completion)

    sent, headers = _last_request(script)
    assert sent["instructions"] == "Answer briefly."  # hoisted out of the messages
    assert [item["role"] for item in sent["input"]] == ["user"]
    assert sent["stream"] is True  # forced: the backend always streams
    assert sent["store"] is False
    assert not {"temperature", "max_output_tokens", "max_tokens"} & set(sent)
    assert headers["authorization"] == "Bearer tok"
    assert headers["chatgpt-account-id"] == "acct"


def test_codex_backend_streams_to_a_streaming_chat_client(backend: Any) -> None:
    client, script = backend
    with client.chat.completions.stream(
        model="ok",
        messages=CHAT_MESSAGES,
        tools=[CHAT_TOOL],
        stream_options={"include_usage": True},
    ) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        completion = stream.get_final_completion()
    assert "".join(deltas) == "".join(TEXT)
    _check_completion(completion)
    assert _last_request(script)[0]["stream"] is True


@pytest.mark.parametrize("model", ["done-only", "terminal-only"])
def test_codex_backend_text_only_in_whole_items_reaches_the_sdk(backend: Any, model: str) -> None:
    """Text, reasoning and the call that arrive only in whole items, never as deltas: both
    the streamed and the non-streamed answers hold them."""
    client, _ = backend
    completion = client.chat.completions.create(
        model=model, messages=CHAT_MESSAGES, tools=[CHAT_TOOL]
    )
    _check_completion(completion)
    with client.chat.completions.stream(
        model=model,
        messages=CHAT_MESSAGES,
        tools=[CHAT_TOOL],
        stream_options={"include_usage": True},
    ) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        streamed = stream.get_final_completion()
    assert "".join(deltas) == "".join(TEXT)
    _check_completion(streamed)


def test_codex_backend_failure_becomes_the_right_status(backend: Any) -> None:
    openai = _sdk()
    client, _ = backend
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="fail", messages=CHAT_MESSAGES)
    assert caught.value.status_code == 400
    assert caught.value.body["code"] == FAILURE["code"]
    assert caught.value.body["message"] == FAILURE["message"]


def test_codex_backend_failure_reaches_a_streaming_client(backend: Any) -> None:
    openai = _sdk()
    client, _ = backend
    stream = client.chat.completions.stream(model="fail", messages=CHAT_MESSAGES)
    with pytest.raises(openai.APIError) as caught, stream as events:
        for _ in events:
            pass
    assert FAILURE["message"] in str(caught.value)


def test_codex_backend_failure_before_any_output_keeps_its_status_when_streaming(
    backend: Any,
) -> None:
    # The failure comes before any output, so the client gets an HTTP error, not a 200 whose
    # stream ends in an error event.
    openai = _sdk()
    client, _ = backend
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="fail", messages=CHAT_MESSAGES, stream=True)
    assert caught.value.status_code == 400
    assert caught.value.body["code"] == FAILURE["code"]
    assert caught.value.body["message"] == FAILURE["message"]


@pytest.mark.parametrize("stream", [False, True])
def test_codex_backend_http_error_keeps_its_status(backend: Any, stream: bool) -> None:
    openai = _sdk()
    client, _ = backend
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="limit", messages=CHAT_MESSAGES, stream=stream)
    assert caught.value.status_code == 429
    assert USAGE_LIMIT["message"] in str(caught.value)
