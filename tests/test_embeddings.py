"""The question encoder: ONNX Runtime gives the vectors sentence-transformers gives, without torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from tests.conftest import ROOT

TEXTS = [
    "Which bureau leads VOC remediation?",
    "we run a 40 t/h coal boiler in the city",
    "挥发性有机物综合治理由哪个部门牵头？",
    "<script>alert(1)</script> 🙂",
    "energy " * 400,  # past the 256-piece window: both cut it at the same place
]


def test_onnx_vectors_equal_sentence_transformers(index_dir):
    from policyqa.engine.embeddings import OnnxEmbeddings, get_embeddings, onnx_path
    from policyqa.settings import Settings

    settings = Settings(data_dir=index_dir)
    path = onnx_path(settings.embedding_model, index_dir)
    assert path.exists(), "ingest exports the ONNX question encoder into the data dir"
    onnx = np.array(OnnxEmbeddings(settings.embedding_model, path).embed_documents(TEXTS))
    reference = np.array(get_embeddings(settings.embedding_model).embed_documents(TEXTS))
    cosines = (onnx * reference).sum(axis=1)
    assert cosines.min() > 0.9999, cosines
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_answering_process_needs_no_torch(index_dir):
    """A fresh process answers from the ONNX encoder alone: torch is never imported."""
    code = (
        "import json, sys; from policyqa.engine.core import PolicyQA; from policyqa.settings import Settings; "
        f"a = PolicyQA(Settings(data_dir={str(index_dir)!r})).answer('Which bureau leads VOC remediation?'); "
        "cited = [c['clause_id'] for c in a.to_dict()['citations']]; "
        "print(json.dumps({'torch': 'torch' in sys.modules, 'cited': cited}))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["torch"] is False
    assert "3.9.2" in out["cited"]


def test_torch_encoder_still_answers(index_dir):
    """POLICYQA_QUERY_ENCODER=torch (the reference path) gives the same top clause."""
    from policyqa.engine.core import PolicyQA
    from policyqa.settings import Settings

    qa = PolicyQA(Settings(data_dir=index_dir, query_encoder="torch"))
    assert type(qa.index.embeddings).__name__ == "HuggingFaceEmbeddings"
    answer = qa.answer("Which bureau leads VOC remediation?")
    assert "3.9.2" in [c.clause_id for c in answer.citations]


def test_damaged_onnx_file_is_made_again(index_dir, tmp_path):
    """A truncated encoder file in the data dir does not break answering: it is exported again."""
    import shutil

    from policyqa.engine.core import PolicyQA
    from policyqa.engine.embeddings import OnnxEmbeddings, onnx_path
    from policyqa.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(index_dir, data)
    settings = Settings(data_dir=data)
    path = onnx_path(settings.embedding_model, data)
    path.write_bytes(path.read_bytes()[:1000])
    qa = PolicyQA(settings)
    assert isinstance(qa.index.embeddings, OnnxEmbeddings)
    assert path.stat().st_size > 1_000_000
    assert "3.9.2" in [c.clause_id for c in qa.answer("Which bureau leads VOC remediation?").citations]
