"""The public surface: every name re-exported, the lazy-loading table current, imports cheap."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import wireshift
from wireshift._lazy_names import LAZY_NAMES, LAZY_PACKAGES


def expected_lazy_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for package in LAZY_PACKAGES:
        module = importlib.import_module(f"wireshift{package}")
        for name in module.__all__:
            assert name not in table, f"{name} exported by {table[name]} and {package}"
            table[name] = package
    return table


def test_lazy_table_matches_the_packages() -> None:
    expected = expected_lazy_names()
    if expected != LAZY_NAMES:
        body = "".join(f"    {n!r}: {m!r},\n" for n, m in sorted(expected.items()))
        raise AssertionError(
            f"src/wireshift/_lazy_names.py is stale; LAZY_NAMES should be:\n{body}"
        )


def test_every_public_name_resolves_and_is_unique() -> None:
    assert len(wireshift.__all__) == len(set(wireshift.__all__))
    missing = [name for name in wireshift.__all__ if not hasattr(wireshift, name)]
    assert missing == []


def test_unknown_attribute_is_an_attribute_error() -> None:
    assert not hasattr(wireshift, "NoSuchThing")


def test_import_does_not_load_models_or_httpx() -> None:
    code = textwrap.dedent(
        """
        import sys, wireshift
        heavy = [m for m in ("wireshift.responses", "wireshift.chat", "httpx", "httpx_sse")
                 if m in sys.modules]
        print(heavy)
        wireshift.ResponsesRequest
        print("wireshift.responses" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]
