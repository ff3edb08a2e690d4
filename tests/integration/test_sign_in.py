"""Who is asking, on the real app: single sign-on from a trusted proxy, the admin key, UI sign-in,
and users removed while signed in. (The role x route matrix runs against a live server in
tests/e2e/test_users.py.)"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from assistant.stores.records import Records
from assistant.stores.users import Users
from assistant.web.access import Gatekeeper
from assistant.web.app import create_app
from tests.support.workspace import make_settings

PROXY = ("10.0.0.5", 40000)


@pytest.fixture
def home(tmp_path):
    Records(tmp_path / "acme" / "records.duckdb").close()
    Records(tmp_path / "globex" / "records.duckdb").close()
    users = Users(tmp_path)
    users.add("vera", "viewer", ["acme"], "t")
    users.add("pat", "preparer", ["acme", "globex"], "t")
    return tmp_path


def test_a_trusted_proxy_names_the_user_and_nobody_else_can(home):
    settings = make_settings(home, "acme", trusted_proxies=[PROXY[0]])
    app = create_app(settings, ui=False)
    proxied = TestClient(app, client=PROXY)
    me = proxied.get("/api/workspaces", headers={"X-Forwarded-User": "vera"})
    assert me.status_code == 200 and me.json()["user"] == "vera" and me.json()["workspaces"] == ["acme"]
    # the proxy's user keeps their role: a viewer may not upload
    up = proxied.post("/api/w/acme/ingest", headers={"X-Forwarded-User": "vera"}, files=[("files", ("a.txt", b"x"))])
    assert up.status_code == 403
    # an unknown name, no header, or the header from any other address: not signed in
    assert proxied.get("/api/workspaces", headers={"X-Forwarded-User": "mallory"}).status_code == 401
    assert proxied.get("/api/workspaces").status_code == 401
    direct = TestClient(app, client=("10.0.0.9", 40000))
    assert direct.get("/api/workspaces", headers={"X-Forwarded-User": "pat"}).status_code == 401


def test_off_by_default_the_header_is_ignored(home):
    app = create_app(make_settings(home, "acme"), ui=False)
    assert TestClient(app, client=PROXY).get("/api/status", headers={"X-Forwarded-User": "pat"}).status_code == 401


def test_the_admin_key_still_works_alone_and_beside_users(home, tmp_path_factory):
    alone = tmp_path_factory.mktemp("alone")
    app = create_app(make_settings(alone, "default", api_key="one-person-key"), ui=False)
    client = TestClient(app)
    me = client.get("/api/workspaces", headers={"Authorization": "Bearer one-person-key"}).json()
    assert me["role"] == "admin"
    assert client.get("/api/users", headers={"Authorization": "Bearer one-person-key"}).status_code == 200
    # beside users: the admin key is an admin, a user's key is that user
    app = create_app(make_settings(home, "acme", api_key="admin-key"), ui=False)
    client = TestClient(app)
    assert client.get("/api/w/globex/status", headers={"Authorization": "Bearer admin-key"}).status_code == 200


def test_ui_sign_in_and_a_user_removed_while_signed_in(home):
    keeper = Gatekeeper(make_settings(home, "acme", api_key="admin-key"))
    _, key = keeper.users.add("dana", "viewer", ["acme"], "t")
    assert keeper.ui_login("dana", key) and not keeper.ui_login("dana", "admin-key")
    assert not keeper.ui_login("vera", key)  # another user's key under a user's name
    assert keeper.ui_login("counsel", "admin-key") and keeper.by_name("counsel").role == "admin"
    assert keeper.by_name("stranger") is None  # never signed in with the admin key
    keeper.users.remove("dana")
    assert keeper.by_name("dana") is None  # the session's next action is refused


def test_the_ui_behind_a_trusted_proxy_asks_no_password(home):
    settings = make_settings(home, "acme", trusted_proxies=[PROXY[0]])
    app = create_app(settings)  # with the UI
    proxied = TestClient(app, client=PROXY)
    page = proxied.get("/config", headers={"X-Forwarded-User": "pat"})
    assert page.status_code == 200 and page.json().get("username") == "pat"
    # the header from another address, or a name that is no user: not signed in
    assert (
        TestClient(app, client=("10.0.0.9", 1)).get("/config", headers={"X-Forwarded-User": "pat"}).status_code == 401
    )
    assert proxied.get("/config", headers={"X-Forwarded-User": "mallory"}).status_code == 401


def test_a_ui_session_ends_when_its_key_is_rotated(home):
    _, key = Users(home).add("rio", "preparer", ["acme"], "t")
    app = create_app(make_settings(home, "acme"))  # with the UI
    keeper = app.state.gatekeeper
    client = TestClient(app)
    signed = client.post("/login", data={"username": "rio", "password": key})
    assert signed.status_code == 200, signed.text
    old = [v for k, v in signed.cookies.items() if k.startswith("access-token-")]
    assert old and keeper.by_name("rio", old).name == "rio"
    new_key = Users(home).rotate("rio", "t2")  # as `faprep users key rio` does, from another process
    assert keeper.by_name("rio", old) is None  # the session signed in with the old key is refused
    assert client.post("/login", data={"username": "rio", "password": key}).status_code == 400
    again = TestClient(app).post("/login", data={"username": "rio", "password": new_key})
    fresh = [v for k, v in again.cookies.items() if k.startswith("access-token-")]
    assert fresh and keeper.by_name("rio", fresh).name == "rio"
    # a session with no token known (the admin key, single sign-on) is judged by name as before
    assert keeper.by_name("rio").name == "rio"
