"""Server mode: the same index and answers through a real `chroma run` on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Settings
from tests.conftest import free_port, wait_for

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    import chromadb

    ok = wait_for(lambda: chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat(), timeout=60)
    if not ok:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield port, proc
    proc.kill()
    proc.wait()


def test_ingest_and_answer_through_a_chroma_server(tmp_path, chroma_server):
    from app.core import PolicyQA
    from ingest.build import ingest

    port, _ = chroma_server
    settings = Settings(data_dir=tmp_path / "d", chroma_host="127.0.0.1", chroma_port=port)
    report = ingest(settings, progress=False)
    assert report.clauses == 49
    assert not (settings.data_dir / "chroma").exists(), "no embedded store in server mode"
    qa = PolicyQA(settings)
    ans = qa.answer("Which bureau leads VOC remediation?")
    assert ans.citations[0].clause_id == "3.9.2"
    again = ingest(settings, progress=False)
    assert again.unchanged


def test_server_down_is_a_clear_error(tmp_path):
    from app.errors import PolicyQAError
    from ingest.build import ingest

    settings = Settings(data_dir=tmp_path / "d", chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(PolicyQAError, match="not reachable"):
        ingest(settings, progress=False)
