"""Ingest: the plan read as numbered clauses with agencies and targets, stored safely in Chroma."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from policyqa.engine.clauses import load_clauses
from policyqa.engine.store import load_chunks, read_state
from policyqa.settings import Settings

from tests.conftest import PYTHON, ROOT, run_cli

SOURCE = (ROOT / "corpus" / "chongqing-14fyp-energy-emissions.txt").read_text(encoding="utf-8")
EXPECTED_IDS = (
    ["0", "1", "2"]
    + [f"3.{s}.{i}" for s, n in enumerate([2, 2, 2, 4, 3, 3, 2, 2, 2, 2], start=1) for i in range(1, n + 1)]
    + [f"4.{s}.{i}" for s, n in enumerate([2, 3, 2, 2, 3, 3, 2, 2], start=1) for i in range(1, n + 1)]
    + ["5.1", "5.2", "5.3"]
)
EEB = "Municipal Bureau of Ecology and Environment"
DRC = "Municipal Development and Reform Commission"
MEIC = "Municipal Economic and Information Commission"


@pytest.fixture(scope="module")
def clauses(index_dir):
    state = read_state(index_dir)
    return {c.clause_id: c for c in load_clauses(index_dir / state.clauses_file)}


def test_all_49_clause_ids_in_plan_order(index_dir):
    state = read_state(index_dir)
    ids = [c.clause_id for c in load_clauses(index_dir / state.clauses_file)]
    assert len(EXPECTED_IDS) == 49
    assert ids == EXPECTED_IDS


def test_clause_text_is_verbatim_from_the_source(clauses):
    normalised_source = re.sub(r"\s+", " ", SOURCE)
    for c in clauses.values():
        assert c.text in normalised_source, c.clause_id
    assert clauses["3.9.2"].text.startswith("2. We will thoroughly implement refined management and control.")


def test_no_page_chrome_in_any_chunk(index_dir):
    state = read_state(index_dir)
    text = " ".join(row["text"] for row in load_chunks(index_dir / state.chunks_file))
    for chrome in ("400-6700-999", "Harbin", "Nanjing", "CAPTCHA", "Tmall", "sayyas1998", "Shuangcheng"):
        assert chrome not in text


def test_chunks_fit_the_model_window_and_keep_all_text(index_dir, qa):
    from policyqa.engine.embeddings import count_tokens, get_embeddings

    model = get_embeddings(qa.settings.embedding_model)  # the model ingest embeds with
    state = read_state(index_dir)
    chunks = load_chunks(index_dir / state.chunks_file)
    for row in chunks:
        assert count_tokens(model, row["text"]) <= 256, row["id"]
    split = [row for row in chunks if "#" in row["chunk"]]
    assert split, "the long clauses are split into parts"
    for cid in {row["clause_id"] for row in split}:
        parts = [row["text"] for row in chunks if row["clause_id"] == cid]
        words = " ".join(parts).split()
        assert all(w in words for w in qa.clause(cid).text.split()), f"text of {cid} lost in splitting"


@pytest.mark.parametrize(
    ("clause_id", "lead", "responsible_includes", "phrasing"),
    [
        ("3.9.2", [EEB], [MEIC], "X takes the lead, and Y is responsible"),
        ("3.9.1", [MEIC], [EEB, "Municipal Market Supervision Bureau"], "takes the lead, Y and Z"),
        ("4.3.1", [DRC, EEB], [MEIC, "Municipal Planning and Natural Resources Bureau"], "X and Y take the lead;"),
        (
            "3.4.3",
            [MEIC, EEB],
            [DRC, "Municipal Public Security Bureau", "Chongqing Civil Aviation Regulatory Bureau"],
            "Under the leadership of X and Y",
        ),
        ("3.6.1", ["Municipal Bureau of Government Offices"], [], "In charge of X"),
        ("4.2.1", [EEB], [], "a parenthesis naming one agency alone"),
        (
            "3.1.2",
            [],
            [MEIC, EEB, "Municipal Urban Management Bureau", "Municipal Water Resources Bureau"],
            "only responsible according to their duties",
        ),
        (
            "4.5.2",
            [],
            [DRC, "Chongqing Securities Regulatory Bureau", "People's Bank of China Chongqing Operations Office"],
            "a list ending in etc.",
        ),
        ("5.1", [DRC, EEB], ["Municipal departments"], "take the lead, municipal departments"),
        ("3.7.1", [EEB], ["Municipal Emergency Management Bureau"], "variant name Emergency Response Bureau"),
    ],
)
def test_responsibility_parsing(clauses, clause_id, lead, responsible_includes, phrasing):
    c = clauses[clause_id]
    assert c.lead == lead, phrasing
    for name in responsible_includes:
        assert name in c.responsible, (phrasing, name)
    assert not set(c.lead) & set(c.responsible)


def test_scope_note_of_districts_and_counties(clauses):
    c = clauses["3.1.1"]
    assert c.lead == []
    assert len(c.responsible) == 4
    assert any(s.startswith("Districts and counties") for s in c.scope)


def test_every_responsibility_note_resolves_without_warnings(index_dir):
    from policyqa.ingest.build import ingest

    report = ingest(Settings(data_dir=index_dir), rebuild=False, progress=False)
    assert report.unchanged and report.warnings == []


def test_targets_of_the_main_objectives(clauses):
    targets = {t.value_text: t for t in clauses["2"].targets}
    assert targets["14 percent"].direction == "fall" and targets["14 percent"].year == 2025
    assert targets["43,200 tons"].measure == "emissions of chemical oxygen demand"
    assert targets["36,800 tons"].measure == "emissions of nitrogen oxide"
    assert targets["10,600 tons"].measure == "emissions of volatile organic compounds"
    glitch = targets["0.1,800 tons"]
    assert glitch.value == 1800 and "read as 1,800 tons" in glitch.reading
    assert all(t.sentence in clauses["2"].text for t in clauses["2"].targets)


def test_thresholds_are_targets_too(clauses):
    boiler = {t.value_text: t for t in clauses["3.8.2"].targets}
    assert boiler["35 tons/hour"].direction == "at most"
    assert boiler["65 tons/hour"].direction == "at least"
    inks = [t for t in clauses["3.9.1"].targets if t.value_text == "15%"]
    assert inks and "inks" in inks[0].measure and inks[0].reading


def test_a_document_read_by_other_code_is_read_again(tmp_path):
    """An upgrade reaches plans already indexed: a file whose text did not change is read and
    embedded again when the index says other code read it, and skipped once this code has."""
    from policyqa.engine.store import write_state
    from policyqa.ingest.build import ingest, reader_version

    plan = tmp_path / "plan.txt"
    plan.write_text(
        "Plan for clean fleets\n\n1. Fleets\nThe Transport Bureau shall replace 40 percent of buses by 2027.\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "d")
    first = ingest(settings, [plan], progress=False)
    assert first.embedded > 0
    assert read_state(settings.data_dir).docs["plan"]["reader"] == reader_version()
    assert ingest(settings, [plan], progress=False).unchanged

    state = read_state(settings.data_dir)
    state.docs["plan"]["reader"] = "an-earlier-reader"
    write_state(settings.data_dir, state)
    again = ingest(settings, [plan], progress=False)
    assert not again.unchanged and again.embedded == first.embedded
    assert read_state(settings.data_dir).docs["plan"]["reader"] == reader_version()
    assert ingest(settings, [plan], progress=False).unchanged


def test_reingest_replaces_rather_than_duplicates(tmp_path):
    from policyqa.ingest.build import ingest

    settings = Settings(data_dir=tmp_path / "d")
    first = ingest(settings, progress=False)
    again = ingest(settings, progress=False)
    assert again.unchanged and again.embedded == 0
    rebuilt = ingest(settings, rebuild=True, progress=False)
    assert (first.clauses, first.chunks) == (rebuilt.clauses, rebuilt.chunks) == (49, first.chunks)
    state = read_state(settings.data_dir)
    ids = [row["id"] for row in load_chunks(settings.data_dir / state.chunks_file)]
    assert len(ids) == len(set(ids)) == first.chunks
    assert "chongqing-14fyp-energy-emissions:3.9.2" in ids
    from policyqa.engine.store import chroma_client

    names = [c.name for c in chroma_client(settings).list_collections()]
    assert names == [state.collection], "old generations are dropped after the switch"


def test_killed_ingest_leaves_the_old_index_answering(tmp_path):
    data = tmp_path / "d"
    assert run_cli("ingest", data_dir=data).returncode == 0
    before = read_state(data)
    proc = subprocess.Popen(
        [PYTHON, "-m", "policyqa.surfaces.cli", "ingest", "--rebuild"],
        cwd=ROOT,
        env={**__import__("os").environ, "POLICYQA_DATA_DIR": str(data)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    seen = ""
    deadline = time.monotonic() + 120
    while "Embedding" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.read(1) or ""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert "Embedding" in seen
    assert read_state(data).generation == before.generation
    answer = run_cli("ask", "--json", "Which bureau leads VOC remediation?", data_dir=data)
    assert answer.returncode == 0, answer.stderr
    assert "3.9.2" in [c["clause_id"] for c in json.loads(answer.stdout)["citations"]]
    again = run_cli("ingest", "--rebuild", data_dir=data)
    assert again.returncode == 0, again.stderr
    assert read_state(data).generation > before.generation


def test_a_second_ingest_at_once_is_refused(tmp_path):
    from filelock import FileLock
    from policyqa.errors import PolicyQAError
    from policyqa.ingest.build import ingest

    settings = Settings(data_dir=tmp_path / "d")
    settings.data_dir.mkdir(parents=True)
    with FileLock(str(settings.data_dir / "ingest.lock")):
        with pytest.raises(PolicyQAError, match="Another ingest is running"):
            ingest(settings, progress=False)


def _write_docx(path: Path, paragraphs: list[str]) -> None:
    import zipfile

    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.'
            f'org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
        )


def _write_pdf(path: Path, lines: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        fig.text(0.05, 0.95 - i * 0.04, line, fontsize=9)
    fig.savefig(path, format="pdf")
    plt.close(fig)


NOTICE = [
    "# Notice on Green Data Centres",
    "## 1. Energy efficiency",
    "By 2025, the power usage effectiveness of new data centres will be below 1.3 in every district. "
    "(The Municipal Big Data Development Bureau takes the lead, and the Municipal Energy Bureau is "
    "responsible according to the division of duties)",
    "## 2. Waste heat",
    "Data centres will recover waste heat for nearby buildings where conditions permit.",
]


@pytest.mark.parametrize("suffix", [".md", ".txt", ".html", ".docx", ".pdf"])
def test_other_documents_ingest_through_loaders(tmp_path, suffix):
    from policyqa.ingest.build import ingest

    path = tmp_path / f"green-data-centres{suffix}"
    if suffix in {".md", ".txt"}:
        path.write_text("\n\n".join(NOTICE), encoding="utf-8")
    elif suffix == ".html":
        body = "".join(f"<h2>{p.lstrip('# ')}</h2>" if p.startswith("#") else f"<p>{p}</p>" for p in NOTICE)
        path.write_text(f"<html><head><script>alert(1)</script></head><body>{body}</body></html>")
    elif suffix == ".docx":
        _write_docx(path, NOTICE)
    else:
        _write_pdf(
            path,
            [
                "Notice on Green Data Centres",
                "1. Energy efficiency",
                "By 2025, the power usage effectiveness of new data centres will be below 1.3.",
                "2. Waste heat",
                "Data centres will recover waste heat for nearby buildings.",
            ],
        )
    settings = Settings(data_dir=tmp_path / "d")
    ingest(settings, progress=False)
    report = ingest(settings, [path], progress=False)
    assert report.documents == 1 and report.embedded > 0
    state = read_state(settings.data_dir)
    assert set(state.docs) == {"chongqing-14fyp-energy-emissions", "green-data-centres"}
    assert report.clauses > 49
    clauses = [c for c in load_clauses(settings.data_dir / state.clauses_file) if c.doc_id == "green-data-centres"]
    assert any("1.3" in c.text for c in clauses)
    if suffix in {".md", ".txt", ".html", ".docx"}:
        led = [c for c in clauses if c.lead]
        assert led and led[0].lead == ["Municipal Big Data Development Bureau"]
    assert "alert(1)" not in " ".join(c.text for c in clauses)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("empty.txt", b"", "no text found"),
        ("binary.txt", b"\x00\x01\x02" * 100, "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not a pdf", "could not be read"),
        ("nul-in-text.txt", "Prüfung der Maßnahmen ".encode("latin-1") * 3 + b"\xff\xfe\x00", "binary"),
        ("utf16-no-bom.txt", "Energy conservation plan for the city".encode("utf-16-le"), "save it as utf-8"),
    ],
)
def test_bad_files_fail_clearly_and_leave_the_index(tmp_path, name, content, message):
    data = tmp_path / "d"
    assert run_cli("ingest", data_dir=data).returncode == 0
    before = read_state(data)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run_cli("ingest", str(bad), data_dir=data)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert name in result.stderr and message in result.stderr.lower()
    assert read_state(data) == before


@pytest.mark.parametrize(
    ("encoding", "text", "readable"),
    [
        ("utf-8", "Prüfung der Maßnahmen, café résumé: 14 percent by 2025.", True),
        ("gb18030", "挥发性有机物综合治理：到2025年，单位地区生产总值能源消耗比2020年下降14%。", True),
        ("utf-16", "Prüfung der Maßnahmen, café résumé: 14 percent by 2025.", False),
        ("cp1252", "Prüfung der Maßnahmen, café résumé – “14 percent” by 2025.", False),
        ("latin-1", "Prüfung der Maßnahmen, café résumé: 14 percent by 2025.", False),
    ],
)
def test_text_files_are_read_in_utf8_or_gb18030_and_others_refused(tmp_path, encoding, text, readable):
    """A Western European file is refused with the fix, not read as Chinese; a Chinese one is read."""
    from policyqa.errors import PolicyQAError
    from policyqa.ingest.loaders import read_text

    path = tmp_path / "notice.txt"
    path.write_bytes(text.encode(encoding))
    if readable:
        assert read_text(path) == text
    else:
        with pytest.raises(PolicyQAError, match="notice.txt") as err:
            read_text(path)
        assert "UTF-8" in err.value.fix


def test_missing_file_is_named(tmp_path):
    result = run_cli("ingest", str(tmp_path / "nope.md"), data_dir=tmp_path / "d")
    assert result.returncode == 1 and "nope.md: no such file" in result.stderr


def test_target_vectors_are_saved_at_ingest_so_no_question_waits(index_dir):
    """Every target's measure is embedded at ingest; answering a figure question embeds only the question."""
    import numpy as np
    from policyqa.engine.core import PolicyQA
    from policyqa.engine.index import target_texts

    state = read_state(index_dir)
    clauses = load_clauses(index_dir / state.clauses_file)
    saved = np.load(index_dir / state.target_vectors_file)
    assert saved.shape == (len(target_texts(clauses)), 384)
    assert len(target_texts(clauses)) >= 40
    qa = PolicyQA(Settings(data_dir=index_dir))
    calls: list[int] = []
    real = qa.index.embeddings.embed_documents
    qa.index.embeddings.embed_documents = lambda texts: calls.append(len(texts)) or real(texts)
    answer = qa.answer("By how much will energy consumption per unit of GDP drop by 2025?")
    assert "14" in answer.answer and not answer.abstained
    assert calls == [], "target measures were embedded while answering"
    # the saved vectors are the model's own
    fresh = np.array(real(target_texts(clauses)[:5]))
    assert np.allclose(fresh, saved[:5], atol=1e-4)


_BUILD = """
import json, sys, numpy as np, chromadb
configuration = json.loads(sys.argv[2])
kwargs = {"configuration": configuration} if configuration else {"metadata": {"hnsw:space": "cosine"}}
collection = chromadb.PersistentClient(path=sys.argv[1]).create_collection("nearest", **kwargs)
vectors = np.random.default_rng(0).normal(size=(900, 384))
for start in range(0, len(vectors), 100):  # as ingest adds them: in batches
    block = vectors[start : start + 100]
    collection.add(ids=[str(start + i) for i in range(len(block))], embeddings=block.tolist())
"""
_NEAREST = """
import sys, numpy as np, chromadb
collection = chromadb.PersistentClient(path=sys.argv[1]).get_collection("nearest")
for vector in np.random.default_rng(7).normal(size=(20, 384)):
    print(collection.query(query_embeddings=[vector.tolist()], n_results=40, include=["distances"])["ids"][0])
"""


def _nearest_in_three_processes(path: Path, configuration: dict | None) -> int:
    """How many different answers three processes give for the nearest vectors of one collection
    (built, as by ingest, in a process of its own)."""
    subprocess.run([PYTHON, "-c", _BUILD, str(path), json.dumps(configuration)], check=True, capture_output=True)
    runs = {
        subprocess.run([PYTHON, "-c", _NEAREST, str(path)], capture_output=True, text=True, check=True).stdout
        for _ in range(3)
    }
    return len(runs)


def test_every_process_finds_the_same_nearest_chunks(tmp_path, index_dir) -> None:
    """The same question gets the same answer after a restart. Chroma rebuilds a collection's graph in
    each process that opens it; with several insertion threads the nearest chunks of a question
    differed from one process to the next (Chroma's defaults, kept here to show the test can fail)."""
    from policyqa.engine.store import chroma_client, read_state
    from policyqa.ingest.build import HNSW_CONFIGURATION

    assert _nearest_in_three_processes(tmp_path / "ingest", HNSW_CONFIGURATION) == 1
    assert _nearest_in_three_processes(tmp_path / "default", None) > 1
    settings = Settings(data_dir=index_dir)
    live = chroma_client(settings).get_collection(read_state(index_dir).collection)
    assert live.configuration["hnsw"]["ef_search"] == HNSW_CONFIGURATION["hnsw"]["ef_search"]


def test_a_provision_citing_another_of_its_section_by_number_says_which():
    from policyqa.engine.clauses import Clause
    from policyqa.ingest.documents import read_references

    clauses = [
        Clause("act", "18", ["Public consultation"], ""),
        Clause("act", "18(1)", ["Public consultation"], "Before making a measure, the Council must publish a notice:"),
        Clause("act", "18(1)(a)", ["Public consultation"], "inviting submissions within a specified period."),
        Clause("act", "18(2)", ["Public consultation"], "A notice must be published in the Gazette."),
        Clause(
            "act",
            "18(3)",
            ["Public consultation"],
            "The period specified in each notice under subsection (1) must end not less than 2 months after the day "
            "on which paragraph (2)(b) has been complied with.",
        ),
        Clause("act", "45(2)", ["Termination"], "The Council may terminate the appointment if:"),
        Clause("act", "45(2)(a)", ["Termination"], "the officer is absent; or"),
        Clause(
            "act", "45(2)(b)", ["Termination"], "the officer fails to comply with paragraph (a) of this subsection."
        ),
    ]
    read_references(clauses)
    by_id = {c.clause_id: c for c in clauses}
    assert by_id["18(3)"].cites == ["18(1)"]  # "(2)(b)" is no provision here: nothing is guessed
    assert by_id["45(2)(b)"].cites == ["45(2)(a)"]  # a paragraph of its own subsection, not of the section
    assert by_id["18(1)(a)"].cites == [] and by_id["45(2)"].cites == []


def test_an_index_saved_with_a_field_this_version_lacks_still_loads():
    from policyqa.engine.clauses import Clause

    saved = Clause("doc", "1", ["Title"], "Text.").to_dict() | {"written_by_a_newer_version": ["x"]}
    assert Clause.from_dict(saved).text == "Text."
