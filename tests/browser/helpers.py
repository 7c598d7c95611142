"""What browser tests share: the test users' password and signing in through the login page."""

from playwright.sync_api import Page, expect

PASSWORD = "pw-for-tests"


def log_in(page: Page, base: str, username: str) -> None:
    """Sign in on the login page as a person would, and land on the home page."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(base + "/")
