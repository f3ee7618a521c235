"""The command line: each subcommand on real inputs, exit codes, and no tracebacks."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from wireshift._cli import main

DATA = Path(__file__).parent / "data"
CODEX_TURN = DATA / "streams" / "codex_turn.sse"
EXAMPLE_REQUEST = Path(__file__).parents[1] / "examples" / "data" / "codex-request.json"

FAILED_STREAM = (
    b'event: response.created\ndata: {"type":"response.created","sequence_number":0,'
    b'"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}\n\n'
    b'event: response.failed\ndata: {"type":"response.failed","sequence_number":1,'
    b'"response":{"id":"resp_1","object":"response","status":"failed","error":null},'
    b'"error":{"code":"context_length_exceeded","message":"prompt is 9000 tokens, limit 8192"}}\n\n'
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_translate_a_captured_codex_request_to_chat(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["translate", str(EXAMPLE_REQUEST), "--to", "chat"], capsys)
    assert code == 0
    body = json.loads(out)
    captured = json.loads(EXAMPLE_REQUEST.read_bytes())["body"]
    assert body["model"] == captured["model"]
    call = next(i for i in captured["input"] if i["type"] == "function_call")
    calls = [c for m in body["messages"] if m["role"] == "assistant" for c in m["tool_calls"]]
    assert calls[0]["id"] == call["call_id"]
    assert calls[0]["function"]["arguments"] == call["arguments"]
    assert "note: " in err  # store, include... are reported


def test_translate_strict_reports_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["translate", str(EXAMPLE_REQUEST), "--to", "chat", "--profile", "deepseek", "--strict"],
        capsys,
    )
    assert (code, out) == (1, "")
    assert "rejected in strict mode" in err


def test_translate_a_response_reports_what_chat_cannot_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    search = {"type": "web_search_call", "id": "ws_1", "status": "completed", "action": {}}
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "Found it.", "annotations": []}],
    }
    body = {"id": "resp_1", "object": "response", "status": "completed", "model": "m"}
    path = tmp_path / "response.json"
    path.write_text(json.dumps({**body, "output": [search, message]}))
    code, out, err = run(["translate", str(path), "--to", "chat"], capsys)
    assert code == 0
    assert json.loads(out)["choices"][0]["message"]["content"] == "Found it."
    assert "note: output[0]: dropped" in err
    code, out, err = run(["translate", str(path), "--to", "chat", "--strict"], capsys)
    assert (code, out) == (1, "")
    assert "rejected in strict mode: output[0]" in err


def test_accumulate_prints_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["accumulate", str(CODEX_TURN)], capsys)
    assert code == 0
    response = json.loads(out)
    deltas = [
        json.loads(line[6:])["delta"]
        for line in CODEX_TURN.read_text().splitlines()
        if line.startswith("data: ") and '"response.output_text.delta"' in line
    ]
    texts = [
        part["text"]
        for item in response["output"]
        if item["type"] == "message"
        for part in item["content"]
    ]
    assert texts == ["".join(deltas)]


def test_accumulate_takes_the_format_as_to_or_by_its_old_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, detected, _ = run(["accumulate", str(CODEX_TURN)], capsys)
    for flag in ("--to", "--format"):
        code, out, _ = run(["accumulate", flag, "responses", str(CODEX_TURN)], capsys)
        assert (code, out) == (0, detected)
    # Read as chat, a Responses capture holds no chunk: an empty, cut completion.
    code, out, _ = run(["accumulate", "--to", "chat", str(CODEX_TURN)], capsys)
    assert json.loads(out)["object"] == "chat.completion"


def test_accumulate_surfaces_the_real_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = tmp_path / "failed.sse"
    capture.write_bytes(FAILED_STREAM)
    code, out, err = run(["accumulate", str(capture)], capsys)
    assert code == 1
    assert json.loads(out)["status"] == "failed"
    assert "prompt is 9000 tokens, limit 8192" in err


def test_check_lists_what_the_codex_backend_would_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["check", str(EXAMPLE_REQUEST), "--profile", "chatgpt-codex"], capsys)
    assert code == 1
    assert "instructions" in err


def test_check_reports_tool_sequence_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = tmp_path / "chat.json"
    request.write_text(
        json.dumps(
            {
                "model": "m",
                "messages": [
                    {"role": "user", "content": "list files"},
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": "ls", "arguments": "{}"},
                            }
                        ],
                    },
                    {"role": "user", "content": "hurry"},
                ],
            }
        )
    )
    code, _, err = run(["check", str(request), "--profile", "deepseek"], capsys)
    assert code == 1
    assert "tool sequence:" in err
    assert "call_1" in err


def test_decode_gzip_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = tmp_path / "body.gz", tmp_path / "body.json"
    source.write_bytes(gzip.compress(b'{"model":"m"}'))
    code, _, _ = run(["decode", str(source), "--encoding", "gzip", "-o", str(target)], capsys)
    assert code == 0
    assert target.read_bytes() == b'{"model":"m"}'


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["decode", "{file}", "--encoding", "br"], "UnknownEncodingError"),
        (["translate", "{file}", "--to", "chat"], "is not JSON"),
        (["translate", "/no/such/file", "--to", "chat"], "cannot read"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    bad.write_bytes(b"not json, not compressed")
    code, out, err = run([a.replace("{file}", str(bad)) for a in argv], capsys)
    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


def test_python_dash_m_runs_and_usage_errors_exit_2() -> None:
    ok = subprocess.run([sys.executable, "-m", "wireshift", "--help"], capture_output=True)
    assert ok.returncode == 0
    assert b"accumulate" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "wireshift", "translate"], capture_output=True)
    assert bad.returncode == 2
    assert b"--to" in bad.stderr


def test_an_accumulated_response_translates_as_a_response(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["accumulate", str(CODEX_TURN)], capsys)
    assert code == 0
    response = tmp_path / "response.json"
    response.write_text(out)
    code, out, _ = run(["translate", str(response), "--to", "chat"], capsys)
    assert code == 0
    completion = json.loads(out)
    assert completion["object"] == "chat.completion"
    calls = completion["choices"][0]["message"]["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["shell"]
