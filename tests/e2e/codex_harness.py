"""What the Codex CLI end-to-end tests share: the pinned Codex CLI, docs/examples/codex_proxy.py
under uvicorn, chat chunks for scripted upstreams, an upstream that writes raw HTTP (to drop a
connection mid-body), and one ``codex exec`` run."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from local_servers import serve_asgi

CODEX_VERSION = "0.169.0"
ROOT = Path(__file__).resolve().parents[2]
PROXY = ROOT / "docs" / "examples" / "codex_proxy.py"

SHELL_TOOLS = ("exec_command", "shell_command", "shell")
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


def find_codex() -> str:
    """The Codex CLI binary: ``codex`` on PATH if it is the pinned version, else an npm
    install into the user's cache (done once, reused by later runs; about 400 MB, so kept
    out of the work tree). Skips the test when neither works."""
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


def codex_home(path: Path, base_url: str, *, retries: bool = False) -> Path:
    """A ``CODEX_HOME`` whose provider is the proxy at ``base_url``. Without ``retries`` Codex
    gives up on the first failed request or stream; with it, Codex keeps its default retry
    settings (the provider entry names no ``*_max_retries``)."""
    limits = "" if retries else "request_max_retries = 0\nstream_max_retries = 0\n"
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
{limits}""",
        encoding="utf-8",
    )
    return path


@dataclass
class CodexRun:
    """What one ``codex exec`` printed, its exit status and how long it took."""

    stdout: str
    stderr: str
    returncode: int
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def explain(self) -> str:
        return (
            f"exit {self.returncode} after {self.seconds:.1f} s\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )


def exec_codex(
    codex: str,
    home: Path,
    work: Path,
    prompt: str,
    *,
    timeout: float,
    subcommand: Sequence[str] = (),
) -> CodexRun:
    """``codex exec [subcommand...] prompt`` in ``work`` with ``home`` as its
    ``CODEX_HOME`` (``subcommand=("resume", "--last")`` continues the last session)."""
    env = {**os.environ, "CODEX_HOME": str(home), "WIRESHIFT_E2E_KEY": "sk-proxy-e2e"}
    command = [codex, "exec", "--skip-git-repo-check", "--color", "never", "-C", str(work)]
    command += list(subcommand)
    start = time.monotonic()
    try:
        done = subprocess.run(
            [*command, prompt],
            env=env,
            cwd=work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr or ""  # bytes, or text: Python versions differ
        if isinstance(stderr, bytes):
            stderr = stderr.decode(errors="replace")
        pytest.fail(f"codex exec took over {timeout:.0f} s; stderr so far:\n{stderr}")
    return CodexRun(done.stdout, done.stderr, done.returncode, time.monotonic() - start)


# --- chat chunks --------------------------------------------------------------------------


def shell_tool(request: dict[str, Any]) -> dict[str, Any]:
    """The chat ``function`` of the shell tool Codex offers (its name varies by version)."""
    offered: dict[str, dict[str, Any]] = {
        t["function"]["name"]: t["function"] for t in request.get("tools", [])
    }
    for name in SHELL_TOOLS:
        if name in offered:
            return offered[name]
    raise AssertionError(f"no shell tool among the tools Codex offered: {sorted(offered)}")


def shell_arguments(tool: dict[str, Any], command: str) -> dict[str, Any]:
    """Arguments valid for the tool's schema: ``command`` in its command parameter (a string,
    or an argv array), and nothing else the schema does not require."""
    schema = tool.get("parameters") or {}
    properties: dict[str, Any] = schema.get("properties", {})
    arguments: dict[str, Any] = {}
    for name in schema.get("required", []):
        kind = properties.get(name, {}).get("type")
        if name in ("cmd", "command") and kind == "string":
            arguments[name] = command
        elif name in ("cmd", "command") and kind == "array":
            arguments[name] = ["bash", "-lc", command]
        else:
            raise AssertionError(f"{tool['name']} requires {name!r} ({kind}): not scripted")
    if not arguments:
        raise AssertionError(f"{tool['name']} has no required command parameter: {schema}")
    return arguments


def chat_chunks(
    request: dict[str, Any], deltas: Sequence[dict[str, Any]], finish: str | None
) -> list[dict[str, Any]]:
    """Deltas as OpenAI-shaped chunks; then, unless ``finish`` is None, a finish chunk and a
    usage chunk when the request asks for usage."""
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
    if finish is None:
        return chunks
    chunks.append({**base, "choices": [choice({}, finish)]})
    if (request.get("stream_options") or {}).get("include_usage"):
        usage = {"prompt_tokens": 1200, "completion_tokens": 40, "total_tokens": 1240}
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks


def sse(chunks: Sequence[dict[str, Any]]) -> bytes:
    """``chunks`` as SSE ``data:`` events (no ``[DONE]``)."""
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)


# --- an upstream that writes raw HTTP -----------------------------------------------------


@dataclass
class RawReply:
    """An HTTP answer written as given: the status line, ``headers`` (nothing added: no
    ``Content-Length`` unless listed) and ``body``; the connection is closed after it, so a
    ``Content-Length`` above ``len(body)`` makes the body end early."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


@contextmanager
def serve_raw(handle: Callable[[str, Any], RawReply]) -> Iterator[str]:
    """An upstream whose ``handle(path, JSON body)`` answers each POST with a
    :class:`RawReply`, then closes the connection. Yields the ``/v1`` base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            reply = handle(self.path, body)
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
            self.close_connection = True
            # Shut the socket now, so the client sees the end of the body at once.
            self.connection.shutdown(socket.SHUT_RDWR)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the proxy ----------------------------------------------------------------------------


@contextmanager
def serve_proxy(
    upstream_url: str,
    profile: str,
    proxy: Path = PROXY,
    store: str | None = None,
    compaction_key: str | None = None,
    scopes: list[str] | None = None,
) -> Iterator[str]:
    """A proxy recipe of docs/examples (codex_proxy.py unless ``proxy`` says) under uvicorn
    on a free port, configured by its environment variables; yields its base URL."""
    spec = importlib.util.spec_from_file_location(f"{proxy.stem}_{profile}", proxy)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("UPSTREAM_URL", upstream_url)
        env.setenv("UPSTREAM_API_KEY", UPSTREAM_KEY)
        env.setenv("PROFILE", profile)
        env.setenv("MODEL", UPSTREAM_MODEL)
        if store is not None:
            env.setenv("STORE", store)
        else:
            env.delenv("STORE", raising=False)
        if compaction_key is not None:
            env.setenv("COMPACTION_KEY", compaction_key)
        else:
            env.delenv("COMPACTION_KEY", raising=False)
        spec.loader.exec_module(module)  # the proxy reads its settings at import

    app = module.app
    if scopes is not None:
        inner = app

        async def app(scope: Any, receive: Any, send: Any) -> None:
            scopes.append(scope["type"])  # what the proxy served: http or websocket
            await inner(scope, receive, send)

    with serve_asgi(app) as url:
        yield url


# --- one Codex run over a scripted upstream, default retries ------------------------------

TIMEOUT = 240.0
"""Seconds one ``codex exec`` may take, all its retries included."""
REQUEST_CAP = 12
"""Requests an upstream serves as scripted before it answers HTTP 400: a bound on the run
should the proxy let Codex loop (run the call, send its output, get the same cut again)."""


Script = Callable[[dict[str, Any]], RawReply]
"""What an upstream answers to a chat request."""


@dataclass
class Outcome:
    """One ``codex exec`` and every chat request the upstream got during it."""

    run: CodexRun
    work: Path
    requests: list[dict[str, Any]]
    arrivals: list[float]
    """Seconds from the start of ``codex exec`` to each request."""

    def explain(self) -> str:
        arrivals = ", ".join(f"{t:.1f}" for t in self.arrivals)
        return (
            f"{len(self.requests)} upstream requests, at {arrivals} s\n"
            f"tool messages sent back: {[tool_messages(r) for r in self.requests]}\n"
            f"{self.run.explain()}"
        )

    def lines(self, name: str) -> list[str]:
        """The lines of ``name`` in the work directory (none if it does not exist)."""
        path = self.work / name
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@dataclass
class Recorder:
    """Serves ``script`` and records each request; past :data:`REQUEST_CAP` it answers 400."""

    script: Script
    requests: list[dict[str, Any]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    start: float = field(default_factory=time.monotonic)

    def __call__(self, path: str, body: Any) -> RawReply:
        self.requests.append(body)
        self.arrivals.append(time.monotonic() - self.start)
        if not path.endswith("/chat/completions"):
            return json_reply(404, {"error": {"message": f"no route for {path}"}})
        if len(self.requests) > REQUEST_CAP:
            error = {"message": "e2e upstream: request cap reached", "type": "e2e"}
            return json_reply(400, {"error": error})
        return self.script(body)


def json_reply(status: int, payload: dict[str, Any]) -> RawReply:
    body = json.dumps(payload).encode()
    headers = [("content-type", "application/json"), ("content-length", str(len(body)))]
    return RawReply(status, headers, body)


def run_codex(codex: str, script: Script, profile: str, tmp_path: Path) -> Outcome:
    """One ``codex exec`` turn, default retries, through the proxy over ``script``."""
    work = tmp_path / "work"
    work.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    recorder = Recorder(script)
    with serve_raw(recorder) as upstream_url, serve_proxy(upstream_url, profile) as proxy_url:
        codex_home(home, proxy_url, retries=True)
        recorder.start = time.monotonic()
        run = exec_codex(codex, home, work, "Run the commands you are told to.", timeout=TIMEOUT)
    return Outcome(run, work, recorder.requests, recorder.arrivals)


def tool_messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in request.get("messages", []) if m.get("role") == "tool"]
