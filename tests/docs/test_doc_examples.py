"""The code in the docs runs, so the docs cannot rot.

Every ```python block of a page runs, in order, in one namespace per page,
against a live `cims serve` (`BASE_URL`, `TOKEN`). Blocks fenced as ```py are
shown but not run: they need a service the tests do not have (a real Kafka
cluster, say), and each such page says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.server import cims, running_service

DOCS = Path(__file__).parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted(p for p in DOCS.rglob("*.md") if BLOCK.search(p.read_text()))


@pytest.fixture(scope="module")
def live_service(tmp_path_factory):
    with running_service(tmp_path_factory.mktemp("docs")) as (url, env):
        token = cims(["token", "create", "--scope", "admin"], env)
        yield url, token


@pytest.mark.e2e
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_the_examples_on_the_page_run(page, live_service):
    base_url, token = live_service
    namespace = {"BASE_URL": base_url, "TOKEN": token, "__name__": "docs_example"}

    for number, block in enumerate(BLOCK.findall(page.read_text()), start=1):
        code = compile(block, f"{page.name} (example {number})", "exec")
        exec(code, namespace)
