"""Connections: where a system lives and the settings a user gives for it (never the secrets).

A `Connection` is saved in the settings file; its secrets (API key, password, token) live in the
OS keychain under the connection's name, one entry holding every secret of that connection.
`SYSTEMS` says, per system, which settings exist, which of them are secret, and where the user
finds each one in the vendor's admin pages.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from rowboat.core.errors import ConnectionProblem

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "SANDBOX_NAME",
    "SYSTEMS",
    "Connection",
    "Secrets",
    "Setting",
    "SystemSpec",
    "check_base_url",
    "is_loopback",
    "sandbox_connection",
    "sandbox_secrets",
]

SANDBOX_NAME = "Sandbox"

Secrets = dict[str, str]  # setting key -> secret value, for the settings marked secret


@dataclass(frozen=True)
class Setting:
    """One thing a user enters for a connection."""

    key: str
    label: str
    secret: bool = False
    required: bool = True
    default: str = ""
    help: str = ""  # where to find it, in the vendor's words


@dataclass(frozen=True)
class SystemSpec:
    """What a connection to one system needs."""

    key: str  # "plandocket", as in Endpoint.system
    label: str  # "Plandocket"
    url_label: str  # what the base URL is called for this system
    url_example: str
    url_help: str
    settings: tuple[Setting, ...]
    sandbox_path: str  # where the sandbox serves this system, below its address

    @property
    def secret_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.settings if s.secret)

    def setting(self, key: str) -> Setting:
        for s in self.settings:
            if s.key == key:
                return s
        raise KeyError(key)


SYSTEMS: Mapping[str, SystemSpec] = MappingProxyType(
    {
        s.key: s
        for s in (
            SystemSpec(
                key="thought-industries",
                label="Thought Industries",
                url_label="API address",
                url_example="https://yourschool.thoughtindustries.com/incoming/v2",
                url_help="Your learning site's address followed by /incoming/v2.",
                settings=(
                    Setting(
                        "api_key",
                        "API key",
                        secret=True,
                        help="In Thought Industries: Settings → Security → API Key.",
                    ),
                    Setting(
                        "upload_path",
                        "Upload path",
                        required=False,
                        default="/assets",
                        help="Where Rowboat uploads import files, below the API address. "
                        "Thought Industries documents no upload; the Sandbox takes them at "
                        "/assets. Without one, upload the file in Thought Industries and give "
                        "Rowboat its path when you submit.",
                    ),
                ),
                sandbox_path="/thought-industries/incoming/v2",
            ),
            SystemSpec(
                key="eloqua",
                label="Oracle Eloqua",
                url_label="Login address",
                url_example="https://login.eloqua.com",
                url_help="Leave it as https://login.eloqua.com: Eloqua tells Rowboat where your "
                "instance lives.",
                settings=(
                    Setting(
                        "site",
                        "Company name",
                        help="The company name you type on Eloqua's login page.",
                    ),
                    Setting(
                        "user", "User name", help="An Eloqua user allowed to use the Bulk API."
                    ),
                    Setting(
                        "password",
                        "Password",
                        secret=True,
                        help="That user's Eloqua password.",
                    ),
                ),
                sandbox_path="/eloqua",
            ),
            SystemSpec(
                key="plandocket",
                label="Plandocket",
                url_label="API address",
                url_example="https://yourcompany.plandocket.com/api/v1",
                url_help="Your Plandocket address followed by /api/v1.",
                settings=(
                    Setting(
                        "api_key",
                        "API key",
                        secret=True,
                        help="In Plandocket: Settings → API → API keys. It needs the scopes "
                        "contacts, participants and events.",
                    ),
                    Setting(
                        "requests_per_hour",
                        "Requests per hour",
                        required=False,
                        default="1000",
                        help="Your Plandocket plan's API limit per key: 1000 on Standard, 5000 "
                        "on Professional, 0 on Enterprise (no limit). Rowboat paces imports to it.",
                    ),
                ),
                sandbox_path="/plandocket/api/v1",
            ),
            SystemSpec(
                key="thalamus",
                label="Thalamus",
                url_label="API address",
                url_example="https://yourserver.thalamus.global/api/v4",
                url_help="Your Thalamus server's address followed by /api/v4.",
                settings=(
                    Setting(
                        "touchpoint",
                        "Touchpoint code",
                        help="Set up in the Thalamus back office under Touchpoints.",
                    ),
                    Setting(
                        "token",
                        "Touchpoint token",
                        secret=True,
                        help="The token of that touchpoint, in the same back-office page.",
                    ),
                    Setting("principal", "User", help="The user name you log in to Thalamus with."),
                    Setting("password", "Password", secret=True, help="That user's password."),
                    Setting(
                        "login_path",
                        "Login path",
                        required=False,
                        default="/login",
                        help="Where this server takes logins, below the API address; "
                        "/login unless your Thalamus administrator says otherwise.",
                    ),
                ),
                sandbox_path="/thalamus/api/v4",
            ),
        )
    }
)

# The sandbox's fixed demo credentials (README, docs/sandbox.md). They are public, yet they are
# still kept out of every file Rowboat writes, like any secret.
_SANDBOX_SETTINGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "thought-industries": {},
        "eloqua": {"site": "Sandbox", "user": "demo"},
        "plandocket": {},
        "thalamus": {"touchpoint": "sandbox", "principal": "demo@example.com"},
    }
)
_SANDBOX_SECRETS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "thought-industries": {"api_key": "sandbox-ti-key"},
        "eloqua": {"password": "demo-password"},
        "plandocket": {"api_key": "sandbox-pd-key"},
        "thalamus": {"token": "sandbox-token", "password": "demo1234"},
    }
)


class Connection(BaseModel):
    """A saved connection: a name, the system, its base URL and the non-secret settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    system: str
    base_url: str
    settings: dict[str, str] = Field(default_factory=dict)
    builtin: bool = False  # the Sandbox: made at run time, never saved

    @property
    def spec(self) -> SystemSpec:
        return SYSTEMS[self.system]

    def setting(self, key: str) -> str:
        """The value of a non-secret setting, or its default."""
        value = self.settings.get(key, "")
        return value or self.spec.setting(key).default


def sandbox_connection(system: str, sandbox_url: str) -> Connection:
    """The built-in Sandbox connection of `system`, for a sandbox serving at `sandbox_url`."""
    spec = SYSTEMS[system]
    settings = dict(_SANDBOX_SETTINGS[system])
    if system == "thalamus":
        settings["login_path"] = "/login"
    return Connection(
        name=SANDBOX_NAME,
        system=system,
        base_url=sandbox_url.rstrip("/") + spec.sandbox_path,
        settings=settings,
        builtin=True,
    )


def sandbox_secrets(system: str) -> Secrets:
    """The sandbox's demo secrets for `system`."""
    return dict(_SANDBOX_SECRETS[system])


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, system_label: str = "") -> str:
    """The URL without a trailing slash; ConnectionProblem when it is not a web address, or is
    plain http to another computer (the secrets would cross the network unencrypted)."""
    text = url.strip()
    parts = urlsplit(text)
    who = f"{system_label} " if system_label else ""
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConnectionProblem(
            f"'{text}' is not a web address for {who or 'the connection'}.".replace("  ", " "),
            hint="Give the full address, starting with https://.",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConnectionProblem(
            f"Rowboat only connects to {who}over https: '{text}' would send your credentials "
            "unencrypted.",
            hint=f"Use https://{text[len('http://') :]} instead.",
        )
    return text.rstrip("/")
