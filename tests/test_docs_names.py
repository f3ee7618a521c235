"""Every wireshift name the docs mention imports from where the docs say, without a
DeprecationWarning: the docs never send a reader to a retired or missing name."""

from __future__ import annotations

import importlib
import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "docs").rglob("*.py"))
DOCUMENTS.append(ROOT / "README.md")

_FROM = re.compile(r"from (wireshift(?:\.\w+)*) import (\([^)]*\)|[^\n]+)")
_DOTTED = re.compile(r"(?<![\w./-])(wireshift(?:\.\w+)+)")


def mentions(text: str) -> set[tuple[str, str]]:
    """``(module, name)`` for each ``from wireshift... import name`` and each dotted
    ``wireshift.a.b`` in ``text`` (code blocks, inline code, prose and mkdocstrings lines)."""
    found: set[tuple[str, str]] = set()
    for module, names in _FROM.findall(text):
        for part in names.strip("()").replace("\n", ",").split(","):
            name = part.split("#")[0].split(" as ")[0].strip()
            if name and name != "*":
                found.add((module, name))
    for dotted in _DOTTED.findall(text):
        module, _, name = dotted.rpartition(".")
        found.add((module, name))
    return found


def resolves(module: str, name: str) -> str | None:
    """Why ``module.name`` does not import cleanly, or ``None`` when it does. ``module`` may
    run on past the module into attributes (``wireshift.UpstreamError.from_http``)."""
    parts = [*module.split("."), name]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for cut in range(len(parts), 0, -1):
                try:
                    value: object = importlib.import_module(".".join(parts[:cut]))
                except ModuleNotFoundError:
                    continue
                for attribute in parts[cut:]:
                    if not hasattr(value, attribute):
                        return f"{'.'.join(parts[:-1])} has no {attribute!r}"
                    value = getattr(value, attribute)
                return None
    except DeprecationWarning as warning:
        return str(warning)
    return f"no module {parts[0]!r}"


def _current(text: str) -> str:
    """``text`` without its sections about retired names (``## Changes from ...``)."""
    return re.sub(r"^(#+) Changes from .*?(?=^#+ |\Z)", "", text, flags=re.MULTILINE | re.DOTALL)


def test_every_name_the_docs_mention_imports_without_a_warning() -> None:
    failures = []
    checked = 0
    for path in DOCUMENTS:
        for module, name in sorted(mentions(_current(path.read_text(encoding="utf-8")))):
            checked += 1
            problem = resolves(module, name)
            if problem is not None:
                failures.append(f"{path.relative_to(ROOT)}: {module}.{name}: {problem}")
    assert failures == []
    assert checked > 60  # the docs name many things: the scan must have found them


def test_the_scan_finds_imports_dotted_names_and_retired_ones() -> None:
    text = (
        "```python\nfrom wireshift import (\n    translate_request,  # the request\n"
        "    ResponsesRequest as R,\n)\nimport wireshift\nwireshift.chat.ChatCompletion\n```\n"
        "See `wireshift.accumulate_stream`; ::: wireshift._errors\n"
    )
    assert mentions(text) == {
        ("wireshift", "translate_request"),
        ("wireshift", "ResponsesRequest"),
        ("wireshift.chat", "ChatCompletion"),
        ("wireshift", "accumulate_stream"),
        ("wireshift", "_errors"),
    }
    assert resolves("wireshift", "translate_request") is None
    assert resolves("wireshift.chat", "ChatCompletion") is None
    assert resolves("wireshift", "_errors") is None
    retired = resolves("wireshift", "ResponsesRequest")
    assert retired is not None
    assert "import it from wireshift.responses" in retired
    assert resolves("wireshift", "no_such_name") == "wireshift has no 'no_such_name'"
    assert resolves("wireshift.UpstreamError", "from_payload") is None
    assert resolves("wireshift.UpstreamError", "nope") == "wireshift.UpstreamError has no 'nope'"
    page = "# A\n`wireshift.ok`\n## Changes from 0.1\n`wireshift.Old`\n## B\n`wireshift.b`\n"
    assert mentions(_current(page)) == {("wireshift", "ok"), ("wireshift", "b")}
