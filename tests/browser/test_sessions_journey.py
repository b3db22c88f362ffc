"""Where am I logged in: a phone and a laptop on one account, the list of sessions, logging the
other one out from it, and a log-out that ends the session on the server."""

from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, log_in, save_screenshots
from tests.browser.seed import add_user

PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0 Mobile Safari/537.36")


def test_log_out_a_lost_phone_from_the_laptop(app, new_page):
    add_user(app, "alice")
    phone = new_page(PHONE, user_agent=PHONE_AGENT)
    log_in(phone, "alice")
    laptop = new_page(DESKTOP)
    log_in(laptop, "alice")

    laptop.goto("/settings/profile")
    laptop.get_by_role("link", name="Where you're logged in").click()
    sessions = laptop.locator("li.session")
    expect(sessions).to_have_count(2)
    expect(laptop.locator('li.session[data-current="true"]')).to_contain_text("This browser")
    other = laptop.locator('li.session[data-current="false"]')
    expect(other).to_contain_text("Chrome on Android")
    expect(other).to_contain_text("network 127.0.0.0/24")
    save_screenshots(laptop, "sessions")

    other.get_by_role("button", name="Log out").click()
    expect(laptop.locator(".flash-success")).to_contain_text("That session is logged out.")
    expect(laptop.locator("li.session")).to_have_count(1)
    # The phone is out at its next page, and its copied cookie would be too.
    phone.reload()
    assert "/auth/login" in phone.url

    # Logging out on the laptop ends its session on the server: putting the cookie back opens nothing.
    cookies = laptop.context.cookies()
    laptop.goto("/settings/profile")
    laptop.locator(".logout-form").get_by_role("button", name="Log out").click()
    expect(laptop.locator(".flash-info")).to_contain_text("You are logged out.")
    laptop.context.clear_cookies()
    laptop.context.add_cookies(cookies)
    laptop.goto("/")
    assert "/auth/login" in laptop.url
