"""Browser tests: the real app served over HTTP, driven by Debian's Chromium via Playwright.

The server is a second Flask app on the session database (the `app` fixture's), with real
CSRF and its own base URL on a free port. Chromium resolves ``*.localhost`` to 127.0.0.1,
so workspaces live at ``http://<slug>.localhost:<port>/`` as in production.

Without /usr/bin/chromium the tests are skipped, except on CI (``CI=true``) where a
missing browser is a failure. On failure every open page is saved to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from saas.app import create_app
from tests.conftest import REQUIRE_SERVICES
from tests.conftest import test_config as make_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 10_000
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails a test: WCAG 2.x A/AA rules (2.2 included) at these impacts.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_FAILING_IMPACTS = {"serious", "critical"}


def require_browser() -> None:
    """Skip without Chromium or Playwright, but fail on CI, where both must be present."""
    problem = None
    if not os.path.exists(CHROMIUM):
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing (pip install -e '.[dev]')"
    if problem is None and not AXE_SCRIPT.exists():
        problem = f"{AXE_SCRIPT} is missing (make install runs npm ci)"
    if problem is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"browser tests must run on CI: {problem}", pytrace=False)
    pytest.skip(f"browser tests need Chromium: {problem}", allow_module_level=True)


class LiveServer:
    """The app served by werkzeug in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, database_url: str, owner_url: str, **config) -> None:
        # Bind first (port 0: the OS picks a free port), then build the app for that port.
        self._server = make_server("127.0.0.1", 0, _not_ready, threaded=True)
        self.port = self._server.server_port
        self.base_url = f"http://localhost:{self.port}"
        self.app = create_app(
            make_config(
                database_url,
                owner_url,
                WTF_CSRF_ENABLED=True,
                TRELLIS_BASE_URL=self.base_url,
                **config,
            )
        )
        self._server.app = _buffered(self.app)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="live-server", daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/", *, slug: str | None = None) -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}:{self.port}{path}"

    @property
    def mail(self) -> list[dict]:
        """E-mails the server sent (MAIL_BACKEND=memory keeps them on its own app)."""
        return self.app.extensions.setdefault("trellis_mail_sent", [])

    def mail_to(self, address: str) -> dict:
        messages = [m for m in self.mail if m["to"] == address]
        assert messages, f"no e-mail to {address}; sent: {[m['to'] for m in self.mail]}"
        return messages[-1]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        with self.app.app_context():
            from saas.db import db

            db.engine.dispose()


def _buffered(app):
    """Read the whole response (and close it) before werkzeug starts sending it.

    When a browser drops a connection (a page left while its script is loading), the
    werkzeug server can fail before it closes the response, which leaves a static file open
    and fails an unrelated test with a ResourceWarning. Buffering closes it every time.
    """

    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


def _not_ready(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


def link_in(message: dict) -> str:
    """The first absolute link in an e-mail body."""
    match = re.search(r"https?://\S+", message["body"])
    assert match, message["body"]
    return match.group(0)


@pytest.fixture(scope="session")
def _live_server(app, database_urls) -> Iterator[LiveServer]:
    require_browser()
    server = LiveServer(*database_urls)
    yield server
    server.stop()


@pytest.fixture
def live_server(app, _live_server) -> LiveServer:
    """The running server, with an empty mailbox; `app` empties the tables afterwards."""
    _live_server.mail.clear()
    return _live_server


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class BrowserProblems:
    """What the page complained about (script errors, CSP violations) and what axe-core found.

    axe-core runs on every page a test loads, once it has loaded, with the WCAG 2.x A/AA
    rules; a serious or critical violation fails the test. It is evaluated through the
    DevTools protocol, so the page's Content-Security-Policy stays as strict as in
    production. ``check_accessibility(page)`` runs it again on demand, e.g. after a dialog
    opened.
    """

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.checked: list[str] = []
        self._watched: list = []
        self.running = 0
        # Pages of a context without JavaScript: axe-core is a script and cannot finish
        # there (its timers never fire); the same markup is checked by the other tests.
        self._unchecked: set[int] = set()
        self._axe = AXE_SCRIPT.read_text(encoding="utf-8")

    def watch(self, page, *, accessibility: bool = True) -> None:
        if page in self._watched:
            return
        self._watched.append(page)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("console", self._console)
        if accessibility:
            page.on("load", self.check_accessibility)
        else:
            self._unchecked.add(id(page))

    def check_accessibility(self, page) -> None:
        if id(page) in self._unchecked:
            return
        self.running += 1
        try:
            self._check(page)
        finally:
            self.running -= 1

    def settle(self, page, timeout_ms: int = TIMEOUT_MS) -> None:
        """Wait until the checks started by page loads have finished (they run alongside)."""
        waited = 0
        while self.running and waited < timeout_ms:
            page.wait_for_timeout(25)
            waited += 25

    def _check(self, page) -> None:
        try:
            if not page.evaluate("() => !!window.axe"):
                page.evaluate("source => { (0, eval)(source); }", self._axe)
            violations = page.evaluate(
                # One run at a time per page: a load event can start a check while the
                # final check (or an explicit one) is still running, and axe refuses that.
                """([tags, impacts]) => {
                    const run = () => window.axe.run(document, {
                        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
                    const queued = (window.__trellisAxeRun || Promise.resolve())
                        .catch(() => null).then(run);
                    window.__trellisAxeRun = queued;
                    return queued.then(r => r.violations
                        .filter(v => impacts.includes(v.impact)).map(v =>
                        ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})));
                }""",
                [AXE_TAGS, sorted(AXE_FAILING_IMPACTS)],
            )
        except Exception as error:  # the page navigated away while axe ran: checked there
            if "context was destroyed" in str(error) or "closed" in str(error):
                return
            raise
        self.checked.append(page.url)
        for violation in violations:
            self.messages.append(
                f"axe {violation['impact']} {violation['id']} on {page.url}: "
                f"{violation['help']} at {', '.join(violation['nodes'])}"
            )

    def _console(self, message) -> None:
        # A 4xx page is a console error in Chromium; those are part of the tests, not bugs.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.messages.append(f"console: {message.text}")


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def new_context(browser, request, browser_problems) -> Iterator[Callable[..., object]]:
    """Make a fresh browser context (its own cookies), e.g. one per person in a test.

    Any script error, Content-Security-Policy violation or serious accessibility violation
    (axe-core) fails the test.
    """
    contexts = []
    problems = browser_problems

    def _new(**options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        scripted = options.get("java_script_enabled", True)

        def watch(created):
            problems.watch(created, accessibility=scripted)

        context.on("page", watch)  # pages the site opens (popups)
        opened = context.new_page

        def new_page():  # watched before its first navigation, not when the event arrives
            created = opened()
            watch(created)
            return created

        context.new_page = new_page
        contexts.append(context)
        return context

    yield _new

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{i}-{j}.png"), full_page=True)
    if report is not None and report.passed:
        for context in contexts:  # the last state of every page is checked too
            for open_page in context.pages:
                problems.settle(open_page)
                problems.check_accessibility(open_page)
    for context in contexts:
        context.close()
    if report is not None and report.passed and problems.messages:
        pytest.fail("the browser reported problems:\n" + "\n".join(problems.messages))


@pytest.fixture
def page(new_context):
    return new_context().new_page()
