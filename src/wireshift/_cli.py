"""The ``wireshift`` command line: translate, accumulate, check and decode, for scripts.

Results go to stdout as JSON; notes, problems and errors go to stderr as one line each.
Exit codes: 0 done, 1 the input was understood but something is wrong with it (an upstream
error in a stream, a cut stream, a request a profile would change or reject), 2 unusable input
or usage (not JSON, unknown profile, unreadable file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO, Any

from ._body import DEFAULT_MAX_BODY_BYTES, decode_body
from ._errors import WireshiftError, quoted
from ._notes import Note
from ._profiles import PROFILES, get_profile

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class _Usage(Exception):
    """Bad arguments or unreadable input: exit 2 with the message."""


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise _Usage(f"cannot read {path}: {exc.strerror or exc}") from None


def _json_body(raw: bytes, path: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise _Usage(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _Usage(f"{path} holds JSON {type(data).__name__}, not an object")
    # A capture with headers (as in Codex request captures) holds the body under "body".
    body = data.get("body")
    return body if isinstance(body, dict) and "method" in data else data


def _emit(data: Any, out: IO[str]) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _note_line(note: Note) -> str:
    return f"note: {note}"


def _is_request(body: dict[str, Any]) -> bool:
    # A full Response echoes `instructions` and `input`-less fields: its `object` says what it is.
    if body.get("object") in ("response", "chat.completion"):
        return False
    return "messages" in body or "input" in body


def _cmd_translate(args: argparse.Namespace) -> int:
    from .translate import TranslationError, translate_request, translate_response

    body = _json_body(_read(args.file), args.file)
    if _is_request(body):
        try:
            result = translate_request(
                body, to=args.to, profile=args.profile, model=args.model, strict=args.strict
            )
        except TranslationError as exc:
            _say(f"rejected in strict mode: {exc}")
            return EXIT_FINDINGS
        _emit(result.data, sys.stdout)
        for note in result.notes:
            _say(_note_line(note))
        return EXIT_OK
    try:
        translated = translate_response(body, to=args.to, profile=args.profile, strict=args.strict)
    except TranslationError as exc:
        _say(f"rejected in strict mode: {exc}")
        return EXIT_FINDINGS
    _emit(translated.data, sys.stdout)
    for note in translated.notes:
        _say(_note_line(note))
    return EXIT_OK


def _cmd_accumulate(args: argparse.Namespace) -> int:
    from .accumulate import accumulate_stream

    result = accumulate_stream(_read(args.file), to=args.to)
    _emit(result.final.to_dict(), sys.stdout)
    for note in result.notes:
        _say(_note_line(note))
    if result.error is not None:
        _say(f"upstream error: {result.error}")
    if result.truncated:
        _say("stream ended before its terminal event (truncated)")
    return EXIT_FINDINGS if result.error is not None or result.truncated else EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .toolseq import validate_tool_sequence
    from .translate import TranslationError, translate_request

    profile = get_profile(args.profile)
    body = _json_body(_read(args.file), args.file)
    if not _is_request(body):
        raise _Usage(f"{args.file} is not a request body (no messages or input)")
    findings = 0
    history = body.get("messages", body.get("input"))
    if isinstance(history, list):
        for problem in validate_tool_sequence(history, profile=profile):
            _say(f"tool sequence: {problem}")
            findings += 1
    result = translate_request(body, to=profile.wire, profile=profile)
    for note in result.notes:
        _say(_note_line(note))
        findings += 1
    try:
        translate_request(body, to=profile.wire, profile=profile, strict=True)
    except TranslationError as exc:
        _say(f"rejected in strict mode: {exc}")
        findings += 1
    _say(f"{findings} finding(s) for profile {quoted(profile.name)}")
    return EXIT_FINDINGS if findings else EXIT_OK


def _cmd_decode(args: argparse.Namespace) -> int:
    decoded = decode_body(_read(args.file), args.encoding, max_bytes=args.max_bytes)
    if args.output == "-":
        sys.stdout.buffer.write(decoded)
        sys.stdout.buffer.flush()
    else:
        try:
            with open(args.output, "wb") as handle:
                handle.write(decoded)
        except OSError as exc:
            raise _Usage(f"cannot write {args.output}: {exc.strerror or exc}") from None
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wireshift",
        description="Translate between the OpenAI Responses API and Chat Completions.",
        epilog="Exit codes: 0 done, 1 findings (errors in a stream, changes a profile would "
        "make), 2 unusable input or usage.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    profiles = sorted(PROFILES)

    translate = commands.add_parser(
        "translate", help="translate a request or a response body (JSON) to the other format"
    )
    translate.add_argument("file", nargs="?", default="-", help="JSON file, or - for stdin")
    translate.add_argument("--to", required=True, choices=["chat", "responses"])
    translate.add_argument("--profile", choices=profiles, help="backend profile (default openai)")
    translate.add_argument("--model", help="replace the model name")
    translate.add_argument(
        "--strict", action="store_true", help="fail instead of dropping anything"
    )
    translate.set_defaults(run=_cmd_translate)

    accumulate = commands.add_parser(
        "accumulate", help="turn a captured SSE stream into its final JSON, with notes"
    )
    accumulate.add_argument("file", nargs="?", default="-", help="SSE capture, or - for stdin")
    accumulate.add_argument(
        "--to",
        "--format",  # the 0.1 name
        dest="to",
        choices=["responses", "chat"],
        help="the stream's format (default: detected)",
    )
    accumulate.set_defaults(run=_cmd_accumulate)

    check = commands.add_parser(
        "check",
        help="what a profile would change, drop or reject in a request, and tool-sequence problems",
    )
    check.add_argument("file", nargs="?", default="-", help="request JSON, or - for stdin")
    check.add_argument("--profile", required=True, choices=profiles)
    check.set_defaults(run=_cmd_check)

    decode = commands.add_parser("decode", help="undo Content-Encoding on a body")
    decode.add_argument("file", nargs="?", default="-", help="body file, or - for stdin")
    decode.add_argument(
        "--encoding", required=True, help="the Content-Encoding value, e.g. zstd or 'gzip, br'"
    )
    decode.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    decode.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    decode.set_defaults(run=_cmd_decode)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except _Usage as exc:
        _say(f"wireshift {args.command}: {exc}")
        return EXIT_BAD_INPUT
    except WireshiftError as exc:
        _say(f"wireshift {args.command}: {type(exc).__name__}: {exc}")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `wireshift ... | head`
        return EXIT_OK
    return code
