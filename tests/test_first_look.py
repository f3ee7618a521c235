"""The README's first command runs examples/first_look.py: it must run from the repository root
and print what its data holds, computed here from the data, not copied from a run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import wireshift

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "data"


def _run() -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error", "examples/first_look.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_the_readme_runs_the_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    assert first is not None
    assert first.group(1).endswith("examples/first_look.py")


def test_it_prints_each_note_of_the_request_translation() -> None:
    out = _run()
    body = json.loads((DATA / "codex-request.json").read_bytes())["body"]
    sent = wireshift.translate_request(body, to="chat", profile="vllm")
    assert sent.notes  # the capture has things a chat backend cannot take
    for note in sent.notes:
        assert f"note: {note.path}: {note.action} ({note.code})" in out
    assert f"{len(sent.data['messages'])} messages" in out


def test_it_shows_the_events_codex_gets_and_the_call_it_runs() -> None:
    out = _run()
    section = out.split("\n2. ")[1].split("\n3. ")[0]
    assert section.split("\n")[1].strip().startswith("created, in_progress,")
    assert section.rstrip().split("\n")[-3].rstrip().endswith("completed")
    chunks = [
        json.loads(line[6:])
        for line in (DATA / "vllm-tool-call.sse").read_text().splitlines()
        if line.startswith("data: {")
    ]
    calls = [
        c
        for ch in chunks
        for choice in ch["choices"]
        for c in choice["delta"].get("tool_calls", [])
    ]
    name = calls[0]["function"]["name"]
    arguments = "".join(c["function"].get("arguments", "") for c in calls)
    assert f"Codex runs: {name}({arguments})" in section
    assert "notes: 0, error: None" in section


def test_it_finds_the_real_error_of_the_failed_stream() -> None:
    out = _run()
    failed = next(
        json.loads(line[6:])
        for line in (DATA / "failed-turn.sse").read_text().splitlines()
        if line.startswith("data: ") and '"response.failed"' in line
    )
    assert failed["response"]["error"] is None  # the shape this step is about
    section = out.split("\n3. ")[1]
    assert "status: failed" in section
    assert f"{failed['error']['code']}, HTTP 400" in section
    assert failed["error"]["message"] in section
    assert "found in event.error" in section
