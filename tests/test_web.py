"""The web app against a real server: a real index, a real Chromium, and gradio_client.

A session fixture builds an index into a temporary data dir and starts ``serve()`` in a
subprocess; browser tests (``-m browser``) drive it with Playwright and Debian's chromium.
Screenshots of every tab are written to ``docs/screenshots/``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from policyqa.errors import PolicyQAError
from policyqa.settings import PROJECT_ROOT, Settings
from policyqa.tools import servers
from policyqa.tools.servers import free_port

SHOTS = PROJECT_ROOT / "docs" / "screenshots"
VOC = "Which bureau leads VOC remediation?"
EEB = "Municipal Bureau of Ecology and Environment"
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


# -- server fixtures ----------------------------------------------------------------------
def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    return {**env, "POLICYQA_DATA_DIR": str(data_dir), **extra}


def _start_server(data_dir: Path, log: Path, **extra: str) -> Iterator[str]:
    """Run ``serve()`` in a subprocess; yield its URL once it answers HTTP; stop it after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-c", f"from policyqa.surfaces.web import serve; serve(port={port})"]
    started = time.perf_counter()
    with servers.started(
        cmd,
        lambda: servers.http_ok(url),
        name="policyqa serve",
        timeout=240,
        log=log,
        env=_env(data_dir, **extra),
        cwd=PROJECT_ROOT,
    ):
        print(f"\nserver ready after {time.perf_counter() - started:.1f} s ({url})")
        yield url


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly built index of the bundled corpus."""
    path = tmp_path_factory.mktemp("policyqa-data")
    code = (
        "from policyqa.settings import get_settings; from policyqa.ingest.build import ingest; "
        "print(ingest(get_settings(), progress=False))"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=_env(path),
        check=True,
        capture_output=True,
        timeout=900,
    )
    return path


@pytest.fixture(scope="session")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a running web app on the built index."""
    yield from _start_server(data_dir, tmp_path_factory.mktemp("logs") / "server.log")


# -- browser fixtures ---------------------------------------------------------------------
@pytest.fixture
def page(browser, server: str):
    """A fresh page (own session) on the app, recording any JS dialog that opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(server)
    pg.wait_for_selector("#pq-question textarea")
    yield pg
    context.close()


def ask(page, question: str):
    """Ask in the chat and wait for the finished answer; returns its locator."""
    done = page.locator("#pq-chat .pq-final").count()
    page.fill("#pq-question textarea", question)
    page.click("#pq-send")
    page.wait_for_function(f"document.querySelectorAll('#pq-chat .pq-final').length > {done}", timeout=60_000)
    return page.locator("#pq-chat .pq-final").nth(done)


def cited(scope, clause_id: str):
    """The citation block of ``clause_id`` within ``scope``."""
    return scope.locator("details.pq-cite", has=scope.page.locator("summary", has_text=f"[{clause_id}]"))


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def download(page, selector: str) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path())


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# -- browser tests ------------------------------------------------------------------------
@pytest.mark.browser
def test_ask_streams_cites_and_follows_up(page) -> None:
    page.evaluate("""() => {
        window.pqLog = [];
        const chat = document.querySelector('#pq-chat');
        new MutationObserver(() => window.pqLog.push({
            t: performance.now(), text: chat.innerText.includes('Municipal Bureau of Ecology'),
            final: !!chat.querySelector('.pq-final')})
        ).observe(chat, {subtree: true, childList: true, characterData: true});
    }""")
    clicked = page.evaluate("performance.now()")
    answer = ask(page, VOC)
    log = page.evaluate("window.pqLog")
    first = next(e["t"] for e in log if e["text"])
    print(f"\ntime to first streamed answer text: {(first - clicked) / 1000:.2f} s")
    assert any(e["text"] and not e["final"] for e in log), "the answer did not stream"
    assert EEB in answer.inner_text()

    block = cited(answer, "3.9.2")
    marks = block.locator("mark")
    assert not marks.first.is_visible()
    block.locator("summary").click()
    assert marks.first.is_visible()
    assert any("600 enterprises" in t for t in marks.all_inner_texts())
    assert EEB in block.inner_text()  # lead agency shown
    shot(page, "ask")

    follow = ask(page, "and who else is responsible?")
    assert "responsible" in follow.inner_text()
    assert follow.locator("details.pq-cite").count() >= 1


@pytest.mark.browser
def test_abstention_is_plain_with_nearest_clauses(page) -> None:
    answer = ask(page, "What is the fine for exceeding VOC limits?")
    assert "The plan does not say" in answer.inner_text()
    assert answer.locator("details.pq-cite").count() >= 1  # the nearest clauses


@pytest.mark.browser
def test_html_in_question_is_text(page) -> None:
    ask(page, XSS)
    page.wait_for_timeout(1000)
    assert XSS in page.locator("#pq-chat").inner_text()
    assert page.locator("#pq-chat script, #pq-chat img[src='x']").count() == 0
    assert page.dialogs == []


@pytest.mark.browser
def test_like_writes_feedback_line(page, data_dir: Path) -> None:
    feedback = data_dir / "feedback.jsonl"
    before = feedback.read_text().count("\n") if feedback.exists() else 0
    ask(page, VOC)
    page.fill("#pq-comment textarea", "clear answer")
    page.locator("#pq-chat button[aria-label='Like']").last.click()
    deadline = time.time() + 15
    while time.time() < deadline and (not feedback.exists() or feedback.read_text().count("\n") == before):
        time.sleep(0.2)
    record = json.loads(feedback.read_text().splitlines()[-1])
    assert record["question"] == VOC and record["vote"] == "up"
    assert record["comment"] == "clear answer" and "3.9.2" in record["citations"]
    assert EEB in record["answer"] and record["time"]


@pytest.mark.browser
def test_who_does_what_filter_and_csv(page) -> None:
    open_tab(page, "Who does what")
    page.fill("#pq-agency-filter textarea", "EEB")
    table = page.locator("#pq-agency-table")
    page.wait_for_function("!document.querySelector('#pq-agency-table').innerText.includes('Development and Reform')")
    assert "3.9.2" in table.inner_text() and EEB in table.inner_text()
    shot(page, "who-does-what")
    rows = read_csv(download(page, "#pq-agency-csv"))
    assert rows[0] == ["agency", "zh", "role", "clause", "clause title"]
    assert len(rows) > 5 and all(r[0] == EEB for r in rows[1:])
    assert ["lead", "3.9.2"] in [r[2:4] for r in rows]


@pytest.mark.browser
def test_targets_table_chart_and_csv(page) -> None:
    open_tab(page, "Targets")
    assert "14 percent" in page.locator("#pq-target-table").inner_text()
    page.wait_for_selector("#pq-target-chart canvas, #pq-target-chart svg")
    shot(page, "targets")
    rows = read_csv(download(page, "#pq-target-csv"))
    assert rows[0][:6] == ["clause", "measure", "value", "unit", "direction", "year"]
    assert any(r[0] == "2" and r[2] == "14 percent" and r[5] == "2025" for r in rows[1:])


@pytest.mark.browser
def test_browse_finds_clause(page) -> None:
    open_tab(page, "Browse")
    page.fill("#pq-browse-search textarea", "coal-fired boilers")
    item = page.locator("#pq-browse-list label", has_text="3.8.2")
    item.wait_for()
    item.click()
    page.wait_for_function("document.querySelector('#pq-browse-panel').innerText.includes('Clause 3.8.2')")
    panel = page.locator("#pq-browse-panel").inner_text()
    assert "35 tons/hour" in panel and "Municipal Energy Bureau" in panel
    shot(page, "browse")


# -- API -----------------------------------------------------------------------------------
def test_client_sees_only_ask_and_obligations(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    api = client.view_api(return_format="dict", print_info=False)
    assert list(api["named_endpoints"]) == ["/ask", "/obligations"] and not api["unnamed_endpoints"]
    result = client.predict(VOC, api_name="/ask")
    assert isinstance(result, dict) and not result["abstained"]
    assert "3.9.2" in [c["clause_id"] for c in result["citations"]]
    assert "error" in client.predict("x" * 100_001, api_name="/ask")
    assert "error" in client.predict("   ", api_name="/ask")


def test_ask_takes_an_optional_plan_and_the_one_argument_call_still_works(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    plan = "chongqing-14fyp-energy-emissions"
    scoped = client.predict({"question": VOC, "doc": plan}, api_name="/ask")
    assert scoped["doc_id"] == plan and "3.9.2" in [c["clause_id"] for c in scoped["citations"]]
    unknown = client.predict({"question": VOC, "doc": "no-such-plan"}, api_name="/ask")
    assert "No document 'no-such-plan'" in unknown["error"] and plan in unknown["error"]
    # the REST call with the question alone, as before
    body = json.dumps({"data": [VOC]}).encode()
    req = urllib.request.Request(f"{server}gradio_api/call/ask", body, {"Content-Type": "application/json"})
    event = json.load(urllib.request.urlopen(req, timeout=30))["event_id"]
    stream = urllib.request.urlopen(f"{server}gradio_api/call/ask/{event}", timeout=60).read().decode()
    assert "event: complete" in stream and '"3.9.2"' in stream


def test_private_files_are_not_served(server: str, data_dir: Path) -> None:
    for path in (data_dir / "index.json", PROJECT_ROOT / "app" / "core.py", Path("/etc/passwd")):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{server}gradio_api/file={path}", timeout=10)
        assert err.value.code in (403, 404)


# -- slow: a full queue, and a server without an index -------------------------------------
@pytest.mark.slow
@pytest.mark.browser
def test_full_queue_says_busy(browser, data_dir: Path, tmp_path: Path) -> None:
    from gradio_client import Client
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    servers = _start_server(data_dir, tmp_path / "busy.log", POLICYQA_QUEUE_SIZE="1", POLICYQA_CONCURRENCY="1")
    url = next(servers)
    stop = threading.Event()

    def flood() -> None:
        client = Client(url, verbose=False)
        while not stop.is_set():
            client.submit(VOC * 40, api_name="/ask")
            time.sleep(0.05)

    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(url)
        pg.wait_for_selector("#pq-question textarea")
        threading.Thread(target=flood, daemon=True).start()
        time.sleep(2)
        for _ in range(15):  # the queue is full nearly all the time; one click may slip in
            pg.fill("#pq-question textarea", VOC)
            pg.click("#pq-send")
            try:
                pg.wait_for_selector("text=currently busy", timeout=3000)
                break
            except PlaywrightTimeout:
                continue
        assert "Please try again" in pg.locator("body").inner_text()
    finally:
        stop.set()
        context.close()
        servers.close()


@pytest.mark.slow
@pytest.mark.browser
def test_missing_index_shows_error_page(browser, tmp_path: Path) -> None:
    servers = _start_server(tmp_path / "empty", tmp_path / "empty.log")
    url = next(servers)
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(url)
        text = pg.locator("#pq-error").inner_text()
        assert "No index yet" in text and "policyqa ingest" in text
    finally:
        context.close()
        servers.close()


# -- units (no server) ---------------------------------------------------------------------
def test_html_is_escaped() -> None:
    from policyqa.engine.clauses import Clause
    from policyqa.surfaces.web import answer_html, clause_block, esc, highlighted_text

    assert esc(XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    assert "<img" not in answer_html(f"{XSS} [3.9.2]")
    clause = Clause("d", "1.1", ["<u>Head</u>"], "First <i>one</i> here. Second sentence here.")
    html = clause_block(clause)
    assert "<u>" not in html and "<i>" not in html and "&lt;u&gt;Head" in html
    assert highlighted_text(clause, "Second sentence here.").endswith("<mark>Second sentence here.</mark>")


def test_feedback_lines_survive_concurrent_writers(tmp_path: Path) -> None:
    from policyqa.surfaces.web import append_feedback

    path = tmp_path / "feedback.jsonl"
    threads = [
        threading.Thread(
            target=lambda n=n: [append_feedback(path, {"n": n, "i": i, "pad": "x" * 5000}) for i in range(25)]
        )
        for n in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200 and all(json.loads(line)["pad"] for line in lines)


def test_open_bind_needs_auth(tmp_path: Path) -> None:
    from policyqa.surfaces.web import _auth, blocked_paths

    open_settings = Settings(data_dir=tmp_path, auth=None)
    assert _auth(open_settings, "127.0.0.1", False) is None
    with pytest.raises(PolicyQAError, match="without a password"):
        _auth(open_settings, "0.0.0.0", False)
    assert _auth(open_settings, "0.0.0.0", True) is None
    assert _auth(Settings(data_dir=tmp_path, auth="ann:s3:cret"), "0.0.0.0", False) == (
        "ann",
        "s3:cret",
    )
    with pytest.raises(PolicyQAError, match="user:password"):
        _auth(Settings(data_dir=tmp_path, auth="nopassword"), "0.0.0.0", False)
    assert str(tmp_path.resolve()) in blocked_paths(open_settings)


def test_plans_are_managed_on_loopback_or_behind_a_password(tmp_path: Path) -> None:
    from policyqa.surfaces.web import managing

    assert managing(Settings(data_dir=tmp_path, auth=None), "127.0.0.1") == (True, "")
    assert managing(Settings(data_dir=tmp_path, auth="ann:secret"), "0.0.0.0")[0] is True
    allowed, why = managing(Settings(data_dir=tmp_path, auth=None), "0.0.0.0")
    assert not allowed and "0.0.0.0 without a password" in why and "POLICYQA_AUTH" in why


# -- several plans: upload, ask, pick, link, remove -----------------------------------------------
NUCLEAR = "us-eo2025-nuclear-industrial-base"
NUCLEAR_TITLE = "Reinvigorating the Nuclear Industrial Base"
URANIUM = "Who has to update the excess uranium management policy?"


def _nuclear_file() -> Path:
    from tests.conftest import SHARED_CORPORA

    path = SHARED_CORPORA / f"{NUCLEAR}.txt"
    if not path.is_file():
        pytest.skip("../shared/corpora is not beside this clone")
    return path


@pytest.fixture(scope="module")
def plans_app(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The app on its own copy of the index (uploads change it), with Gradio's upload folder where
    the test can look into it."""
    _nuclear_file()
    base = tmp_path_factory.mktemp("plans-app")
    data, uploads = base / "data", base / "gradio"
    shutil.copytree(data_dir, data)
    for url in _start_server(data, base / "server.log", GRADIO_TEMP_DIR=str(uploads)):
        yield SimpleNamespace(url=url, data=data, uploads=uploads)


def _app_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    pg.goto(url)
    pg.wait_for_selector("#pq-question textarea")
    return context, pg


def choose(page, dropdown: str, option: str) -> None:
    """Pick ``option`` in the Gradio dropdown ``dropdown`` as a person does (open it, click the option)."""
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def upload(page, path: Path) -> None:
    page.set_input_files("#pq-plan-upload input[type=file]", str(path))


def status_says(page, text: str, timeout: float = 240_000) -> str:
    page.wait_for_function(
        "t => document.querySelector('#pq-plan-status').innerText.includes(t)", arg=text, timeout=timeout
    )
    return page.locator("#pq-plan-status").inner_text()


@pytest.mark.browser
def test_a_plan_is_added_asked_picked_linked_and_removed(browser, plans_app, tmp_path: Path) -> None:
    from policyqa.engine.store import read_state

    nuclear = _nuclear_file()
    context, pg = _app_page(browser, plans_app.url)
    try:
        open_tab(pg, "Plans")
        table = pg.locator("#pq-plans-table")
        assert "chongqing-14fyp-energy-emissions" in table.inner_text() and NUCLEAR not in table.inner_text()

        # not a document: refused with its name, and the index stays as it was
        start = read_state(plans_app.data).generation
        empty = tmp_path / "meeting-notes.txt"
        empty.write_bytes(b"")
        upload(pg, empty)
        assert "meeting-notes.txt: no text found" in status_says(pg, "Not added")
        assert read_state(plans_app.data).generation == start

        # the plan ingests in the background; meanwhile a question is answered from the index in force
        upload(pg, nuclear)
        status_says(pg, f"{nuclear.name}:", timeout=60_000)  # the progress bar's line
        open_tab(pg, "Ask")
        assert EEB in ask(pg, VOC).inner_text()
        assert read_state(plans_app.data).generation == start, "answered while the ingest was running"
        open_tab(pg, "Plans")
        said = status_says(pg, "it answers questions now")
        assert f"{nuclear.name} is indexed as {NUCLEAR}" in said
        assert "Ingested 1 document(s)" in said and f"{NUCLEAR}: 42 provisions (printed ids)" in said
        assert NUCLEAR_TITLE in table.inner_text() and NUCLEAR in table.inner_text()
        shot(pg, "plans")

        # the uploaded file is kept under the data dir only, and never served back
        assert not [p for p in plans_app.uploads.rglob("*") if p.name == nuclear.name]
        stored = [p for p in (plans_app.data / "plans").rglob("*") if p.is_file()]
        assert len(stored) == 1 and stored[0].read_bytes() == nuclear.read_bytes()
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{plans_app.url}gradio_api/file={stored[0]}", timeout=10)
        assert err.value.code in (403, 404)

        # asked about without a restart: each citation says which plan it is from
        open_tab(pg, "Ask")
        answer = ask(pg, URANIUM)
        assert "Secretary of Energy" in answer.inner_text()
        assert f"[{NUCLEAR_TITLE} Sec. 3(d)]" in answer.locator("summary").first.inner_text()
        assert f"From: {NUCLEAR_TITLE}" in answer.inner_text()
        shot(pg, "ask-plans")

        # the picker scopes the tabs to one plan
        choose(pg, "#pq-plan", "Chongqing plan")
        answer = ask(pg, VOC)
        assert "[Chongqing plan 3.9.2]" in answer.locator("summary").first.inner_text()
        open_tab(pg, "Browse")
        pg.wait_for_function("document.querySelectorAll('#pq-browse-list label').length === 49")
        assert "3(d)" not in pg.locator("#pq-browse-list").inner_text()

        # a link opens one provision in Browse
        pg.goto(f"{plans_app.url}?doc={NUCLEAR}&clause=3(d)")
        pg.wait_for_function("document.querySelector('#pq-browse-panel')?.innerText.includes('Sec. 3(d)')")
        panel = pg.locator("#pq-browse-panel").inner_text()
        assert "Secretary of Energy" in panel and "excess uranium management policy" in panel
        assert pg.get_by_role("tab", name="Browse").get_attribute("aria-selected") == "true"
        assert pg.locator("#pq-plan input").input_value() == NUCLEAR_TITLE

        # removed, after a confirmation
        open_tab(pg, "Plans")
        choose(pg, "#pq-remove-pick", NUCLEAR_TITLE)
        pg.click("#pq-remove")
        assert NUCLEAR_TITLE in pg.locator("#pq-remove-question").inner_text()
        assert NUCLEAR in table.inner_text(), "nothing is removed before the confirmation"
        pg.click("#pq-remove-yes")
        assert f"Removed {NUCLEAR_TITLE}" in status_says(pg, "Removed")
        pg.wait_for_function(f"!document.querySelector('#pq-plans-table').innerText.includes('{NUCLEAR}')")
        assert pg.locator("#pq-plan input").input_value() == "All plans"
        assert NUCLEAR not in read_state(plans_app.data).docs
        assert not (plans_app.data / "plans").exists(), "the removed plan's file is deleted"
    finally:
        context.close()


@pytest.mark.browser
def test_plans_cannot_be_changed_off_loopback_without_a_password(browser, data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-c", f"from policyqa.surfaces.web import serve; serve('0.0.0.0', {port}, no_auth=True)"]
    url = f"http://127.0.0.1:{port}/"
    with servers.started(
        cmd, lambda: servers.http_ok(url), name="policyqa serve", timeout=240, log=tmp_path / "open.log",
        env=_env(data_dir), cwd=PROJECT_ROOT,
    ):  # fmt: skip
        context, pg = _app_page(browser, url)
        try:
            open_tab(pg, "Plans")
            assert "Adding and removing plans is off" in pg.locator("#pq-plans-off").inner_text()
            assert "POLICYQA_AUTH" in pg.locator("#pq-plans-off").inner_text()
            assert pg.locator("#pq-plan-upload input[type=file]").count() == 0
            assert pg.locator("#pq-remove").is_disabled()
        finally:
            context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_server_killed_mid_ingest_restarts_on_the_previous_index(browser, data_dir: Path, tmp_path: Path) -> None:
    from policyqa.engine.store import read_state

    nuclear = _nuclear_file()
    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    before = read_state(data)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-c", f"from policyqa.surfaces.web import serve; serve(port={port})"]
    with servers.started(
        cmd,
        lambda: servers.http_ok(url),
        name="policyqa serve",
        timeout=240,
        log=tmp_path / "killed.log",
        env=_env(data),
        cwd=PROJECT_ROOT,
        kill=True,
    ) as proc:
        context, pg = _app_page(browser, url)
        try:
            open_tab(pg, "Plans")
            upload(pg, nuclear)
            status_says(pg, "Loading the model", timeout=60_000)  # the ingest has started
            proc.kill()
            proc.wait()
        finally:
            context.close()
    assert read_state(data) == before, "the killed ingest never switched"

    restarted = _start_server(data, tmp_path / "restarted.log")
    url = next(restarted)
    context, pg = _app_page(browser, url)
    try:
        assert EEB in ask(pg, VOC).inner_text()
        open_tab(pg, "Plans")
        assert NUCLEAR not in pg.locator("#pq-plans-table").inner_text()
        assert not (data / "plans").exists(), "the half-added file is tidied away"
    finally:
        context.close()
        restarted.close()
