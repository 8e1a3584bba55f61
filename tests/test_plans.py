"""Managing plans (policyqa.surfaces.plans): short titles, uploads that are not documents, file names
that try to leave the data dir, and the background worker that queues ingests and removals. Real
files, a real index and real ingests; the browser side is in tests/test_web.py."""

from __future__ import annotations

import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
from policyqa.engine.store import read_state
from policyqa.errors import PolicyQAError
from policyqa.settings import Settings
from policyqa.surfaces.plans import PlanJobs, short_title, short_titles, stage_upload, upload_dir

PLAN_TEXT = """Municipal Plan for Cleaner Buses

1. Objectives
By 2027, the share of electric buses in the city fleet will reach 80 percent.
The Municipal Transport Bureau takes the lead.

2. Charging
The Municipal Energy Bureau shall build 300 charging stations at bus depots before the end of 2026.
"""


def _copy(index_dir: Path, dest: Path) -> Settings:
    shutil.copytree(index_dir, dest)
    return Settings(data_dir=dest)


def _listing(data: Path) -> list[str]:
    return sorted(str(p.relative_to(data)) for p in data.rglob("*") if "chroma" not in p.parts)


# -- short titles ------------------------------------------------------------------------------
def test_a_short_title_is_read_from_the_title():
    assert short_title("Executive Order 14057 of December 8, 2021", "eo") == "EO 14057"
    assert short_title("Executive Order on Tackling the Climate Crisis", "us-eo14008-climate-crisis") == "EO 14008"
    # a year is no order number; a short title is its own short title
    assert short_title("Reinvigorating the Nuclear Industrial Base", "us-eo2025-nuclear", [], "order") == (
        "Reinvigorating the Nuclear Industrial Base"
    )
    assert short_title('Chongqing "14th Five-Year" Work Plan for Energy Conservation', "cq", ["Chongqing"], "plan") == (
        "Chongqing plan"
    )
    long = short_title("Executive Order on the Safe, Secure, and Trustworthy Development and Use of AI", "ai")
    assert long.startswith("EO on the Safe") and long.endswith("…") and len(long) <= 44


def test_each_indexed_plan_has_a_distinct_short_title(plans):
    shorts = short_titles(plans)
    assert shorts["chongqing-14fyp-energy-emissions"] == "Chongqing plan"
    assert shorts["us-eo14008-climate-crisis"] == "EO 14008"
    assert shorts["us-eo14110-ai"] == "EO 14110"
    assert shorts["ca-netzero-accountability-act"] == "Canada Act"
    assert len(set(shorts.values())) == len(shorts)


# -- uploads that are not documents -------------------------------------------------------------
def _scanned_pdf(path: Path) -> None:
    """A one-page PDF holding only a picture (what a scanner makes): no characters to extract."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig = plt.figure(figsize=(4, 5))
    fig.figimage(np.random.default_rng(0).random((200, 160)), cmap="gray")
    fig.savefig(path, format="pdf")
    plt.close(fig)


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("plan.txt", PLAN_TEXT)


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("plans.zip", _zip, "unsupported file type '.zip'"),
        ("archive.txt", lambda p: _zip(p), "binary"),  # an archive under a text file's name
        ("photo.txt", lambda p: p.write_bytes(bytes(range(256)) * 64), "binary"),
        ("empty.md", lambda p: p.write_bytes(b""), "no text found"),
        ("big.txt", lambda p: (p.write_bytes(PLAN_TEXT.encode()), os.truncate(p, 51 * 2**20)), "over the 50 mb"),
        ("scan.pdf", _scanned_pdf, "no text layer; scanned pdfs need ocr, which is not supported"),
    ],
    ids=["archive", "archive-named-txt", "binary", "empty", "over-the-limit", "scanned-pdf"],
)
def test_an_upload_that_is_not_a_document_is_refused_by_name(tmp_path, index_dir, name, make, message):
    settings = _copy(index_dir, tmp_path / "data")
    before = (read_state(settings.data_dir), _listing(settings.data_dir))
    uploaded = tmp_path / "gradio" / "0123abcd" / name  # where Gradio puts an upload
    uploaded.parent.mkdir(parents=True)
    make(uploaded)
    with pytest.raises(PolicyQAError) as err:
        stage_upload(settings, uploaded, name)
    text = str(err.value)
    assert text.startswith(f"{name}:") and message in text.lower(), text
    assert str(settings.data_dir) not in text  # the person's file name, not where it was put
    assert not uploaded.exists(), "Gradio's copy of the upload is deleted"
    assert (read_state(settings.data_dir), _listing(settings.data_dir)) == before, "nothing in the index changes"


def test_a_file_name_cannot_leave_the_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    uploaded = tmp_path / "up.md"
    uploaded.write_text(PLAN_TEXT, encoding="utf-8")
    source = stage_upload(settings, uploaded, "../../../etc/cron.d/Bus Plan.md")
    assert source.doc_id == "bus-plan"
    assert source.path.resolve().is_relative_to(upload_dir(settings) / "bus-plan")
    assert source.title == "Municipal Plan for Cleaner Buses"
    assert not (tmp_path / "etc").exists() and not uploaded.exists()


# -- the worker ----------------------------------------------------------------------------------
def _upload(tmp_path: Path, settings: Settings, name: str, text: str):
    uploaded = tmp_path / "gradio" / name
    uploaded.parent.mkdir(parents=True, exist_ok=True)
    uploaded.write_text(text, encoding="utf-8")
    return stage_upload(settings, uploaded, name)


@pytest.mark.slow
def test_uploads_are_queued_replaced_and_removed(tmp_path, index_dir):
    """Two uploads at once run one after the other; one waits for an ingest another process holds the
    lock for; a new version under the same name replaces the old; a removal takes the plan out."""
    from filelock import FileLock

    settings = _copy(index_dir, tmp_path / "data")
    start = read_state(settings.data_dir).generation
    jobs = PlanJobs(settings)
    lock = FileLock(str(settings.data_dir / "ingest.lock"))
    lock.acquire()  # another process's ingest (the CLI's) is running
    first = jobs.add(_upload(tmp_path, settings, "bus-plan.md", PLAN_TEXT), "bus-plan.md")
    second = jobs.add(_upload(tmp_path, settings, "ferry-plan.md", PLAN_TEXT.replace("Bus", "Ferry")), "ferry-plan.md")
    seen: dict[str, set[str]] = {"first": set(), "second": set()}

    def follow(job, key):
        for j in jobs.follow(job, every=0.05):
            seen[key].add(j.what)

    followers = [threading.Thread(target=follow, args=a) for a in ((first, "first"), (second, "second"))]
    for t in followers:
        t.start()
    time.sleep(2.5)
    assert not first.done.is_set(), "the first job waits for the lock"
    lock.release()
    for t in followers:
        t.join(timeout=600)
    assert first.error == "" and second.error == "", (first.error, second.error)
    assert any("another ingest is running" in w for w in seen["first"])
    assert "Waiting: 1 other plan ahead of this one" in seen["second"]
    assert (first.report.generation, second.report.generation) == (start + 1, start + 2), "one after the other"
    state = read_state(settings.data_dir)
    assert {"bus-plan", "ferry-plan", "chongqing-14fyp-energy-emissions"} == set(state.docs)
    assert state.docs["bus-plan"]["added"] and state.docs["bus-plan"]["clauses"] >= 2

    # a new version of the same file replaces the plan; the old file is deleted
    old_file = Path(state.docs["bus-plan"]["path"])
    again = jobs.add(_upload(tmp_path, settings, "bus-plan.md", PLAN_TEXT.replace("80 percent", "90 percent")), "x")
    list(jobs.follow(again))
    state = read_state(settings.data_dir)
    assert again.error == "" and len(state.docs) == 3 and not old_file.exists()
    assert again.report.summaries[0]["doc_id"] == "bus-plan" and again.report.generation == start + 3

    gone = jobs.remove("ferry-plan")
    list(jobs.follow(gone))
    assert gone.error == "" and gone.report.removed == ["ferry-plan"]
    state = read_state(settings.data_dir)
    assert "ferry-plan" not in state.docs and not (upload_dir(settings) / "ferry-plan").exists()
    unknown = jobs.remove("no-such-plan")
    list(jobs.follow(unknown))
    assert "No document 'no-such-plan'" in unknown.error and "bus-plan" in unknown.error


# -- a comparison through the evaluation's grounding check ---------------------------------------
def _case(question: str) -> dict:
    return {"id": "compare", "question": question, "gold": [], "must": [], "must_not": [], "abstain": False}


@pytest.mark.parametrize(
    "question",
    ["How do the two plans' vehicle targets differ?", "两个规划关于煤炭的规定有什么不同？"],
    ids=["en", "zh"],
)
def test_a_comparison_is_grounded_through_run_case(plans, question):
    """Plan labels ("EO 14008" holds a number no clause has), silent plans' lines (no marker) and the
    note a Chinese answer opens with are what a comparison shows; the eval checks each plan's lines
    against its own clauses, as the comparison itself does."""
    from policyqa.engine.grounding import check
    from policyqa.eval.harness import run_case

    row = run_case(plans, _case(question))
    assert row["intent"] == "compare" and not row["abstained"] and row["grounded"] is True, row["answer"]
    lines = row["answer"].splitlines()
    assert any(ln.startswith("EO 14008: ") for ln in lines)
    assert any(ln.startswith("EO 14110") and ("says nothing" in ln or "没有关于" in ln) for ln in lines)
    # the check of a single plan's answer would have dropped them
    ans = plans.answer(question)
    cited = {c.clause_id: plans.clause(c.clause_id, c.doc_id) for c in ans.citations}
    reasons = {why for _, why in check(ans.answer, cited, plans.registry, question).dropped}
    assert "no citation" in reasons


def test_each_plans_lines_are_checked_against_that_plans_clauses(plans):
    """Clause ids repeat across plans ("3(d)" of the nuclear order and of EO 14110): a quote is checked
    against the clause of the plan its line is labelled with; a figure its clause lacks, a silent line
    naming provisions its plan lacks and a line without a plan fail, and what passes is kept."""
    from policyqa.engine.compare import check_comparison, silent_line
    from policyqa.engine.index import clause_key

    nuclear, ai = "us-eo2025-nuclear-industrial-base", "us-eo14110-ai"
    labels = short_titles(plans)
    own = {d: plans.index.by_key[clause_key(d, "3(d)")] for d in (nuclear, ai)}
    quote = {d: own[d].sentences()[0].strip() for d in own}
    assert quote[nuclear] != quote[ai]
    clauses = {d: {"3(d)": own[d]} for d in own}
    good = [
        f'{labels[nuclear]}: "{quote[nuclear]}" [3(d)]',
        f'{labels[ai]}: "{quote[ai]}" [3(d)]',  # "EO 14110" is its label, not a figure
        silent_line(labels[ai], "uranium", ["3(d)", "1"], "en"),
    ]
    bad = [
        f'{labels[ai]}: "{quote[nuclear]}" [3(d)]',  # the other plan's words under the same id
        f"{labels[nuclear]}: The Secretary of Energy has 45 days [3(d)].",
        silent_line(labels[nuclear], "uranium", ["3(d)", "99(z)"], "en"),
        f'"{quote[nuclear]}" [3(d)]',
    ]
    result = check_comparison(plans, "\n".join(good + bad), clauses, "compare the nuclear order and EO 14110")
    assert not result.grounded and result.kept == good
    reasons = [why for _, why in result.dropped]
    assert result.dropped[0][0] == f'"{quote[nuclear]}" [3(d)]'  # (its "90 days" is not EO 14110's either)
    assert reasons[0] in ("quotation is not verbatim", "number 90 is not in the cited clause"), reasons
    assert reasons[1:] == [
        "number 45 is not in the cited clause",
        "names provisions its plan does not have: 99(z)",
        "names no plan compared",
    ]
    assert check_comparison(plans, "\n".join(good), clauses).grounded


def test_a_chinese_phrase_only_one_plan_writes_picks_it(plans):
    # "十四五" reads as "14th Five-Year Plan period", which only the Chongqing plan writes; "可再生能源" (renewable
    # energy) is in an Australian Act's title beside it
    ans = plans.answer("建筑领域可再生能源应用面积“十四五”要新增多少")
    assert ans.doc_id == "chongqing-14fyp-energy-emissions" and not ans.abstained, ans.answer


def test_a_term_is_defined_from_a_long_definitions_section(plans):
    # the Clean Energy Regulator Act's section 4 defines some sixty terms, far in meaning from any one of them:
    # the definition is still found, with the items its lead-in introduces (not those of another definition)
    ans = plans.answer("What counts as 'protected information' under this Act?")
    assert not ans.abstained and "protected information means information that" in ans.answer, ans.answer
    assert "relates to the affairs of a person other than an official" in ans.answer, ans.answer
    assert "Australian Federal Police" not in ans.answer, ans.answer


def test_what_a_body_s_name_refers_to_is_its_definition_not_its_duties(plans):
    ans = plans.answer("What does 'ACRE Board' refer to?")
    assert ans.intent == "fact" and "Australian Centre for Renewable Energy Board" in ans.answer, ans.answer


def test_a_follow_up_stays_with_the_provisions_of_the_document_it_follows(plans):
    from policyqa.engine.core import _previous_turn

    first = plans.answer("How long does the public get to comment on a draft NEPM and its impact statement?")
    assert first.doc_id == "au-nepc-act-1994" and "18(3)" in first.clause_ids, first.answer
    # another Act has a section 18(3) too: the follow-up leans on the NEPC Act's, not on whichever is read first
    assert _previous_turn([first])[2] == ["au-nepc-act-1994:18(3)"]
    _q, boost = plans.read("what about if it's just a minor variation?", history=[first])
    assert set(boost) == {"au-nepc-act-1994:18(3)"}
    follow = plans.answer("what about if it's just a minor variation?", history=[first])
    assert follow.doc_id == "au-nepc-act-1994", follow.answer


def test_a_document_called_by_words_of_its_title_is_the_one_asked_about():
    from policyqa.engine.decide import documents_called, names_called, short_title, title_words

    texts = {
        "ca": "1 This Act may be cited as the Canadian Net-Zero Emissions Accountability Act.\n2 Definitions ...",
        "cer": "1 Short title\nThis Act may be cited as the Clean Energy Regulator Act 2011.",
        "eo": "Sec. 1. Policy. The climate crisis ...",
    }
    titles = {"ca": "An Act respecting transparency in Canada's efforts", "cer": "Clean Energy Regulator Act 2011"}
    titles["eo"] = "Executive Order on Tackling the Climate Crisis"
    assert short_title(texts["ca"]) == "Canadian Net-Zero Emissions Accountability Act"
    words = title_words(titles, texts)
    kinds = {"ca": "act", "cer": "act", "eo": "order"}
    assert documents_called("does this net zero act bind provinces?", words, kinds) == ["ca"]
    assert documents_called("Who reviews the Net-Zero Accountability Act?", words, kinds) == ["ca"]
    assert documents_called("what does the clean energy regulator act say?", words, kinds) == ["cer"]
    assert documents_called("what does the act say?", words, kinds) == []  # a kind alone names none
    assert names_called("who reviews the net-zero act?", words, kinds) == [("ca", "net-zero act")]
    # a year of the title before "under the Act" calls no Act by it
    words["ca"] = words["ca"] | {"2050"}
    assert documents_called("what is the target for 2050 under the act?", words, kinds) == []


def test_the_words_naming_an_act_are_not_searched_for(plans):
    # "the net-zero accountability act" names the Act: its short-title section is not the answer to every question
    ans = plans.answer("who does the 5 year review of the net-zero accountability act?")
    assert ans.doc_id == "ca-netzero-accountability-act" and ans.clause_ids[0] == "27.1", ans.answer
    # a question closing on "under the Act" searches for what it asks, not for "Act"
    ans = plans.answer("What is Canada's national GHG emissions target for 2050 under the Act?")
    assert ans.clause_ids[:1] == ["6"] and "net-zero emissions" in ans.answer, ans.answer


def test_a_deadline_asked_of_a_body_is_one_the_provision_sets_for_it(plans):
    # "within 3 years from the date of such applications" is the fuel supply's, not a deadline for the NRC
    ans = plans.answer("What's the NRC's deadline to rule on new reactor license applications under this order?")
    assert ans.abstained and "no deadline for the Nuclear Regulatory Commission" in ans.answer, ans.answer
    # a body named by its head or by the distinctive words of its name is named
    gsa = plans.answer("By when must GSA issue the FedRAMP prioritization framework for generative AI?")
    assert not gsa.abstained and "90 days" in gsa.answer, gsa.answer
    due = plans.answer("When is the federal clean electricity and vehicle procurement plan due to the Task Force?")
    assert not due.abstained, due.answer
