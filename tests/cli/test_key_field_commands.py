"""``webservice render|setup --key-field``: the idempotency-key dynamic field, imported and checked
through a Znuny console (a fake one that edits an emulator's state file), printed for OTOBO."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from otobo_znuny.cli import app
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.cli.key_field import KeyFieldCheckFailed, check_exported_field, key_field_document
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import emulator_config, make_sync_client
from reliability.helpers import NO_WAIT, ticket

runner = CliRunner()

FAKE_ZNUNY_CONSOLE = """
import json, sys
import yaml
from otobo_znuny.emulator import Emulator

db, log, mode = sys.argv[1:4]
args = sys.argv[4:]
with open(log, "a", encoding="utf-8") as file:
    file.write(json.dumps(args) + "\\n")
emulator = Emulator(db=db)
if args[0] == "Admin::DynamicField::Import":
    if mode != "import-creates-nothing":
        emulator.import_dynamic_fields(args[1])  # Import.pm: an existing name is left alone
    print("Done.")  # whatever happened, as Import.pm does
elif args[0] == "Admin::DynamicField::Export":
    valid = [f for f in emulator.helpdesk.data.dynamic_fields.values() if f.valid]
    print(yaml.safe_dump([
        {"Name": f.name, "FieldType": f.field_type, "ObjectType": f.object_type, "ValidID": 1, "Config": {}}
        for f in valid
    ]))
emulator.close()
"""


def znuny(tmp_path: Path, mode: str = "normal", seed: str = "lab") -> tuple[str, Path, Path]:
    """A console prefix for a fake Znuny whose state is an emulator's SQLite file."""
    db = tmp_path / "znuny.sqlite3"
    Emulator.from_seed(seed, db=db).close()
    script = tmp_path / "znuny_console.py"
    script.write_text(FAKE_ZNUNY_CONSOLE, encoding="utf-8")
    log = tmp_path / "calls.jsonl"
    return shlex.join([sys.executable, str(script), str(db), str(log), mode]), db, log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_setup_imports_the_field_on_znuny_checks_it_and_the_client_then_resolves_lost_replies(tmp_path: Path) -> None:
    console, db, log = znuny(tmp_path)
    result = runner.invoke(
        app, ["webservice", "setup", "--console", console, "--name", "API", "--key-field", "ClientRequestID"]
    )
    assert result.exit_code == 0, result.stderr
    assert [call[0] for call in calls(log)] == [
        "Admin::WebService::Add",
        "Admin::DynamicField::Import",
        "Admin::DynamicField::Export",
    ]
    assert calls(log)[2][1:] == ["yaml", "--include-all-config-keys"]
    assert calls(log)[1][1] == "/dev/stdin"  # the YAML goes on standard input: no host file a container cannot see
    assert 'idempotency_key_field="ClientRequestID"' in result.stderr
    emulator = Emulator(db=db)
    field = emulator.helpdesk.data.dynamic_fields["ClientRequestID"]
    assert (field.field_type, field.object_type, field.valid) == ("Text", "Ticket", True)
    emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"}, count=1)
    config = emulator_config(idempotency_key_field="ClientRequestID")
    with make_sync_client(emulator, config=config, retry_policy=NO_WAIT) as client:
        made = client.create_ticket(ticket("after setup"))
    assert made.dynamic_fields["ClientRequestID"]
    emulator.close()


def test_an_import_that_says_done_but_created_nothing_fails_the_setup(tmp_path: Path) -> None:
    console, _, _ = znuny(tmp_path, mode="import-creates-nothing")
    result = runner.invoke(
        app, ["webservice", "setup", "--console", console, "--name", "API", "--key-field", "ClientRequestID"]
    )
    assert result.exit_code == ExitCode.FAILURE
    assert "not among the valid dynamic fields" in result.stderr
    assert "prints 'Done.' even when it created nothing" in result.stderr


def test_an_existing_field_of_another_type_is_left_alone_and_reported(tmp_path: Path) -> None:
    console, _, _ = znuny(tmp_path)  # the lab has OrderID: Text, Ticket; Tags: Multiselect
    result = runner.invoke(app, ["webservice", "setup", "--console", console, "--name", "API", "--key-field", "Tags"])
    assert result.exit_code == ExitCode.FAILURE
    assert "its FieldType is 'Multiselect', not 'Text'" in result.stderr
    assert "choose another --key-field name" in result.stderr


def _script_commands(script: str) -> list[list[str]]:
    """The console commands of a --dry-run script (here-documents and comments left out)."""
    commands, in_heredoc = [], False
    for line in script.splitlines():
        if in_heredoc:
            in_heredoc = line != "OTOBO_ZNUNY_YAML"
        elif line and not line.startswith("#"):
            in_heredoc = line.endswith("<<'OTOBO_ZNUNY_YAML'")
            commands.append(shlex.split(line.split("<<")[0].split("   #")[0]))
    return commands


def test_setup_dry_run_prints_the_import_with_the_yaml_on_stdin_and_the_check(tmp_path: Path) -> None:
    console, _, log = znuny(tmp_path)
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--key-field", "ClientRequestID", "--dry-run"],
    )
    assert result.exit_code == 0, result.stderr
    commands = _script_commands(result.stdout)
    assert commands[1][-2:] == ["Admin::DynamicField::Import", "/dev/stdin"]
    assert commands[2][-3:] == ["Admin::DynamicField::Export", "yaml", "--include-all-config-keys"]
    heredoc = result.stdout.split("Admin::DynamicField::Import /dev/stdin <<'OTOBO_ZNUNY_YAML'\n", 1)[1]
    assert yaml.safe_load(heredoc.split("\nOTOBO_ZNUNY_YAML", 1)[0]) == key_field_document("ClientRequestID")
    assert not log.exists(), "nothing ran"


def test_setup_dry_run_with_a_field_file_reads_it_where_the_console_sees_it(tmp_path: Path) -> None:
    console, _, log = znuny(tmp_path)
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--key-field", "ClientRequestID",
         "--key-field-file", str(tmp_path / "field.yml"), "--key-field-source-path", "/opt/otrs/var/tmp/field.yml",
         "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    commands = _script_commands(result.stdout)
    assert commands[1][-2:] == ["Admin::DynamicField::Import", "/opt/otrs/var/tmp/field.yml"]
    assert not (tmp_path / "field.yml").exists(), "a dry run writes nothing"
    assert not log.exists(), "nothing ran"


def test_key_field_source_path_needs_a_field_file(tmp_path: Path) -> None:
    console, _, _ = znuny(tmp_path)
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--key-field", "ClientRequestID",
         "--key-field-source-path", "/x.yml", "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "--key-field-source-path: needs --key-field-file" in result.stderr


def test_setup_for_otobo_prints_the_manual_step_and_writes_the_yaml(tmp_path: Path) -> None:
    console, _, log = znuny(tmp_path)
    field_file = tmp_path / "ClientRequestID.yml"
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--flavor", "otobo",
         "--key-field", "ClientRequestID", "--key-field-file", str(field_file)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [call[0] for call in calls(log)] == ["Admin::WebService::Add"], "OTOBO 11 has no command for it"
    assert "OTOBO 11 has no console command that adds a dynamic field" in result.stderr
    assert "Admin -> Dynamic Fields -> Import/Export" in result.stderr
    assert str(field_file) in result.stderr
    assert yaml.safe_load(field_file.read_text(encoding="utf-8")) == key_field_document("ClientRequestID")
    printed = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--flavor", "otobo",
         "--key-field", "ClientRequestID", "--dry-run"],
    )  # fmt: skip
    assert printed.exit_code == 0, printed.stderr
    assert "the YAML printed below" in printed.stderr
    assert "ClientRequestID:" in printed.stdout


def test_render_writes_the_field_yaml_that_the_emulator_imports(tmp_path: Path) -> None:
    out = tmp_path / "field.yml"
    result = runner.invoke(
        app, ["webservice", "render", "--name", "API", "--key-field", "ClientRequestID", "--key-field-out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["Provider"]["Transport"]["Type"] == "HTTP::REST", "the web service as before"
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    definition = document["DynamicFields"]["ClientRequestID"]
    assert (definition["FieldType"], definition["ObjectType"], definition["ValidID"]) == ("Text", "Ticket", 1)
    emulator = Emulator.from_seed("lab", flavor="otobo")
    assert emulator.import_dynamic_fields(out) == ["ClientRequestID"]


def test_render_and_setup_refuse_bad_key_field_options(tmp_path: Path) -> None:
    no_file = runner.invoke(app, ["webservice", "render", "--name", "API", "--key-field", "ClientRequestID"])
    assert no_file.exit_code == ExitCode.INVALID_INPUT
    assert "--key-field-out" in no_file.stderr
    bad_name = runner.invoke(
        app,
        ["webservice", "render", "--name", "API", "--key-field", "Client-ID", "--key-field-out", str(tmp_path / "f")],
    )
    assert bad_name.exit_code == ExitCode.INVALID_INPUT
    assert "letters and digits" in bad_name.stderr
    console, _, log = znuny(tmp_path)
    orphan = runner.invoke(
        app, ["webservice", "setup", "--console", console, "--name", "API", "--key-field-file", str(tmp_path / "f")]
    )
    assert orphan.exit_code == ExitCode.INVALID_INPUT
    assert not log.exists()


def test_the_check_reads_a_real_export_shape() -> None:
    exported = yaml.safe_dump(
        [
            {"Name": "ClientRequestID", "FieldType": "Text", "ObjectType": "Ticket", "ValidID": "1", "ID": "7"},
            {"Name": "OrderID", "FieldType": "Text", "ObjectType": "Article", "ValidID": "1"},
        ]
    )
    check_exported_field("ClientRequestID", exported)
    with pytest.raises(KeyFieldCheckFailed, match="ObjectType is 'Article'"):
        check_exported_field("OrderID", exported)
    with pytest.raises(KeyFieldCheckFailed, match="not among the valid"):
        check_exported_field("Missing", exported)
    with pytest.raises(KeyFieldCheckFailed, match="no list of dynamic fields"):
        check_exported_field("ClientRequestID", "Done.")
