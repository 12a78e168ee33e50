"""The core's built-in Sandbox connection carries exactly the credentials the sandbox accepts.

The core may not import the sandbox, so it keeps its own copy of the demo credentials; this test
keeps the two in step.
"""

from __future__ import annotations

from rowboat.core.connections.model import SYSTEMS, sandbox_connection, sandbox_secrets
from rowboat.sandbox import eloqua, plandocket, thalamus_auth, thought_industries
from rowboat.sandbox.app import VENDORS


def test_sandbox_connections_use_the_sandboxs_own_credentials() -> None:
    assert sandbox_secrets("thought-industries") == {"api_key": thought_industries.API_KEY}
    assert sandbox_secrets("plandocket") == {"api_key": plandocket.API_KEY}
    assert sandbox_secrets("eloqua") == {"password": eloqua.PASSWORD}
    site = sandbox_connection("eloqua", "http://127.0.0.1:1")
    assert f"{site.setting('site')}\\{site.setting('user')}" == eloqua.USER
    assert sandbox_secrets("thalamus") == {
        "token": thalamus_auth.TOKEN,
        "password": thalamus_auth.PASSWORD,
    }
    th = sandbox_connection("thalamus", "http://127.0.0.1:1")
    assert th.setting("touchpoint") == thalamus_auth.TOUCHPOINT
    assert th.setting("principal") == thalamus_auth.LOGIN


def test_sandbox_connections_point_where_the_sandbox_serves_each_vendor() -> None:
    paths = {v.key: v.base_path for v in VENDORS}
    for system, spec in SYSTEMS.items():
        assert spec.sandbox_path == paths[system]
        assert sandbox_connection(system, "http://127.0.0.1:8765/").base_url == (
            "http://127.0.0.1:8765" + paths[system]
        )
