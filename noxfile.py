"""Developer tasks: `nox` runs the tests under coverage, lint, typecheck, docs and e2e;
`nox -s tests` runs the tests alone; `nox -s bench` benchmarks."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["coverage", "lint", "typecheck", "docs", "e2e"]
nox.options.reuse_venv = "yes"

PYTHON = ["3.11"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit, conformance and property tests (no e2e)."""
    # The e2e group brings uvicorn, which the docs recipes' servers run on.
    session.install("-e", ".[zstd]", "--group", "test", "--group", "e2e")
    session.run("pytest", "-m", "not e2e", *session.posargs)


@nox.session(python=PYTHON)
def coverage(session: nox.Session) -> None:
    """The tests of ``tests`` under branch coverage, failing below pyproject's fail_under
    (the default sessions run this instead of ``tests``). Two workers, one per core of the
    CI machine: serially under coverage the suite took 13 of CI's 15 minutes."""
    session.install("-e", ".[zstd]", "--group", "test", "--group", "e2e", "--group", "coverage")
    session.run(
        "pytest",
        "-m",
        "not e2e",
        "-n",
        "2",
        # A test can take minutes (the gateway smoke test makes LiteLLM's venv on a fresh
        # clone): an idle worker takes over the tests queued behind it.
        "--dist",
        "worksteal",
        "--cov=wireshift",
        "--cov-report=term",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("--group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    # The tests are type-checked too, against the packages they import (openai, uvicorn...).
    session.install("-e", ".[zstd]", "--group", "typecheck", "--group", "test", "--group", "e2e")
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    session.install("-e", ".", "--group", "docs")
    session.run("mkdocs", "build", "--strict", "--site-dir", f"{session.create_tmp()}/site")


@nox.session(python=PYTHON)
def e2e(session: nox.Session) -> None:
    """The real Codex CLI through docs/examples/codex_proxy.py (installs Codex with npm)."""
    session.install(".", "--group", "test", "--group", "e2e")
    session.run("pytest", "-m", "e2e", "tests/e2e", *session.posargs)


@nox.session(python=PYTHON, default=False)
def fuzz(session: nox.Session) -> None:
    """A million mutated inputs over every entry point, and a cut at every byte of the
    corpus (about 8 minutes on 2 cores; not in CI). ``nox -s fuzz -- --inputs 50000``."""
    session.install("-e", ".[zstd]", "--group", "test")
    session.run("python", "tests/fuzz_many.py", *(session.posargs or ["--inputs", "1000000"]))


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """One table of side-by-side ratios against the peers and the floors (benchmarks/README.md).

    LiteLLM gets its own venv in benchmarks/.venvs/, made by the run on first use.
    Arguments go to benchmarks/run.py: `nox -s bench -- --repeats 3 --only accumulate`.
    """
    session.install("-e", ".[zstd]", "--group", "bench")
    session.run("python", "benchmarks/run.py", *session.posargs)
