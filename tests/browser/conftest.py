"""Browser fixtures: the app on a real HTTP server on 127.0.0.1, driven by Debian's Chromium via Playwright."""

import os
import threading

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.browser.helpers import DESKTOP
from tests.support.worker import running_worker, worker_env

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]
# Short enough that a broken page fails fast, long enough for a loaded 2-core CI machine.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Browser:
    """One headless Chromium for the session; every test gets fresh contexts (cookies, storage)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def worker(database_url):
    """A real `flask --app wsgi worker` beside the browser tests' server, as `make run` has one; it
    stops after the browser tests (other tests look at the queue without a worker emptying it)."""
    with running_worker(worker_env(database_url)) as process:
        yield process


@pytest.fixture
def live_server(app, worker) -> str:
    """The test app served over HTTP by werkzeug in a thread, with the worker running; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


class ConsoleLog:
    """Console errors (CSP violations included), uncaught exceptions and failed loads of every page."""

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: uncaught {exc}"))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def _console(self, page: Page, msg) -> None:
        # Failed loads are judged by _response: a form page answered with 400 is by design.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.errors.append(f"{page.url}: {msg.text}")

    def _failed(self, request) -> None:
        # Aborted: the page navigated away while the request was in flight; nothing broke.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        kind = response.request.resource_type
        # A 400 to a script's form post is the form refused with its message, as a form page's 400 is.
        refused_form = kind == "fetch" and response.status == 400
        broken_subresource = response.status >= 400 and kind != "document" and not refused_form
        if broken_subresource or response.status >= 500:
            self.errors.append(f"{response.url}: HTTP {response.status}")


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def new_page(browser, live_server, console):
    """Factory of pages, each in its own browser context (a separate visitor), at a given viewport;
    other keywords go to the context (java_script_enabled=False: a visitor with scripts off)."""
    contexts = []

    def make(viewport: dict = DESKTOP, **options) -> Page:
        """options go to the browser context, e.g. java_script_enabled=False for a visitor without scripts."""
        context = browser.new_context(base_url=live_server, viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert console.errors == [], "the browser reported errors"


@pytest.fixture
def page(new_page) -> Page:
    """A desktop-sized page of a fresh visitor."""
    return new_page()

