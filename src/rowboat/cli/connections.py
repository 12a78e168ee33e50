"""`rowboat connections list|add|test|remove`: the saved connections and the built-in Sandbox.

Secrets are typed at a hidden prompt or read from an environment variable the user names, never
taken as an argument (arguments end up in shell history and process lists). Errors are
RowboatErrors: commands.run prints them plainly and exits 2.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from rowboat.cli.output import TextProgress, emit_json, print_error

if TYPE_CHECKING:
    import argparse

    from rowboat.core.connections.model import Connection, SystemSpec
    from rowboat.core.connections.store import ConnectionStore
    from rowboat.core.targets.schema import Endpoint

__all__ = ["add_arguments", "run"]

log = logging.getLogger("rowboat.cli")

EXIT_OK, EXIT_ERROR = 0, 2
# The systems' keys, named here so the parser needs no core import.
SYSTEM_KEYS = ("thought-industries", "eloqua", "plandocket", "thalamus")


def add_arguments(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `connections` and its own subcommands to the top-level parser's subcommands."""
    parser = subparsers.add_parser(
        "connections",
        help="list, add, test or remove connections to the systems Rowboat imports into",
        description="Connections say where a system lives and how to log in. Settings are saved "
        "in Rowboat's settings file; secrets (API keys, passwords, tokens) only in the "
        "computer's keychain. The built-in Sandbox needs no setup.",
    )
    sub = parser.add_subparsers(dest="connections_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="list the saved connections and the built-in Sandbox")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser(
        "add",
        help="save a new connection; its secrets are asked for at a hidden prompt",
        description="Each secret is typed at a hidden prompt, or read from an environment "
        "variable named with --secret-env; never give a secret as an argument.",
    )
    p.add_argument("name", metavar="NAME", help="a short name, such as 'Acme production'")
    p.add_argument("--system", required=True, choices=SYSTEM_KEYS, help="the system it is for")
    p.add_argument("--url", required=True, metavar="URL", help="the system's address (https)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting that is not secret, such as site=Acme (may be repeated)",
    )
    p.add_argument(
        "--secret-env",
        action="append",
        default=[],
        metavar="KEY=VARIABLE",
        help="read the secret KEY from the environment variable VARIABLE instead of a prompt",
    )

    p = sub.add_parser(
        "test",
        help="log in and read something harmless, to see that a connection works",
        description="The built-in Sandbox is started for the test; without --endpoint or "
        "--system it is tested for every system.",
    )
    p.add_argument("name", metavar="NAME", help="the connection's name, or Sandbox")
    p.add_argument("--endpoint", metavar="ID", help="also check the connection may import here")
    p.add_argument("--system", choices=SYSTEM_KEYS, help="which system (for the Sandbox)")

    p = sub.add_parser(
        "remove", help="forget a connection and remove its secrets from the keychain"
    )
    p.add_argument("name", metavar="NAME", help="the connection's name (see `connections list`)")


def run(args: argparse.Namespace) -> int:
    """Run one `connections` action; RowboatErrors are left to the caller to print."""
    actions = {"list": _list, "add": _add, "test": _test, "remove": _remove}
    return actions[args.connections_command](args)


def _list(args: argparse.Namespace) -> int:
    from rowboat.core.connections.model import SANDBOX_NAME, SYSTEMS
    from rowboat.core.connections.store import ConnectionStore

    rows: list[dict[str, object]] = [
        {
            "name": c.name,
            "system": c.system,
            "system_label": c.spec.label,
            "address": c.base_url,
            "settings": dict(c.settings),
            "builtin": False,
        }
        for c in ConnectionStore().list()
    ]
    rows += [
        {
            "name": SANDBOX_NAME,
            "system": spec.key,
            "system_label": spec.label,
            "address": None,  # known once it runs: it is started on a free port when used
            "settings": {},
            "builtin": True,
        }
        for spec in SYSTEMS.values()
    ]
    if args.json:
        emit_json(rows)
        return EXIT_OK
    name_width = max(len("NAME"), *(len(str(r["name"])) for r in rows))
    system_width = max(len(str(r["system_label"])) for r in rows)
    print(f"{'NAME':<{name_width}}  {'SYSTEM':<{system_width}}  ADDRESS")
    for r in rows:
        address = r["address"] or "built in: a local sandbox, started when used"
        print(f"{r['name']!s:<{name_width}}  {r['system_label']!s:<{system_width}}  {address}")
    return EXIT_OK


def _pairs(given: list[str], option: str, example: str) -> dict[str, str]:
    """KEY=VALUE options as a dict; a plain error for one without '='."""
    from rowboat.core.errors import ConfigurationError

    pairs: dict[str, str] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(
                f"{option} takes KEY=VALUE, not '{item}'.",
                hint=f"For example {option} {example}.",
            )
        pairs[key.strip()] = value
    return pairs


def _add(args: argparse.Namespace) -> int:
    from rowboat.core.connections.store import ConnectionStore

    settings = _pairs(args.set, "--set", "site=Acme")
    variables = _pairs(args.secret_env, "--secret-env", "api_key=PLANDOCKET_KEY")
    store = ConnectionStore()
    # Everything but the secrets is checked first, so nobody types a password for nothing.
    connection = store.check_new(args.name, args.system, args.url, settings)
    secrets = _read_secrets(connection, variables)
    saved = store.add(connection.name, connection.system, args.url, settings, secrets)
    labels = " and ".join(s.label for s in saved.spec.settings if s.secret and s.key in secrets)
    print(f"Added the {saved.spec.label} connection '{saved.name}' ({saved.base_url}).")
    print(f"Its {labels} {'is' if len(secrets) == 1 else 'are'} kept in this computer's keychain.")
    print(f"Try it with: rowboat connections test '{saved.name}'")
    return EXIT_OK


def _read_secrets(connection: Connection, variables: dict[str, str]) -> dict[str, str]:
    """Each secret of the connection's system, from its environment variable or a prompt."""
    from rowboat.core.connections.secrets import RedactedSecrets
    from rowboat.core.errors import ConnectionProblem

    spec = connection.spec
    for key in variables:
        if key not in spec.secret_keys:
            raise ConnectionProblem(
                f"'{key}' is not a secret of {spec.label} connections.",
                hint=f"Their secrets are: {', '.join(spec.secret_keys)}.",
            )
    secrets = RedactedSecrets()
    for s in spec.settings:
        if not s.secret:
            continue
        if s.key in variables:
            value = os.environ.get(variables[s.key], "")
            if not value:
                raise ConnectionProblem(
                    f"The environment variable {variables[s.key]}, named for the {s.label}, "
                    "is not set or empty; nothing was saved.",
                    hint=f"Set it, or leave out --secret-env {s.key}=… to type it at a prompt.",
                )
        else:
            value = _prompt(spec, s.key, connection.name)
        if value:
            secrets[s.key] = value
    return secrets


def _prompt(spec: SystemSpec, key: str, name: str) -> str:
    """One secret typed at a hidden prompt; refused where the typing could not be hidden."""
    import getpass
    import warnings

    from rowboat.core.errors import Cancelled, ConnectionProblem

    setting = spec.setting(key)
    optional = "" if setting.required else ", optional"
    if setting.help:
        print(setting.help, file=sys.stderr)
    try:
        with warnings.catch_warnings():
            # getpass warns, then reads with echo, when there is no terminal: refuse instead.
            warnings.simplefilter("error", getpass.GetPassWarning)
            return getpass.getpass(f"{setting.label} for '{name}' (hidden{optional}): ")
    except getpass.GetPassWarning:
        raise ConnectionProblem(
            f"There is no terminal to type the {setting.label} at, so nothing was saved.",
            hint=f"Put it in an environment variable and give --secret-env {key}=VARIABLE.",
        ) from None
    except EOFError:
        raise Cancelled("Stopped; nothing was saved.") from None


def _test(args: argparse.Namespace) -> int:
    from rowboat.cli.sandbox_runtime import connection_store
    from rowboat.core.connections.model import SYSTEMS
    from rowboat.core.connections.store import is_sandbox_name
    from rowboat.core.errors import ConnectionProblem, RowboatError
    from rowboat.core.targets import get_endpoint

    endpoint = get_endpoint(args.endpoint) if args.endpoint else None
    system: str | None = args.system
    if endpoint is not None:
        if system is not None and system != endpoint.system:
            raise ConnectionProblem(
                f"The endpoint {endpoint.id} is for {endpoint.system_label}, not "
                f"{SYSTEMS[system].label}.",
                hint="Leave out --system: the endpoint says which system it is.",
            )
        system = endpoint.system
    with connection_store(args.name) as store:
        if system is not None:
            return _test_one(store, args.name, system, endpoint)
        if not is_sandbox_name(args.name):
            return _test_one(store, args.name, store.get(args.name).system, None)
        # The Sandbox stands in for every system: test each, and go on past a failure.
        code = EXIT_OK
        for key in SYSTEMS:
            try:
                code = max(code, _test_one(store, args.name, key, None, prefix=True))
            except RowboatError as exc:
                print_error(f"{SYSTEMS[key].label}: {exc.message}", exc.hint)
                code = EXIT_ERROR
        return code


def _test_one(
    store: ConnectionStore,
    name: str,
    system: str,
    endpoint: Endpoint | None,
    *,
    prefix: bool = False,
) -> int:
    from rowboat.core.connections.check import check_connection

    connection, secrets = store.resolve(name, system)
    report = TextProgress("Testing")
    try:
        result = check_connection(connection, secrets, endpoint, report)
    finally:
        report.done()
    label = f"{connection.spec.label}: " if prefix else ""
    if result.detail:
        log.debug("connection check detail: %s", result.detail)
    if result.ok:
        print(f"{label}{result.message}")
        return EXIT_OK
    print_error(f"{label}{result.message}", result.hint)
    return EXIT_ERROR


def _remove(args: argparse.Namespace) -> int:
    from rowboat.core.connections.store import ConnectionStore

    old = ConnectionStore().remove(args.name)
    print(f"Removed the {old.spec.label} connection '{old.name}' and its secrets.")
    return EXIT_OK
