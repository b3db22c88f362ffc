"""Steps that several browser journeys share, and screenshots of the pages they reach."""

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.actions import PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", PROJECT_ROOT / "test-artifacts" / "screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def register(page: Page, username: str) -> None:
    """Sign up through the form; ends on the feed, logged in."""
    page.goto("/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Welcome to photoshare, {username}!")


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form."""
    page.goto("/auth/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for the whole next page: a test that reads it at once must not see it half parsed.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Log in").click()


def broken_images(page: Page) -> list[str]:
    """The src of every image on the page that failed to load."""
    return page.evaluate("""async () => {
        const images = Array.from(document.images);
        await Promise.all(images.map(img => { img.loading = "eager"; return img.decode().catch(() => null); }));
        return images.filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src);
    }""")


def save_screenshots(page: Page, name: str, full_page: bool = False) -> list[Path]:
    """Screenshots of what a phone and a desktop screen show of the current page (test artefacts)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    paths = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        wait_for_images(page)
        path = SCREENSHOT_DIR / f"{name}-{label}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=full_page)
        paths.append(path)
    return paths


def wait_for_images(page: Page) -> None:
    """Wait until every image on the page has loaded (lazy ones are scrolled into view first)."""
    page.evaluate("""async () => {
        for (const img of document.images) {
            img.loading = "eager";
        }
        await Promise.all(Array.from(document.images).map(img => img.decode().catch(() => null)));
    }""")
