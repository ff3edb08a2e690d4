"""Who may do what: the role each API route needs, read from one table, and who is asking.

Every ``/api`` route is listed in ``RULES`` with the least role it needs (``viewer`` < ``preparer``
< ``admin``); a route missing from the table is refused to everyone, and the app refuses to start
with one (:func:`unruled`). The same rules hold in the UI, whose actions name the route they
stand for.

A request is made by an :class:`Actor`, found in this order:

1. **single sign-on**: from an address in ``trusted_proxies``, the user named in ``user_header``
   (set by e.g. oauth2-proxy), who must exist in the users file; the header from any other address
   is ignored;
2. **a user's key**: ``Authorization: Bearer fp_<id>.<secret>``, checked against the users file;
3. **the admin key**: ``FAPREP_API_KEY``, the single admin of a one-person setup;
4. **open**: with no users and no key configured, everyone is the local admin (as before users).
"""

from __future__ import annotations

import contextvars
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import Forbidden, NotSignedIn
from assistant.services.runtime import Caller
from assistant.stores.users import ROLES, User, Users, rank

if TYPE_CHECKING:
    from assistant.services.runtime import Home, WorkspaceRuntime

# (method, path under /api or /api/w/{workspace}) -> least role
RULES: dict[tuple[str, str], str] = {
    ("GET", "/status"): "viewer",
    ("GET", "/workspaces"): "viewer",
    ("POST", "/ask"): "viewer",
    ("POST", "/ask/stream"): "viewer",
    ("GET", "/findings"): "viewer",
    ("GET", "/sources/{path:path}"): "viewer",
    ("GET", "/downloads/{name}"): "viewer",
    ("GET", "/findings/export"): "preparer",
    ("POST", "/audit"): "preparer",
    ("POST", "/ingest"): "preparer",
    ("GET", "/jobs/{job_id}"): "preparer",
    ("POST", "/drafts/survey"): "preparer",
    ("POST", "/drafts/rebuttal"): "preparer",
    ("POST", "/drafts/disclosure"): "preparer",
    ("GET", "/timeline"): "viewer",
    ("POST", "/timeline"): "preparer",
    ("DELETE", "/timeline/{event_id}"): "preparer",
    ("GET", "/users"): "admin",
    ("GET", "/log"): "admin",
}
WORKSPACE_PREFIX = "/w/{workspace}"

# The key id a UI sign-in used, handed from Gatekeeper.ui_login to the sign-in route's middleware
# (assistant.web.app.LoginThrottle), which ties it to the session token Gradio returns.
SIGN_IN: contextvars.ContextVar[dict | None] = contextvars.ContextVar("faprep_sign_in", default=None)


@dataclass
class Actor:
    name: str
    role: str
    workspaces: list[str] = field(default_factory=list)
    via: str = "key"  # key | admin-key | sso | open

    @classmethod
    def of(cls, user: User, via: str = "key") -> Actor:
        return cls(user.name, user.role, list(user.workspaces), via=via)

    def can(self, role: str) -> bool:
        return rank(self.role) >= rank(role)

    def sees(self, workspace: str) -> bool:
        return self.role == "admin" or workspace in self.workspaces

    def lacks(self, method: str, path: str) -> str | None:
        """The role this actor lacks for a route (``"a rule"`` for a route with none), or None when allowed."""
        rule = rule_for(method, path)
        if rule is None:
            return "a rule"
        return None if self.can(rule) else rule


def rule_for(method: str, path: str) -> str | None:
    """The least role of a route (its path as registered, under ``/api`` or ``/api/w/{workspace}``)."""
    path = path.removeprefix("/api").removeprefix(WORKSPACE_PREFIX)
    return RULES.get((method, path))


def unruled(routes) -> list[str]:
    """``METHOD path`` of every route (as its router declares it) with no rule."""
    out = []
    for r in routes:
        path = getattr(r, "path", "")
        for method in sorted(getattr(r, "methods", None) or []):
            if method not in ("HEAD", "OPTIONS") and rule_for(method, path) is None:
                out.append(f"{method} {path}")
    return out


class Gatekeeper:
    """Finds the actor of a request or a UI login (see the module doc)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.users = Users(settings.home)
        self.admin_names: set[str] = set()  # UI sessions signed in with the admin key, by the name they gave
        # UI session token -> (user, key id it signed in with): a session ends when its key is rotated
        self.sessions: dict[str, tuple[str, str]] = {}

    @property
    def admin_key(self) -> str | None:
        return (self.settings.api_key.get_secret_value() if self.settings.api_key else "") or None

    @property
    def open(self) -> bool:
        """No key and no user configured: nothing is asked (a one-person local setup)."""
        return self.admin_key is None and not self.users.all()

    def from_proxy(self, client: str | None, headers) -> Actor | None:
        if not self.settings.trusted_proxies or client not in self.settings.trusted_proxies:
            return None
        name = (headers.get(self.settings.user_header) or "").strip()
        user = self.users.get(name) if name else None
        return Actor.of(user, via="sso") if user else None

    def from_key(self, key: str | None) -> Actor | None:
        """The actor of a key: a user's, or the admin key."""
        if key and self.admin_key and hmac.compare_digest(key.encode(), self.admin_key.encode()):
            return Actor("admin", "admin", via="admin-key")
        user = self.users.by_key(key)
        return Actor.of(user) if user is not None else None

    def ui_login(self, name: str, key: str) -> bool:
        """The UI's sign-in: a user's own key under their name, or the admin key under a name that is
        no user's."""
        if self.users.get(name) is not None:
            user = self.users.by_key(key)
            if user is None or user.name != name:
                return False
            slot = SIGN_IN.get()
            if slot is not None:
                slot["user"], slot["key_id"] = user.name, user.key_id
            return True
        actor = self.from_key(key)
        if actor is not None and actor.via == "admin-key":
            self.admin_names.add(name)
            return True
        return False

    def signed_in(self, token: str, user: str, key_id: str) -> None:
        """Tie a UI session token to the key it signed in with."""
        if len(self.sessions) > 100_000:  # tokens of long-gone sessions; Gradio keeps them in memory too
            self.sessions.clear()
        self.sessions[token] = (user, key_id)

    def by_name(self, name: str, tokens: list[str] | tuple[str, ...] = ()) -> Actor | None:
        """The actor a UI session was signed in as; None for a user removed since (or unknown), or
        for a session (one of its ``tokens``) signed in with a key rotated since."""
        user = self.users.get(name)
        if user is not None:
            for token in tokens:
                signed = self.sessions.get(token)
                if signed is not None and signed[0] == name and not hmac.compare_digest(signed[1], user.key_id):
                    return None
            return Actor.of(user)
        if self.admin_key and name in self.admin_names:
            return Actor(name, "admin", via="admin-key")
        return None

    def local(self) -> Actor:
        return Actor("local", "admin", via="open")


class UIAccess:
    """Who a UI session is and which workspace it works in: the user signed in (Gradio's login or a
    trusted proxy's header), checked against the same ``RULES`` as the API for every action (each UI
    action names the route it stands for), and the workspace picked in this browser session.
    ``request`` is Gradio's request (its ``username``, ``cookies``, ``session_hash`` and ``client``)."""

    def __init__(self, home: Home, keeper: Gatekeeper):
        self.home, self.keeper = home, keeper
        self.picked: dict[str, str] = {}  # session hash -> workspace

    def actor(self, request) -> Actor:
        name = getattr(request, "username", None) if request is not None else None
        cookies = getattr(request, "cookies", None) or {}
        tokens = [v for k, v in cookies.items() if k.startswith("access-token-")]
        actor = self.keeper.by_name(name, tokens) if name else None
        if actor is None:
            if self.keeper.open:
                return self.keeper.local()
            raise NotSignedIn("Not signed in, or your key was changed or removed since: sign in again.")
        return actor

    def caller(self, request) -> Caller:
        """The ``Caller`` the services log for this session's actions."""
        actor = self.actor(request)
        return Caller(actor.name, via=f"ui/{actor.via}", source=getattr(getattr(request, "client", None), "host", None))

    def workspaces(self, actor: Actor) -> list[str]:
        return [w for w in self.home.names() if actor.sees(w)]

    def workspace_of(self, request, actor: Actor) -> str | None:
        """The workspace this session works in: the one picked, else the default, else the first granted."""
        visible = self.workspaces(actor)
        picked = self.picked.get(getattr(request, "session_hash", None) or "")
        if picked in visible:
            return picked
        return self.home.default if self.home.default in visible else (visible[0] if visible else None)

    def pick(self, request, name: str) -> None:
        actor = self.actor(request)
        if not (name and actor.sees(name) and self.home.exists(name)):
            raise Forbidden(f"{name!r}: not a workspace granted to {actor.name}.")
        self.picked[getattr(request, "session_hash", None) or ""] = name

    def runtime(self, request, route: str) -> WorkspaceRuntime:
        """The runtime of the session's workspace, for one action (``"METHOD /path"`` as in RULES)."""
        actor = self.actor(request)
        lacking = actor.lacks(*route.split(" ", 1))
        if lacking:
            raise Forbidden(f"{actor.name} ({actor.role}) may not do this: it needs the {lacking} role.")
        name = self.workspace_of(request, actor)
        if name is None or not actor.sees(name):
            raise Forbidden(f"{actor.name} has no workspace granted; ask an admin (faprep users add ... --workspace).")
        return self.home.get(name)


assert all(r in ROLES for r in RULES.values())
