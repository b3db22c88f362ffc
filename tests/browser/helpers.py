"""Steps that several browser journeys share."""

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def register(page: Page, username: str) -> None:
    """Sign up through the form; ends on the feed, logged in."""
    page.goto("/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash")).to_contain_text(f"Welcome to photoshare, {username}!")


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form."""
    page.goto("/auth/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def broken_images(page: Page) -> list[str]:
    """The src of every image on the page that failed to load."""
    return page.evaluate("""async () => {
        const images = Array.from(document.images);
        await Promise.all(images.map(img => { img.loading = "eager"; return img.decode().catch(() => null); }));
        return images.filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src);
    }""")
