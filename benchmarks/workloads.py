"""Generated workloads of realistic shape: the same bytes go to every contender.

Streams are built event by event the way real servers send them (field order, ids, the
``obfuscation`` padding and ``sequence_number`` of OpenAI's Responses events, the repeated
envelope of every chat chunk), and returned as a list of chunks, one SSE event per chunk: a
live upstream streams at token pace, so each network read holds about one event.
Deterministic: a fixed seed, so every run measures the same bytes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

__all__ = [
    "CODEX_FIXTURE",
    "Stream",
    "chat_request",
    "chat_stream",
    "codex_request",
    "history_request",
    "responses_request",
    "responses_stream",
]

CODEX_FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "data"
    / "fixtures"
    / "codex-0.169-request-1.json"
)

_PROSE = (
    "the test layout function returns value when called with a path that does not exist "
    "so we should check fixture before running pytest again and look at output of "
    "command line error message in module config file import parser stream event"
)
_WORDS = _PROSE.split()
_PUNCT = ("", "", "", "", ",", ".", ":", "\n", "\n\n", "`", "(", ")")
_OBFUSCATION = "aZ3kQ9xVb7LmP2wR"
_B64 = "Zm9vYmFyYmF6cXV4"

Stream = list[bytes]
"""One SSE event per chunk."""


def _compact(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _event(payload: dict[str, Any]) -> bytes:
    return f"event: {payload['type']}\ndata: {_compact(payload)}\n\n".encode()


def _text_pieces(rng: random.Random, count: int) -> list[str]:
    """Token-sized text deltas: a word, its leading space, sometimes punctuation."""
    pieces = []
    for _ in range(count):
        word = rng.choice(_WORDS)
        pieces.append((" " if rng.random() < 0.8 else "") + word + rng.choice(_PUNCT))
    return pieces


def _argument_pieces(rng: random.Random, count: int) -> list[str]:
    """The JSON arguments of a write-file call, split into ``count`` token-sized deltas."""
    body = "".join(_text_pieces(rng, count * 2))
    text = _compact({"path": "src/app/module.py", "content": body, "mode": "overwrite"})
    step = max(1, len(text) // count)
    cuts = [text[i * step : (i + 1) * step] for i in range(count - 1)]
    cuts.append(text[(count - 1) * step :])
    return cuts


def _response(resp_id: str, status: str, output: list[Any]) -> dict[str, Any]:
    return {
        "id": resp_id,
        "object": "response",
        "created_at": 1767225600,
        "status": status,
        "background": False,
        "completed_at": 1767225604 if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
        "instructions": "You are Codex, a coding agent.",
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": "gpt-5.1-codex",
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": "019b7a3e-4c1d-7f00-9a2b-3c4d5e6f7a8b",
        "reasoning": {"effort": "medium", "summary": "detailed"},
        "service_tier": "auto",
        "store": False,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [
            {
                "type": "function",
                "name": "write_file",
                "description": "Writes a file.",
                "strict": False,
                "parameters": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string"},
                        "content": {"type": "string"},
                        "mode": {"type": "string"},
                    },
                    "required": ["path", "content"],
                    "additionalProperties": False,
                },
            }
        ],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": (
            {
                "input_tokens": 5230,
                "input_tokens_details": {"cached_tokens": 4096},
                "output_tokens": 21000,
                "output_tokens_details": {"reasoning_tokens": 320},
                "total_tokens": 26230,
            }
            if status == "completed"
            else None
        ),
        "user": None,
        "metadata": {},
    }


def responses_stream(
    text_deltas: int = 20_000, argument_deltas: int = 200, *, seed: int = 7
) -> Stream:
    """A Codex-shaped turn: reasoning summary, a message of ``text_deltas`` output-text
    deltas, then a function call of ``argument_deltas`` argument deltas."""
    rng = random.Random(seed)
    resp_id = "resp_0a1f3c9e5b7d2468ac0e1f3c9e5b7d24680ace13579bdf02"
    rs_id = "rs_0a1f3c9e5b7d2468ac0e1f3c9e5b7d24680ace13579bdf10"
    msg_id = "msg_0a1f3c9e5b7d2468ac0e1f3c9e5b7d24680ace13579bdf20"
    fc_id = "fc_0a1f3c9e5b7d2468ac0e1f3c9e5b7d24680ace13579bdf30"
    call_id = "call_Xk2v9QmLr4TbN8sWz1Hc7PdA"
    out: Stream = []
    seq = 0

    def emit(payload: dict[str, Any]) -> None:
        nonlocal seq
        out.append(_event({"type": payload.pop("type"), "sequence_number": seq, **payload}))
        seq += 1

    def obfuscation() -> str:
        return _OBFUSCATION[: rng.randint(1, 12)]

    emit({"type": "response.created", "response": _response(resp_id, "in_progress", [])})
    emit({"type": "response.in_progress", "response": _response(resp_id, "in_progress", [])})

    encrypted = "gAAAAABpQ7xR" + _B64 * 40 + "=="
    reasoning = {"id": rs_id, "type": "reasoning", "encrypted_content": encrypted, "summary": []}
    emit({"type": "response.output_item.added", "output_index": 0, "item": reasoning})
    where = {"item_id": rs_id, "output_index": 0, "summary_index": 0}
    emit({"type": "response.reasoning_summary_part.added", **where, "part": _summary("")})
    summary = _text_pieces(rng, 40)
    for piece in summary:
        emit(
            {
                "type": "response.reasoning_summary_text.delta",
                **where,
                "delta": piece,
                "obfuscation": obfuscation(),
            }
        )
    summary_text = "".join(summary)
    emit({"type": "response.reasoning_summary_text.done", **where, "text": summary_text})
    emit({"type": "response.reasoning_summary_part.done", **where, "part": _summary(summary_text)})
    reasoning_done = {**reasoning, "summary": [_summary(summary_text)]}
    emit({"type": "response.output_item.done", "output_index": 0, "item": reasoning_done})

    message = {
        "id": msg_id,
        "type": "message",
        "status": "in_progress",
        "content": [],
        "role": "assistant",
    }
    emit({"type": "response.output_item.added", "output_index": 1, "item": message})
    where = {"item_id": msg_id, "output_index": 1, "content_index": 0}
    emit({"type": "response.content_part.added", **where, "part": _output_text("")})
    pieces = _text_pieces(rng, text_deltas)
    for piece in pieces:
        emit(
            {
                "type": "response.output_text.delta",
                **where,
                "delta": piece,
                "logprobs": [],
                "obfuscation": obfuscation(),
            }
        )
    text = "".join(pieces)
    emit({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
    emit({"type": "response.content_part.done", **where, "part": _output_text(text)})
    message_done = {**message, "status": "completed", "content": [_output_text(text)]}
    emit({"type": "response.output_item.done", "output_index": 1, "item": message_done})

    call = {
        "id": fc_id,
        "type": "function_call",
        "status": "in_progress",
        "arguments": "",
        "call_id": call_id,
        "name": "write_file",
    }
    emit({"type": "response.output_item.added", "output_index": 2, "item": call})
    where = {"item_id": fc_id, "output_index": 2}
    arguments = _argument_pieces(rng, argument_deltas)
    for piece in arguments:
        emit(
            {
                "type": "response.function_call_arguments.delta",
                **where,
                "delta": piece,
                "obfuscation": obfuscation(),
            }
        )
    args = "".join(arguments)
    emit({"type": "response.function_call_arguments.done", **where, "arguments": args})
    call_done = {**call, "status": "completed", "arguments": args}
    emit({"type": "response.output_item.done", "output_index": 2, "item": call_done})
    final = _response(resp_id, "completed", [reasoning_done, message_done, call_done])
    emit({"type": "response.completed", "response": final})
    return out


def _summary(text: str) -> dict[str, Any]:
    return {"type": "summary_text", "text": text}


def _output_text(text: str) -> dict[str, Any]:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def chat_stream(
    text_deltas: int = 60, argument_deltas: int = 4_000, *, calls: int = 2, seed: int = 11
) -> Stream:
    """A vLLM/OpenAI-shaped chat stream: a role chunk, ``text_deltas`` content deltas, then
    ``calls`` tool calls sharing ``argument_deltas`` argument deltas, the finish chunk, the
    usage chunk (``include_usage``) and ``[DONE]``."""
    rng = random.Random(seed)
    envelope = {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion.chunk",
        "created": 1767225600,
        "model": "qwen3-coder-30b",
        "system_fingerprint": "fp_4b7e3f9a1c",
        "service_tier": "default",
    }
    out: Stream = []

    def emit(delta: dict[str, Any], finish: str | None = None) -> None:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        out.append(f"data: {_compact({**envelope, 'choices': [choice]})}\n\n".encode())

    emit({"role": "assistant", "content": "", "refusal": None})
    for piece in _text_pieces(rng, text_deltas):
        emit({"content": piece})
    per_call = argument_deltas // calls
    for index in range(calls):
        count = per_call if index < calls - 1 else argument_deltas - per_call * (calls - 1)
        head = {
            "index": index,
            "id": f"call_{index}Xk2v9QmLr4TbN8sWz1Hc7Pd",
            "type": "function",
            "function": {"name": "write_file", "arguments": ""},
        }
        emit({"tool_calls": [head]})
        for piece in _argument_pieces(rng, count):
            emit({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    emit({}, "tool_calls")
    usage = {
        "prompt_tokens": 5230,
        "completion_tokens": text_deltas + argument_deltas,
        "total_tokens": 5230 + text_deltas + argument_deltas,
        "prompt_tokens_details": {"cached_tokens": 4096},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }
    out.append(f"data: {_compact({**envelope, 'choices': [], 'usage': usage})}\n\n".encode())
    out.append(b"data: [DONE]\n\n")
    return out


_TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": name,
        "description": description,
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": {key: {"type": "string", "description": f"The {key}."} for key in keys},
            "required": list(keys[:1]),
            "additionalProperties": False,
        },
    }
    for name, description, keys in (
        ("shell", "Runs a shell command and returns its output.", ("command", "workdir")),
        ("read_file", "Reads a file and returns its text with line numbers.", ("path", "range")),
        ("write_file", "Writes a file, creating its directory.", ("path", "content")),
        ("search", "Searches the repository with ripgrep.", ("pattern", "glob")),
    )
]


def history_request(items: int = 400, *, seed: int = 3) -> dict[str, Any]:
    """A Codex-shaped Responses request whose ``input`` holds ``items`` items: a long agent
    loop of reasoning, function calls and their outputs, with user and assistant messages."""
    rng = random.Random(seed)
    history: list[dict[str, Any]] = [
        {
            "type": "message",
            "role": "developer",
            "content": [{"type": "input_text", "text": " ".join(_text_pieces(rng, 300))}],
        },
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "".join(_text_pieces(rng, 60))}],
        },
    ]
    turn = 0
    while len(history) < items:
        turn += 1
        summary = "".join(_text_pieces(rng, 30))
        history.append(
            {
                "type": "reasoning",
                "id": f"rs_{turn:04d}a1f3c9e5b7d2468ac0e1f3c9e5b7d2468",
                "summary": [{"type": "summary_text", "text": summary}],
                "encrypted_content": "gAAAAABpQ7xR" + _B64 * rng.randint(20, 80) + "==",
            }
        )
        tool = rng.choice(_TOOLS)
        call_id = f"call_{turn:04d}Xk2v9QmLr4TbN8sWz1Hc"
        args = {
            key: "".join(_text_pieces(rng, 8)).strip() for key in tool["parameters"]["required"]
        }
        history.append(
            {
                "type": "function_call",
                "id": f"fc_{turn:04d}a1f3c9e5b7d2468ac0e1f3c9e5b7d2468",
                "call_id": call_id,
                "name": tool["name"],
                "arguments": _compact(args),
                "status": "completed",
            }
        )
        history.append(
            {
                "type": "function_call_output",
                "call_id": call_id,
                "output": "".join(_text_pieces(rng, rng.randint(20, 300))),
            }
        )
        if turn % 6 == 0:
            history.append(
                {
                    "type": "message",
                    "role": "assistant",
                    "id": f"msg_{turn:04d}a1f3c9e5b7d2468ac0e1f3c9e5b7d2468",
                    "status": "completed",
                    "content": [
                        {
                            "type": "output_text",
                            "text": "".join(_text_pieces(rng, 80)),
                            "annotations": [],
                        }
                    ],
                }
            )
        if turn % 12 == 0:
            history.append(
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "".join(_text_pieces(rng, 25))}],
                }
            )
    # End where a client sends from: after a tool output or a user message, not mid-call.
    del history[items:]
    while history[-1]["type"] in ("reasoning", "function_call"):
        history.pop()
    while len(history) < items:
        text = "".join(_text_pieces(rng, 25))
        history.append(
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
        )
    return {
        "model": "gpt-5.1-codex",
        "instructions": "You are Codex, a coding agent. " + "".join(_text_pieces(rng, 400)),
        "input": history,
        "tools": _TOOLS,
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "store": False,
        "stream": True,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "019b7a3e-4c1d-7f00-9a2b-3c4d5e6f7a8b",
    }


def codex_request() -> dict[str, Any]:
    """The body of the captured Codex 0.169 request (vendored in ``tests/data/fixtures``)."""
    body: dict[str, Any] = json.loads(CODEX_FIXTURE.read_text())["body"]
    return body


def responses_request() -> dict[str, Any]:
    """The small Responses request a stream translator is set up with (tools included)."""
    return {
        "model": "gpt-5.1-codex",
        "input": [{"type": "message", "role": "user", "content": "Fix the failing test."}],
        "tools": _TOOLS,
        "stream": True,
    }


def chat_request() -> dict[str, Any]:
    """The small chat request a stream translator is set up with."""
    return {
        "model": "gpt-5.1-codex",
        "messages": [{"role": "user", "content": "Fix the failing test."}],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": tool["name"],
                    "description": tool["description"],
                    "parameters": tool["parameters"],
                },
            }
            for tool in _TOOLS
        ],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
