"""Comparing two plans in the web app, as a person does it: with the Chongqing plan and the nuclear order
of ../shared/corpora indexed (the second added with ``policyqa ingest FILE``), a comparison asked in the
Ask tab is answered side by side, each line and each citation labelled with its plan; with one plan
picked, the same question is answered from that plan only. A real server, Debian's chromium, and the
screenshot docs/screenshots/compare.png (README, "Comparing plans")."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_web import (  # noqa: F401  (data_dir is a fixture)
    _app_page,
    _nuclear_file,
    _start_server,
    ask,
    choose,
    data_dir,
    shot,
)

NUCLEAR = "us-eo2025-nuclear-industrial-base"
NUCLEAR_TITLE = "Reinvigorating the Nuclear Industrial Base"  # its short title: the title is short
CHONGQING = "Chongqing plan"
# Both documents speak to it: the Chongqing plan's 4.8.2 (training talents) and the order's Sec. 5(b)
# (the nuclear energy workforce)
COMPARE = "How do the Chongqing plan and the nuclear order differ on workforce training?"


@pytest.fixture(scope="module")
def two_plans(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """The app on a copy of the corpus index with the nuclear order added from the command line."""
    nuclear = _nuclear_file()
    base = tmp_path_factory.mktemp("compare-app")
    data = base / "data"
    shutil.copytree(data_dir, data)
    added = run_cli("ingest", str(nuclear), data_dir=data, timeout=600)
    assert added.returncode == 0, added.stderr
    yield from _start_server(data, base / "server.log")


def summaries(answer) -> list[str]:
    """The citation blocks' titles of an answer: "[Chongqing plan 4.8.2] 8. Strengthening ..."."""
    return answer.locator("details.pq-cite summary").all_inner_texts()


@pytest.mark.browser
def test_two_plans_are_compared_then_one_is_picked(browser, two_plans: str) -> None:  # noqa: F811
    context, pg = _app_page(browser, two_plans)
    try:
        answer = ask(pg, COMPARE)
        lines = answer.locator(".pq-answer p").all_inner_texts()
        assert any(ln.startswith(f"{CHONGQING}: ") and "[4.8.2]" in ln for ln in lines), lines
        assert any(ln.startswith(f"{NUCLEAR_TITLE}: ") and "[5(b)" in ln for ln in lines), lines
        assert all(ln.startswith((f"{CHONGQING}: ", f"{NUCLEAR_TITLE}: ")) for ln in lines), lines
        cites = summaries(answer)
        assert any(s.startswith(f"[{CHONGQING} 4.8.2]") for s in cites), cites
        assert any(s.startswith(f"[{NUCLEAR_TITLE} Sec. 5(b)") for s in cites), cites
        said = answer.inner_text()
        assert "From: Chongqing" in said and NUCLEAR_TITLE in said.split("From:")[1]
        assert "Expanding the Nuclear Energy Workforce" in said
        shot(pg, "compare")

        # one plan picked: the same question is answered from that plan alone, nothing compared
        choose(pg, "#pq-plan", NUCLEAR_TITLE)
        answer = ask(pg, COMPARE)
        cites = summaries(answer)
        assert cites and all(s.startswith(f"[{NUCLEAR_TITLE} Sec. 5(b)") for s in cites), cites
        said = answer.inner_text()
        assert "Chongqing" not in said and f"{NUCLEAR_TITLE}: " not in said, said
        assert f"From: {NUCLEAR_TITLE}" in said
    finally:
        context.close()
