"""JupyterHub of the classroom without a browser: real PAM logins through the login form, and a restart.

The users' servers are not started here (the browser cycle test does): each request stops at the hub's
answer (redirects are not followed).
"""

from __future__ import annotations

import http.cookiejar
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest
from throwaway import A01, start_hub, stop_hub, throwaway_class

from classroom import accounts
from classroom.roster import Member

pytestmark = pytest.mark.hub


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies and the login form, as a person's browser would send them."""

    def __init__(self, base: str) -> None:
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def login(self, username: str, password: str) -> tuple[int, str, str]:
        self.get("/hub/login")
        xsrf = next(c.value for c in self.jar if c.name == "_xsrf")
        data = urllib.parse.urlencode({"username": username, "password": password, "_xsrf": xsrf}).encode()
        return self._open(urllib.request.Request(self.base + "/hub/login", data=data))

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=60) as r:
                return r.status, r.headers.get("Location", ""), r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location", ""), e.read().decode(errors="replace")


@pytest.fixture(scope="module")
def hub():
    with throwaway_class(assignments=(A01,)) as k:
        start_hub(k)
        yield k


@pytest.fixture
def outsider(hub):
    """A Unix account with a password that is not on the roster."""
    name, password = f"cnn{secrets.token_hex(3)}x", secrets.token_urlsafe(9)
    try:
        accounts.ensure_account(Member(name, "student"), hub.dep.homes)
        accounts.set_passwords({name: password})
        yield name, password
    finally:
        accounts.remove_account(name)


def test_roster_accounts_log_in_with_their_password(hub):
    for user in [hub.teacher, *hub.students]:
        status, location, _ = Browser(hub.url).login(user, hub.passwords[user])
        assert status == 302 and location.startswith("/hub/"), (user, status, location)


def test_a_wrong_password_is_refused(hub):
    user = hub.students[0]
    status, _, body = Browser(hub.url).login(user, hub.passwords[user] + "x")
    assert status == 403 and "Invalid username or password" in body


def test_an_account_not_on_the_roster_is_told_so(hub, outsider):
    name, password = outsider
    status, _, body = Browser(hub.url).login(name, password)
    assert status == 403, (status, body[:300])
    assert f"{name} is not on the roster of cnn-course" in body and "ask your instructor" in body
    # the same refusal for a wrong password stays the generic one (no hint that the account exists)
    status, _, body = Browser(hub.url).login(name, password + "x")
    assert status == 403 and "Invalid username or password" in body and "roster" not in body


def test_a_restart_of_the_hub_keeps_everyone_logged_in(hub):
    user = hub.students[1]
    browser = Browser(hub.url)
    assert browser.login(user, hub.passwords[user])[0] == 302
    status, _, body = browser.get("/hub/home")
    assert status == 200 and user in body
    stop_hub(hub)
    start_hub(hub)
    status, _, body = browser.get("/hub/home")
    assert status == 200 and user in body, (status, body[:300])
