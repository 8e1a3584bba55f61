"""Shared fixtures: every test gets its own data dir; one real index is built per session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from policyqa.tools.servers import free_port  # noqa: F401  (tests import it from here)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Point POLICYQA_DATA_DIR at a fresh temp dir so no test touches the user's index."""
    monkeypatch.setenv("POLICYQA_DATA_DIR", str(tmp_path / "data"))
    for name in ("POLICYQA_CHROMA_HOST", "POLICYQA_LLM_BASE_URL", "POLICYQA_AUTH"):
        monkeypatch.delenv(name, raising=False)
    from policyqa.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A data dir holding a real index of the corpus (real model, embedded Chroma)."""
    from policyqa.ingest.build import ingest
    from policyqa.settings import Settings

    data = tmp_path_factory.mktemp("index") / "data"
    report = ingest(Settings(data_dir=data), progress=False)
    assert report.clauses == 49
    return data


@pytest.fixture(scope="session")
def qa(index_dir):
    """The core object over the session index."""
    from policyqa.engine.core import PolicyQA
    from policyqa.settings import Settings

    return PolicyQA(Settings(data_dir=index_dir))


def run_cli(
    *args: str, data_dir: Path | None = None, stdin: str | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run ``policyqa ARGS`` in a subprocess, as a user would."""
    full_env = dict(os.environ)
    if data_dir is not None:
        full_env["POLICYQA_DATA_DIR"] = str(data_dir)
    full_env.update(env or {})
    return subprocess.run(
        [PYTHON, "-m", "policyqa.surfaces.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=timeout,
    )


def wait_for(check, timeout: float = 60.0, interval: float = 0.3) -> bool:
    """Poll ``check()`` until it is truthy or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:
            pass
        time.sleep(interval)
    return False


SHARED_CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def plans_dir(tmp_path_factory) -> Path:
    """A data dir holding the Chongqing plan and the real documents of ../shared/corpora, indexed
    together as a user holding several plans would have them."""
    if not SHARED_CORPORA.is_dir():
        pytest.skip("../shared/corpora is not beside this clone")
    from policyqa.eval.harness import eval_sources
    from policyqa.ingest.build import ingest
    from policyqa.settings import Settings

    data = tmp_path_factory.mktemp("plans") / "data"
    sources, _ = eval_sources(Settings(data_dir=data))
    ingest(Settings(data_dir=data), sources=sources, progress=False)
    return data


@pytest.fixture(scope="session")
def plans(plans_dir):
    """The core object over several real plans."""
    from policyqa.engine.core import PolicyQA
    from policyqa.settings import Settings

    return PolicyQA(Settings(data_dir=plans_dir))


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright, one for the whole session: a second sync Playwright
    started while one runs fails ("Sync API inside the asyncio loop"), so every browser test shares this."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
