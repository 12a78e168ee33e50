"""Thalamus sandbox: the touchpoint and token every call carries, logins and their sessions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = [
    "LOGIN",
    "PASSWORD",
    "SESSION_COOKIE",
    "SESSION_IDLE_SECONDS",
    "TOKEN",
    "TOUCHPOINT",
    "TOUCHPOINT_ID",
    "USER",
    "Gate",
    "Session",
    "auth_routes",
    "errors",
]

TOUCHPOINT = "sandbox"
TOKEN = "sandbox-token"
LOGIN = "demo@example.com"
PASSWORD = "demo1234"
TOUCHPOINT_ID = 3  # the touchpoint's number, as records show it in mediumContextData
SESSION_COOKIE = "JSESSIONID"
SESSION_IDLE_SECONDS = 30 * 60  # a session ends after this long without a call

USER: dict[str, Any] = {
    "id": 268,
    "principal": LOGIN,
    "email": LOGIN,
    "name": "Demo",
    "surname": "User",
    "fullName": "Demo User",
    "locale": "en",
    "touchpointId": TOUCHPOINT_ID,
}

Handler: TypeAlias = "Callable[[Request], Awaitable[Response]]"
SessionHandler: TypeAlias = "Callable[[Request, Session], Awaitable[Response]]"


def errors(status: int, **codes: str) -> JSONResponse:
    """Thalamus' error shape: `{"errors": {"<key>": "<Code>"}}`."""
    return JSONResponse({"errors": codes}, status_code=status)


def create_tables(ctx: SandboxContext) -> None:
    with ctx.lock:
        ctx.db.execute(
            "CREATE TABLE IF NOT EXISTS thalamus_sessions (id TEXT PRIMARY KEY,"
            " user_id INTEGER NOT NULL, touchpoint TEXT NOT NULL, created_at REAL NOT NULL,"
            " last_seen REAL NOT NULL)"
        )


@dataclass(frozen=True)
class Session:
    id: str
    user_id: int
    touchpoint: str


class Gate:
    """Wraps endpoints in the checks Thalamus makes: touchpoint and token, then the session."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    def touchpoint(self, handler: Handler) -> Handler:
        """Answer only calls that carry the touchpoint and its token."""

        async def guarded(request: Request) -> Response:
            refusal = _refuse_touchpoint(request)
            return refusal if refusal is not None else await handler(request)

        return guarded

    def session(self, handler: SessionHandler) -> Handler:
        """Answer only calls that also belong to a live session (the login's cookie)."""

        async def guarded(request: Request) -> Response:
            refusal = _refuse_touchpoint(request)
            if refusal is not None:
                return refusal
            session, problem = self.find(request)
            if session is None:
                return errors(401, session=problem)
            return await handler(request, session)

        return guarded

    def find(self, request: Request) -> tuple[Session | None, str]:
        """The live session of the request's cookie (this call keeps it alive), or why none."""
        sid = request.cookies.get(SESSION_COOKIE, "")
        now = self.ctx.clock.now()
        with self.ctx.lock:
            row = self.ctx.db.execute(
                "SELECT * FROM thalamus_sessions WHERE id = ?", (sid,)
            ).fetchone()
            if row is None:
                return None, "NotAuthenticated"
            if now - row["last_seen"] >= SESSION_IDLE_SECONDS:
                self.ctx.db.execute("DELETE FROM thalamus_sessions WHERE id = ?", (sid,))
                return None, "SessionExpired"
            self.ctx.db.execute(
                "UPDATE thalamus_sessions SET last_seen = ? WHERE id = ?", (now, sid)
            )
        return Session(sid, row["user_id"], row["touchpoint"]), ""

    def open_session(self, touchpoint: str) -> str:
        sid = self.ctx.new_uuid().replace("-", "").upper()  # Tomcat-like: 32 upper-case hex
        now = self.ctx.clock.now()
        with self.ctx.lock:
            self.ctx.db.execute(
                "INSERT INTO thalamus_sessions VALUES (?, ?, ?, ?, ?)",
                (sid, USER["id"], touchpoint, now, now),
            )
        return sid

    def close_session(self, sid: str) -> None:
        with self.ctx.lock:
            self.ctx.db.execute("DELETE FROM thalamus_sessions WHERE id = ?", (sid,))


def _credential(request: Request, query: str, header: str) -> str:
    return (request.query_params.get(query) or request.headers.get(header) or "").strip()


def _refuse_touchpoint(request: Request) -> JSONResponse | None:
    touchpoint = _credential(request, "touchpoint", "Thalamus-Touchpoint")
    if not touchpoint:
        return errors(400, partnerDataSource="TouchpointCodeRequired")
    if touchpoint != TOUCHPOINT:
        return errors(400, partnerDataSource="InvalidTouchpointCode")
    token = _credential(request, "token", "Thalamus-Token")
    if not token:
        return errors(401, token="TokenRequired")
    if token != TOKEN:
        return errors(401, token="InvalidToken")
    return None


async def _fields(request: Request) -> dict[str, str] | None:
    """The login's fields from a JSON body, a form, or the query (None: a malformed body)."""
    fields = {k: v for k, v in request.query_params.items() if k not in ("touchpoint", "token")}
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        fields.update({k: v for k, v in body.items() if isinstance(v, str)})
    elif "form" in content_type:
        try:
            async with request.form(max_files=0, max_fields=20) as form:
                fields.update({k: v for k, v in form.items() if isinstance(v, str)})
        except HTTPException:  # a form Starlette cannot parse, or one with files
            return None
    return fields


def auth_routes(gate: Gate) -> list[BaseRoute]:
    """Login (v4 and the older v3 form login), the session's user, and logout."""

    async def login(request: Request, user_field: str, password_field: str) -> Response:
        fields = await _fields(request)
        if fields is None:
            return errors(400, request="MalformedRequest")
        principal = fields.get(user_field, "").strip()
        password = fields.get(password_field, "")
        missing = {user_field: "PrincipalRequired"} if not principal else {}
        if not password:
            missing[password_field] = "PasswordRequired"
        if missing:
            return errors(400, **missing)
        if principal.casefold() != LOGIN or password != PASSWORD:
            return errors(401, login="InvalidCredentials")
        previous = request.cookies.get(SESSION_COOKIE)
        if previous:  # a new login replaces the session the client had
            gate.close_session(previous)
        touchpoint = _credential(request, "touchpoint", "Thalamus-Touchpoint")
        response = JSONResponse(USER)
        response.set_cookie(
            SESSION_COOKIE,
            gate.open_session(touchpoint),
            path=request.scope.get("root_path") or "/",
            httponly=True,
            samesite=None,
        )
        return response

    async def login_v4(request: Request) -> Response:
        return await login(request, "principal", "password")

    async def login_v3(request: Request) -> Response:
        return await login(request, "j_username", "j_password")

    async def me(request: Request, session: Session) -> Response:
        return JSONResponse(USER)

    async def logout(request: Request) -> Response:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid:
            gate.close_session(sid)
        response = JSONResponse({"loggedOut": True})
        response.delete_cookie(
            SESSION_COOKIE, path=request.scope.get("root_path") or "/", httponly=True, samesite=None
        )
        return response

    return [
        Route("/api/v4/login", gate.touchpoint(login_v4), methods=["POST"]),
        Route("/api/v3/thalamus_security_check", gate.touchpoint(login_v3), methods=["POST"]),
        Route("/api/v4/me", gate.session(me), methods=["GET"]),
        Route("/api/v4/logout", gate.touchpoint(logout), methods=["POST"]),
        Route("/api/v3/logout", gate.touchpoint(logout), methods=["GET"]),
    ]
