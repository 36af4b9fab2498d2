"""The dynamic field that stores idempotency keys (``ClientConfig.idempotency_key_field``): its YAML,
the Znuny console commands that create and check it, and the manual step for OTOBO 11.

Neither server has a console command that adds a single dynamic field. Znuny 7 imports fields from
a YAML file (``Admin::DynamicField::Import <file>``, ``Kernel/System/Console/Command/Admin/
DynamicField/Import.pm``), but it leaves a field whose name exists untouched, whatever its type, and
prints "Done." with exit status 0 even when nothing was created; so the field is checked afterwards
in the output of ``Admin::DynamicField::Export yaml --include-all-config-keys`` (valid fields only).
OTOBO 11 has only ``Admin::DynamicField::Delete``; the same YAML is imported in the admin interface
(Admin -> Dynamic Fields -> Import/Export, ``Kernel/Modules/AdminDynamicFieldImportExport.pm``).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.cli.webservice import (
    STDIN_PATH,
    ConsoleCommand,
    ConsoleCommandFailed,
    check_stdin_forwarded,
    run_plan,
)
from otobo_znuny.errors import RequestValidationError

__all__ = [
    "KeyFieldCheckFailed",
    "check_exported_field",
    "check_key_field_name",
    "export_command",
    "import_command",
    "key_field_document",
    "manual_steps",
    "render_key_field",
    "run_export",
    "setup_key_field",
]


class KeyFieldCheckFailed(ConsoleCommandFailed):
    """After the import, the key field is not on the server as a valid Text field of object type Ticket."""


def check_key_field_name(name: str, option: str = "--key-field") -> str:
    """``name`` if Znuny can create it and TicketSearch can search it.

    Raises:
        RequestValidationError: not letters and digits only.
    """
    if not re.fullmatch(r"[A-Za-z0-9]+", name):
        raise RequestValidationError(
            option, f"a dynamic field name is letters and digits only (e.g. ClientRequestID), got {name!r}"
        )
    return name


def key_field_document(name: str) -> dict[str, Any]:
    """The import document: one valid Text field of object type Ticket, no default, no regex.

    Raises:
        RequestValidationError: an invalid name.
    """
    check_key_field_name(name)
    return {
        "DynamicFields": {
            name: {
                "Name": name,
                "Label": "Client request ID (otobo-znuny idempotency key)",
                "FieldType": "Text",
                "ObjectType": "Ticket",
                "FieldOrder": 1000,
                "ValidID": 1,
                "Config": {"DefaultValue": "", "Link": "", "LinkPreview": "", "RegExList": []},
            }
        }
    }


def render_key_field(name: str) -> str:
    """The import document as YAML (for ``Admin::DynamicField::Import`` or the admin interface).

    Raises:
        RequestValidationError: an invalid name.
        MissingDependencyError: PyYAML is not installed.
    """
    document = key_field_document(name)
    yaml = import_yaml("webservice --key-field", extra="cli")
    text: str = yaml.safe_dump(document, sort_keys=False, explicit_start=True, default_flow_style=False)
    return text


def import_command(prefix: Sequence[str], source_path: str, stdin: str | None = None) -> ConsoleCommand:
    """``Admin::DynamicField::Import <file>`` (without ``--overwrite-existing-configurations``: an
    existing field is never changed); with ``stdin`` the YAML goes on standard input and the file is
    ``/dev/stdin``, which the command reads with ``Main::FileRead`` like any file."""
    return ConsoleCommand((*prefix, "Admin::DynamicField::Import", source_path), stdin=stdin)


def export_command(prefix: Sequence[str]) -> ConsoleCommand:
    """``Admin::DynamicField::Export yaml --include-all-config-keys``: every valid field, with its ValidID."""
    return ConsoleCommand((*prefix, "Admin::DynamicField::Export", "yaml", "--include-all-config-keys"))


def check_exported_field(name: str, exported: str) -> None:
    """Check that ``Admin::DynamicField::Export`` output lists ``name`` as a valid Text ticket field.

    Raises:
        KeyFieldCheckFailed: the output is not a list of fields, or the field is missing, of another
            type or object type, or not valid; the message says what to do.
    """
    yaml = import_yaml("webservice setup --key-field", extra="cli")
    try:
        fields = yaml.safe_load(exported)
    except yaml.YAMLError as exc:
        raise KeyFieldCheckFailed(f"cannot read the output of Admin::DynamicField::Export as YAML: {exc}") from None
    if isinstance(fields, dict):
        fields = list(fields.values())
    if not isinstance(fields, list):
        raise KeyFieldCheckFailed("Admin::DynamicField::Export printed no list of dynamic fields")
    found = next((f for f in fields if isinstance(f, dict) and f.get("Name") == name), None)
    if found is None:
        raise KeyFieldCheckFailed(
            f"dynamic field {name} is not among the valid dynamic fields after Admin::DynamicField::Import "
            "(the import prints 'Done.' even when it created nothing): a field of that name may exist but be "
            "invalid (the import leaves it alone), or the file did not reach the console (check --key-field-source-"
            "path). Fix it in Admin -> Dynamic Fields"
        )
    problems = []
    if found.get("FieldType") != "Text":
        problems.append(f"its FieldType is {found.get('FieldType')!r}, not 'Text'")
    if found.get("ObjectType") != "Ticket":
        problems.append(f"its ObjectType is {found.get('ObjectType')!r}, not 'Ticket'")
    if "ValidID" in found and str(found["ValidID"]) != "1":
        problems.append(f"its ValidID is {found['ValidID']!r}, not 1 (valid)")
    if problems:
        raise KeyFieldCheckFailed(
            f"dynamic field {name} exists but cannot hold idempotency keys: {'; '.join(problems)}. The import "
            "leaves an existing field alone: choose another --key-field name or change the field in "
            "Admin -> Dynamic Fields"
        )


Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _run_captured(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, check=False)  # no shell


def run_export(command: ConsoleCommand, echo: Callable[[str], None], run: Runner = _run_captured) -> str:
    """Run the export command (printed first) and return what it printed.

    Raises:
        ConsoleCommandFailed: it could not be started or exited with a non-zero status.
    """
    echo(f"$ {command.shown()}")
    try:
        result = run(command.argv)
    except OSError as exc:
        raise ConsoleCommandFailed(f"cannot run {command.argv[0]!r} ({exc.strerror or exc}); check --console") from None
    if result.returncode != 0:
        detail = " ".join((result.stderr or "").split())[:200]
        raise ConsoleCommandFailed(
            f"{command.command_name} failed with exit status {result.returncode}" + (f": {detail}" if detail else "")
        )
    return result.stdout


def manual_steps(name: str, yaml_path: str | None) -> str:
    """What an OTOBO 11 admin does by hand (there is no console command for it)."""
    where = f"the file {yaml_path}" if yaml_path else "the YAML printed below"
    return (
        f"OTOBO 11 has no console command that adds a dynamic field. To create {name}: in the admin interface "
        f"open Admin -> Dynamic Fields -> Import/Export, import {where}, tick {name} and import it. Then check "
        f"that {name} is listed as a valid Text field of object type Ticket, and use "
        f'ClientConfig(..., idempotency_key_field="{name}") (see docs/reliability.md).'
    )


def setup_key_field(
    prefix: Sequence[str],
    name: str,
    *,
    otobo: bool,
    yaml_file: Path | None,
    source_path: str | None,
    dry_run: bool,
    out: Callable[[str], None],
    err: Callable[[str], None],
) -> None:
    """``webservice setup --key-field``: on Znuny import the field and check it; on OTOBO write the YAML
    (to ``yaml_file``, else print it) and print the admin-interface step. ``dry_run`` only prints.

    Raises:
        ConsoleCommandFailed: the import or export failed, or the check found no usable field
            (``KeyFieldCheckFailed``).
        RequestValidationError: an invalid name.
    """
    text = render_key_field(name)
    if otobo:
        if yaml_file is not None and not dry_run:
            yaml_file.write_text(text, encoding="utf-8")
        err(manual_steps(name, str(yaml_file) if yaml_file else None))
        if yaml_file is None:
            out(text.rstrip("\n"))
        return
    if yaml_file is None:  # the YAML goes on standard input, as for the web service
        check_stdin_forwarded(tuple(prefix))
        command = import_command(prefix, STDIN_PATH, stdin=text)
    else:
        command = import_command(prefix, source_path or str(yaml_file))
    if dry_run:
        if yaml_file is not None:
            out(f"# first the dynamic-field YAML is written to {yaml_file}")
        out(command.script())
        out(f"{export_command(prefix).script()}   # checked: {name} must be a valid Text field of object type Ticket")
        return
    if yaml_file is not None:
        yaml_file.write_text(text, encoding="utf-8")
    run_plan([command], echo=out)
    check_exported_field(name, run_export(export_command(prefix), echo=out))
    err(f'dynamic field {name} is ready: use ClientConfig(..., idempotency_key_field="{name}")')
