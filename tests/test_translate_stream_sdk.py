"""The real openai SDK reads what the translators write, over HTTP on 127.0.0.1.

``client.responses.stream(...)`` gets chat streams from the corpus translated to Responses;
``client.chat.completions.stream(...)`` gets a captured Responses stream translated to chat.
Expectations come from the stream files' own content.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hosted_calls import HOSTED_CALLS, hosted_stream
from wireshift.translate._stream_api import translate_stream

openai = pytest.importorskip("openai")

DATA = Path(__file__).parent / "data" / "streams"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path.endswith("/responses") and body["model"] == "hosted":
            raw, names = hosted_stream()
            chunks = translate_stream([raw], to="responses", encode=True, tool_names=names)
        elif self.path.endswith("/responses"):
            raw = (DATA / "chat" / f"{body['model']}.sse").read_bytes()
            chunks = translate_stream([raw], to="responses", encode=True)
        else:
            raw = (DATA / f"{body['model']}.sse").read_bytes()
            include = bool((body.get("stream_options") or {}).get("include_usage"))
            chunks = translate_stream([raw], to="chat", encode=True, include_usage=include)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield openai.OpenAI(base_url=base, api_key="test", max_retries=0)
    server.shutdown()
    server.server_close()


def _responses(client: Any, name: str) -> Any:
    with client.responses.stream(model=name, input="hi") as stream:
        for _ in stream:
            pass
        return stream.get_final_response()


def test_sdk_responses_text_and_usage(client: Any) -> None:
    final = _responses(client, "text")
    assert final.output_text == "Hello, world"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (11, 7)
    assert final.usage.input_tokens_details.cached_tokens == 4
    assert final.usage.output_tokens_details.reasoning_tokens == 2


@pytest.mark.parametrize("name", ["parallel_tools_interleaved", "duplicate_index_first_chunk"])
def test_sdk_responses_parallel_tool_calls(client: Any, name: str) -> None:
    final = _responses(client, name)
    calls = [(o.name, o.call_id, json.loads(o.arguments)) for o in final.output]
    assert calls == [
        ("get_weather", "call_a", {"city": "Paris"}),
        ("get_time", "call_b", {"tz": "UTC"}),
    ]


def test_sdk_responses_local_shell_shell_and_apply_patch_calls(client: Any) -> None:
    final = _responses(client, "hosted")
    assert [(o.type, o.call_id) for o in final.output] == [
        (expected["type"], call_id) for _, call_id, _, expected in HOSTED_CALLS
    ]
    assert final.output[0].action.command == ["ls", "-la"]
    assert final.output[1].action.commands == ["pytest -q"]
    assert final.output[2].operation.path == "a.py"
    assert final.output[3].arguments == "ls -la"


def test_sdk_responses_reasoning_then_text(client: Any) -> None:
    final = _responses(client, "reasoning_content")
    assert [o.type for o in final.output] == ["reasoning", "message"]
    assert final.output[0].summary[0].text == "Let me think."
    assert final.output_text == "Answer"


@pytest.mark.parametrize("name", ["usage_after_done", "sse_comments", "empty_first_chunk"])
def test_sdk_responses_quirks(client: Any, name: str) -> None:
    raw = (DATA / "chat" / f"{name}.sse").read_text()
    expected = "".join(
        c["delta"].get("content") or ""
        for line in raw.splitlines()
        if line.startswith("data: {")
        for c in json.loads(line[6:]).get("choices", [])
    )
    assert _responses(client, name).output_text == expected


@pytest.mark.parametrize("name", ["error_mid_stream", "cut_stream", "finish_length"])
def test_sdk_responses_failures_raise(client: Any, name: str) -> None:
    with pytest.raises(RuntimeError, match=r"response\.completed"):
        _responses(client, name)


def _codex_turn() -> tuple[str, list[tuple[str, str, str]], dict[str, Any]]:
    text, calls, usage = "", [], {}
    for line in (DATA / "codex_turn.sse").read_text().splitlines():
        if not line.startswith("data: {"):
            continue
        event = json.loads(line[6:])
        if event["type"] == "response.output_text.done":
            text += event["text"]
        elif (
            event["type"] == "response.output_item.done"
            and event["item"]["type"] == "function_call"
        ):
            item = event["item"]
            calls.append((item["call_id"], item["name"], item["arguments"]))
        elif event["type"] == "response.completed":
            usage = event["response"]["usage"]
    return text, calls, usage


def test_sdk_chat_stream_from_a_responses_stream(client: Any) -> None:
    text, calls, usage = _codex_turn()
    with client.chat.completions.stream(
        model="codex_turn",
        messages=[{"role": "user", "content": "hi"}],
        stream_options={"include_usage": True},
    ) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    message = final.choices[0].message
    assert (message.content or "") == text
    got = [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls or []]
    assert got == calls
    assert final.choices[0].finish_reason == ("tool_calls" if calls else "stop")
    assert final.usage.prompt_tokens == usage["input_tokens"]
    assert final.usage.completion_tokens == usage["output_tokens"]
