"""Development sessions: tests, lint, typecheck, benchmarks, docs, demo.

`nox -s tests` is the command README.md and CI use. Sessions install the
project into their own virtualenv (uv when available, else virtualenv).
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


def _pytest(session: nox.Session, *args: str) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *args, *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Every test; PostgreSQL and Kafka tests skip when the service is absent."""
    _pytest(session)


@nox.session(python=PYTHON)
def unit(session: nox.Session) -> None:
    """The fast tests only (no services, no processes)."""
    _pytest(session, "tests/unit", "tests/api")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.4")
    session.run("ruff", "check", "cims", "tests", "benchmarks", "docs", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy: strict on the domain and the ports, default elsewhere."""
    session.install("-e", ".[test]", "mypy>=1.9", "types-requests", "types-PyYAML")
    session.run("mypy", "cims")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly: any warning fails the build."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, each printing a table of side-by-side figures."""
    session.install("-e", ".[test,bench]")
    scripts = session.posargs or ["benchmarks/bench_http.py"]
    for script in scripts:
        session.run("python", script)


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Run the service on its embedded default."""
    session.install("-e", ".")
    session.run("cims", "serve", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The main job on real data: FEBRL customers imported, cleansed, screened,
    deduplicated, merged and served (see README.md). Not run by default."""
    session.install("-e", ".[bench]")
    session.run("python", "-m", "cims.entrypoints.demo", *session.posargs)
