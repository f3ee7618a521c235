"""The real Codex CLI through docs/examples/codex_proxy.py with a native Responses profile,
over a scripted server that speaks Responses itself and, like LM Studio or llama.cpp, takes
function tools only.

Codex offers an MCP server's tool inside a ``namespace`` tool and ``apply_patch`` as a
freeform ``custom`` tool. The upstream answers 400 to either, and calls back the MCP tool as
``mcp__echo.shout`` (Ollama's shape) and ``apply_patch`` as a ``function_call`` with JSON
arguments. Codex must run both as its own tools: the MCP server answers, and the patch is
applied in the working directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from codex_harness import (
    RawReply,
    codex_home,
    exec_codex,
    find_codex,
    json_reply,
    serve_proxy,
    serve_raw,
)

pytestmark = pytest.mark.e2e

MCP_SERVER = Path(__file__).with_name("mcp_echo.py")
MODEL = "e2e-model"
PATCH = (
    "*** Begin Patch\n*** Add File: hello.txt\n+hello from a flattened apply_patch\n*** End Patch\n"
)
ANSWER = "Both tools ran. Native Responses turn complete."


@pytest.fixture(scope="module")
def codex() -> str:
    return find_codex()


def catalog(codex: str, path: Path) -> Path:
    """A model catalog with one model, ``e2e-model``: Codex's bundled entry for a model that
    takes the freeform ``apply_patch`` (the bundled ``gpt-5.5``), without tool search (which
    would defer MCP tools)."""
    done = subprocess.run(
        [codex, "debug", "models", "--bundled"], capture_output=True, text=True, check=True
    )
    models = json.loads(done.stdout)["models"]
    # gpt-5.5 offers its tools plainly; newer models put them behind a code-mode namespace.
    base = next(m for m in models if m["slug"] == "gpt-5.5")
    assert base.get("apply_patch_tool_type") == "freeform"
    entry = {**base, "slug": MODEL, "display_name": MODEL, "supports_search_tool": False}
    entry.pop("upgrade", None)
    path.write_text(json.dumps({"models": [entry]}), encoding="utf-8")
    return path


def sse(events: list[dict[str, Any]]) -> bytes:
    out = []
    for n, event in enumerate(events):
        event = {**event, "sequence_number": n}
        out.append(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n")
    return "".join(out).encode()


def stream_reply(events: list[dict[str, Any]]) -> RawReply:
    body = sse(events)
    headers = [("content-type", "text/event-stream"), ("content-length", str(len(body)))]
    return RawReply(200, headers, body)


def response(status: str, output: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "resp_native", "object": "response", "status": status, "output": output}


def calls_turn() -> list[dict[str, Any]]:
    shout = {
        "type": "function_call",
        "id": "fc_shout",
        "call_id": "call_shout",
        "name": "mcp__echo.shout",
        "arguments": json.dumps({"text": "wireshift"}),
        "status": "completed",
    }
    patch = {
        "type": "function_call",
        "id": "fc_patch",
        "call_id": "call_patch",
        "name": "apply_patch",
        "arguments": json.dumps({"input": PATCH}),
        "status": "completed",
    }
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response("in_progress", [])}
    ]
    for index, item in enumerate((shout, patch)):
        events.append(
            {
                "type": "response.output_item.added",
                "output_index": index,
                "item": {**item, "arguments": "", "status": "in_progress"},
            }
        )
        arguments = item["arguments"]
        for start in range(0, len(arguments), 16):
            events.append(
                {
                    "type": "response.function_call_arguments.delta",
                    "output_index": index,
                    "item_id": item["id"],
                    "delta": arguments[start : start + 16],
                }
            )
        events.append(
            {
                "type": "response.function_call_arguments.done",
                "output_index": index,
                "item_id": item["id"],
                "arguments": arguments,
            }
        )
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    events.append({"type": "response.completed", "response": response("completed", [shout, patch])})
    return events


def answer_turn() -> list[dict[str, Any]]:
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": ANSWER, "annotations": []}],
    }
    return [
        {"type": "response.created", "response": response("in_progress", [])},
        {"type": "response.output_item.added", "output_index": 0, "item": message},
        {"type": "response.output_item.done", "output_index": 0, "item": message},
        {"type": "response.completed", "response": response("completed", [message])},
    ]


@dataclass
class NativeUpstream:
    """Takes function tools only (400 for anything else, as LM Studio does); calls the two
    tools until their outputs come back, then answers."""

    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, path: str, body: Any) -> RawReply:
        self.requests.append(body)
        if not path.endswith("/responses") or len(self.requests) > 6:
            return json_reply(400, {"error": {"message": "e2e: unexpected request"}})
        for n, tool in enumerate(body.get("tools", [])):
            if tool.get("type") != "function":
                error = {
                    "message": f"Invalid tool type {tool.get('type')!r}",
                    "type": "invalid_request_error",
                    "param": f"tools.{n}.type",
                    "code": "invalid_string",
                }
                return json_reply(400, {"error": error})
        outputs = [i for i in body.get("input", []) if i.get("type") == "function_call_output"]
        return stream_reply(answer_turn() if outputs else calls_turn())


@dataclass
class Turn:
    upstream: NativeUpstream
    work: Path
    stdout: str
    explain: str


@pytest.fixture(scope="module")
def turn(codex: str, tmp_path_factory: pytest.TempPathFactory) -> Turn:
    root = tmp_path_factory.mktemp("native")
    work, home = root / "work", root / "home"
    work.mkdir()
    home.mkdir()
    upstream = NativeUpstream()
    with (
        serve_raw(upstream) as upstream_url,
        serve_proxy(upstream_url, "lmstudio-responses") as proxy_url,
    ):
        codex_home(home, proxy_url)
        config = home / "config.toml"
        text = config.read_text(encoding="utf-8").replace(
            'model = "e2e-model"',
            f'model = "{MODEL}"\nmodel_catalog_json = "{catalog(codex, home / "catalog.json")}"',
        )
        text += f'\n[mcp_servers.echo]\ncommand = "{sys.executable}"\nargs = ["{MCP_SERVER}"]\n'
        config.write_text(text, encoding="utf-8")
        run = exec_codex(codex, home, work, "Use the echo tool, then add hello.txt.", timeout=240)
    assert run.returncode == 0, run.explain()
    return Turn(upstream, work, run.stdout, run.explain())


def test_codex_offered_the_namespaced_and_freeform_tools(turn: Turn) -> None:
    """The premise: without the proxy the upstream would have answered 400."""
    first = turn.upstream.requests[0]
    names = {t["name"] for t in first["tools"]}
    assert {"mcp__echo__shout", "apply_patch"} <= names, turn.explain
    assert all(t["type"] == "function" for t in first["tools"])


def test_codex_ran_the_mcp_tool_as_its_own(turn: Turn) -> None:
    last = turn.upstream.requests[-1]
    outputs = {
        i["call_id"]: i["output"] for i in last["input"] if i.get("type") == "function_call_output"
    }
    assert "ECHO:WIRESHIFT" in json.dumps(outputs.get("call_shout")), turn.explain


def test_the_patch_was_applied(turn: Turn) -> None:
    hello = turn.work / "hello.txt"
    assert hello.exists(), turn.explain
    assert hello.read_text(encoding="utf-8") == "hello from a flattened apply_patch\n"


def test_the_history_went_back_under_the_flat_names(turn: Turn) -> None:
    last = turn.upstream.requests[-1]
    calls = [i for i in last["input"] if i.get("type") == "function_call"]
    assert sorted(c["name"] for c in calls) == ["apply_patch", "mcp__echo__shout"], turn.explain
    assert ANSWER in turn.stdout
