"""Server mode: the same index and answers through a real `chroma run` on 127.0.0.1."""

from __future__ import annotations

import pytest
from policyqa.settings import Settings
from policyqa.tools import servers
from policyqa.tools.servers import free_port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    with servers.chroma_server(tmp_path_factory.mktemp("chroma-server"), kill=True) as (port, proc):
        yield port, proc


def test_ingest_and_answer_through_a_chroma_server(tmp_path, chroma_server):
    from policyqa.engine.core import PolicyQA
    from policyqa.ingest.build import ingest

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
    from policyqa.errors import PolicyQAError
    from policyqa.ingest.build import ingest

    settings = Settings(data_dir=tmp_path / "d", chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(PolicyQAError, match="not reachable"):
        ingest(settings, progress=False)
