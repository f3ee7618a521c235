"""The real Codex CLI through docs/examples/codex_proxy.py, over a scripted chat upstream.

``codex exec`` sends Responses requests to the proxy, which translates them into Chat
Completions for a local upstream that plays a recorded-style turn: first a call to the shell
tool Codex offers, then (once the tool's output comes back) a text answer. Codex must run the
command and print the answer; the upstream must receive valid chat requests.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from local_servers import Reply, serve_asgi, serve_upstream

pytestmark = pytest.mark.e2e

CODEX_VERSION = "0.169.0"
ROOT = Path(__file__).resolve().parents[2]
PROXY = ROOT / "docs" / "examples" / "codex_proxy.py"
OPENAI_SPEC = ROOT.parent / "shared" / "spec" / "openai-openapi.json"

SHELL_TOOLS = ("exec_command", "shell_command", "shell")
# printf builds the marker, so it appears in the tool output only if the command really ran.
COMMAND = "printf 'codex-e2e-%s\\n' ok"
MARKER = "codex-e2e-ok"
ANSWER = "The command ran and printed the marker. E2E turn complete."
UPSTREAM_MODEL = "scripted-chat-model"
UPSTREAM_KEY = "sk-upstream-e2e"


# --- Codex --------------------------------------------------------------------------------


def _version_of(binary: str) -> str | None:
    try:
        done = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@pytest.fixture(scope="session")
def codex() -> str:
    """The Codex CLI binary: ``codex`` on PATH if it is the pinned version, else an npm
    install into the user's cache (done once, reused by later runs; about 400 MB, so kept
    out of the work tree)."""
    on_path = shutil.which("codex")
    if on_path and CODEX_VERSION in (_version_of(on_path) or ""):
        return on_path
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    prefix = cache / "wireshift-e2e" / f"codex-{CODEX_VERSION}"
    prefix.mkdir(parents=True, exist_ok=True)
    binary = prefix / "node_modules" / ".bin" / "codex"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install the Codex CLI")
        try:
            done = subprocess.run(
                [npm, "install", "--prefix", str(prefix), f"@openai/codex@{CODEX_VERSION}"],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"npm install @openai/codex@{CODEX_VERSION} took over 10 minutes")
        if done.returncode != 0 or not binary.exists():
            pytest.skip(
                f"npm install @openai/codex@{CODEX_VERSION} failed: {done.stderr.strip()[-500:]}"
            )
    version = _version_of(str(binary))
    if version is None:
        pytest.skip(f"the Codex CLI at {binary} does not run here")
    return str(binary)


# --- the scripted chat upstream -----------------------------------------------------------


@dataclass
class ScriptedUpstream:
    """Serves chat-completions streams: a shell tool call until the request holds a tool
    message, then a text answer; or, with ``refusal``, an HTTP 400 carrying that message.
    Records every request it gets."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    call_id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:24]}")
    arguments: dict[str, Any] = field(default_factory=dict)
    refusal: str | None = None

    def reply(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        """The chunks to stream for ``request``."""
        if any(m.get("role") == "tool" for m in request.get("messages", [])):
            return self._answer(request)
        return self._tool_call(request)

    def _tool_call(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        tool = _shell_tool(request)
        self.arguments = _shell_arguments(tool)
        text = json.dumps(self.arguments)
        cuts = [0, len(text) // 3, 2 * len(text) // 3, len(text)]
        first = {
            "index": 0,
            "id": self.call_id,
            "type": "function",
            "function": {"name": tool["name"], "arguments": ""},
        }
        deltas: list[dict[str, Any]] = [
            {"role": "assistant", "content": None, "tool_calls": [first]}
        ]
        deltas += [
            {"tool_calls": [{"index": 0, "function": {"arguments": text[a:b]}}]}
            for a, b in itertools.pairwise(cuts)
        ]
        return _chunks(request, deltas, "tool_calls")

    def _answer(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        words = ANSWER.split(" ")
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": w if n == 0 else " " + w} for n, w in enumerate(words)]
        return _chunks(request, deltas, "stop")


def _shell_tool(request: dict[str, Any]) -> dict[str, Any]:
    """The chat ``function`` of the shell tool Codex offers (its name varies by version)."""
    offered: dict[str, dict[str, Any]] = {
        t["function"]["name"]: t["function"] for t in request.get("tools", [])
    }
    for name in SHELL_TOOLS:
        if name in offered:
            return offered[name]
    raise AssertionError(f"no shell tool among the tools Codex offered: {sorted(offered)}")


def _shell_arguments(tool: dict[str, Any]) -> dict[str, Any]:
    """Arguments valid for the tool's schema: the command in its command parameter
    (a string, or an argv array), and nothing else the schema does not require."""
    schema = tool.get("parameters") or {}
    properties: dict[str, Any] = schema.get("properties", {})
    arguments: dict[str, Any] = {}
    for name in schema.get("required", []):
        kind = properties.get(name, {}).get("type")
        if name in ("cmd", "command") and kind == "string":
            arguments[name] = COMMAND
        elif name in ("cmd", "command") and kind == "array":
            arguments[name] = ["bash", "-lc", COMMAND]
        else:
            raise AssertionError(f"{tool['name']} requires {name!r} ({kind}): not scripted")
    if not arguments:
        raise AssertionError(f"{tool['name']} has no required command parameter: {schema}")
    return arguments


def _chunks(
    request: dict[str, Any], deltas: list[dict[str, Any]], finish: str
) -> list[dict[str, Any]]:
    """Deltas as OpenAI-shaped chunks, a finish chunk, and a usage chunk when asked for."""
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "unknown"),
        "system_fingerprint": "fp_e2e",
    }

    def choice(delta: dict[str, Any], reason: str | None) -> dict[str, Any]:
        return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}

    chunks = [{**base, "choices": [choice(d, None)]} for d in deltas]
    chunks.append({**base, "choices": [choice({}, finish)]})
    if (request.get("stream_options") or {}).get("include_usage"):
        usage = {"prompt_tokens": 1200, "completion_tokens": 40, "total_tokens": 1240}
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks


def serve_script(script: ScriptedUpstream) -> AbstractContextManager[str]:
    """``script`` served as a chat upstream; yields the base URL."""

    def handle(path: str, body: Any, headers: dict[str, str]) -> Reply:
        script.requests.append(body)
        script.headers.append({k.lower(): v for k, v in headers.items()})
        if not path.endswith("/chat/completions"):
            return 404, "application/json", b'{"error":{"message":"not found"}}'
        try:
            if script.refusal is not None:
                raise AssertionError(script.refusal)
            chunks = script.reply(body)
        except AssertionError as exc:
            error = {"message": str(exc), "type": "invalid_request_error"}
            return 400, "application/json", json.dumps({"error": error}).encode()
        sse = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", sse + b"data: [DONE]\n\n"

    return serve_upstream(handle)


# --- the proxy ----------------------------------------------------------------------------


@contextmanager
def serve_proxy(upstream_url: str, profile: str) -> Iterator[str]:
    """docs/examples/codex_proxy.py under uvicorn on a free port, configured by its
    environment variables; yields its base URL."""
    spec = importlib.util.spec_from_file_location(f"codex_proxy_{profile}", PROXY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("UPSTREAM_URL", upstream_url)
        env.setenv("UPSTREAM_API_KEY", UPSTREAM_KEY)
        env.setenv("PROFILE", profile)
        env.setenv("MODEL", UPSTREAM_MODEL)
        spec.loader.exec_module(module)  # the proxy reads its settings at import

    with serve_asgi(module.app) as url:
        yield url


# --- the turn -----------------------------------------------------------------------------


@dataclass
class Turn:
    stdout: str
    stderr: str
    returncode: int
    script: ScriptedUpstream

    def explain(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def _codex_home(path: Path, base_url: str) -> Path:
    (path / "config.toml").write_text(
        f"""\
model = "e2e-model"
model_provider = "x"
# Run the model's command without asking and without a sandbox (none works in containers).
approval_policy = "never"
sandbox_mode = "danger-full-access"

[model_providers.x]
name = "wireshift proxy"
base_url = "{base_url}"
wire_api = "responses"
env_key = "WIRESHIFT_E2E_KEY"
request_max_retries = 0
stream_max_retries = 0
""",
        encoding="utf-8",
    )
    return path


def run_turn(
    codex: str, script: ScriptedUpstream, profile: str, tmp: pytest.TempPathFactory
) -> Turn:
    """One ``codex exec`` turn through the proxy, over ``script``."""
    with serve_script(script) as upstream_url, serve_proxy(upstream_url, profile) as proxy_url:
        home = _codex_home(tmp.mktemp("codex-home"), proxy_url)
        work = tmp.mktemp("codex-work")
        env = {**os.environ, "CODEX_HOME": str(home), "WIRESHIFT_E2E_KEY": "sk-proxy-e2e"}
        command = [codex, "exec", "--skip-git-repo-check", "--color", "never", "-C", str(work)]
        prompt = f"Run `{COMMAND}` in the shell, then tell me it ran."
        try:
            done = subprocess.run(
                [*command, prompt],
                env=env,
                cwd=work,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"codex exec timed out; stderr so far:\n{exc.stderr!r}")
    return Turn(done.stdout, done.stderr, done.returncode, script)


@pytest.fixture(scope="module", params=["openai", "vllm"])
def turn(
    request: pytest.FixtureRequest, codex: str, tmp_path_factory: pytest.TempPathFactory
) -> Turn:
    """The scripted tool-using turn, once per profile."""
    return run_turn(codex, ScriptedUpstream(), request.param, tmp_path_factory)


def _text(content: Any) -> str:
    """A chat message's content as text (a string, or a list of text parts)."""
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def test_codex_prints_the_answer(turn: Turn) -> None:
    assert turn.returncode == 0, turn.explain()
    assert ANSWER in turn.stdout, turn.explain()


def test_the_command_ran_and_its_output_went_back(turn: Turn) -> None:
    assert len(turn.script.requests) == 2, turn.explain()
    first, second = turn.script.requests
    assert all(r.get("model") == UPSTREAM_MODEL for r in turn.script.requests)
    assert all(r.get("stream") is True for r in turn.script.requests)
    assert all(h.get("authorization") == f"Bearer {UPSTREAM_KEY}" for h in turn.script.headers)
    assert not any(m.get("role") == "tool" for m in first["messages"])

    messages = second["messages"]
    calls = [
        n for n, m in enumerate(messages) if m.get("role") == "assistant" and m.get("tool_calls")
    ]
    assert len(calls) == 1, messages
    call_message = messages[calls[0]]
    (call,) = call_message["tool_calls"]
    assert call["id"] == turn.script.call_id
    assert call["type"] == "function"
    assert call["function"]["name"] == _shell_tool(first)["name"]
    assert json.loads(call["function"]["arguments"]) == turn.script.arguments

    output = messages[calls[0] + 1]
    assert output["role"] == "tool", messages[calls[0] :]
    assert output["tool_call_id"] == turn.script.call_id
    assert MARKER in _text(output["content"]), output


def test_upstream_requests_match_the_spec(turn: Turn) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not OPENAI_SPEC.exists():
        pytest.skip(f"{OPENAI_SPEC} is absent: spec validation needs ../shared/spec")
    spec = json.loads(OPENAI_SPEC.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        {
            "$ref": "#/components/schemas/CreateChatCompletionRequest",
            "components": spec["components"],
        }
    )
    assert turn.script.requests, turn.explain()
    problems = [
        f"request {n}: {'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
        for n, request in enumerate(turn.script.requests)
        for error in validator.iter_errors(request)
    ]
    assert problems == []


def test_an_upstream_error_reaches_codex(
    codex: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """An upstream HTTP error becomes ``response.failed`` whose message Codex prints."""
    refusal = f"maximum context length exceeded ({uuid.uuid4().hex[:8]})"
    turn = run_turn(codex, ScriptedUpstream(refusal=refusal), "openai", tmp_path_factory)
    assert turn.returncode != 0, turn.explain()
    assert refusal in turn.stdout + turn.stderr, turn.explain()
    assert len(turn.script.requests) == 1, turn.explain()
