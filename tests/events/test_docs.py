"""docs/events.md: the quick start runs as printed, and the options it lists are the command's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from otobo_znuny.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _python_block(containing: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    [found] = [block for block in blocks if containing in block]
    return found


def test_the_quick_start_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # it writes Events.yml into the working directory
    monkeypatch.delenv("OTOBO_ZNUNY_EVENTS_SECRET", raising=False)
    namespace: dict[str, object] = {}
    exec(compile(_python_block("render_requester(RequesterSpec"), str(DOC), "exec"), namespace)  # our own docs
    assert len(namespace["seen"]) == 2  # type: ignore[arg-type]
    assert (tmp_path / "Events.yml").exists()


def test_every_option_in_the_table_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The requester web service", 1)[1].split("What it contains", 1)[0]
    table = section[section.index("| option |") :]
    flags = set(re.findall(r"`(--[a-z-]+)", table))
    assert {"--events", "--event", "--secret-file", "--async", "--sync", "--auth", "--retry", "--full-ticket"} <= flags
    help_text = CliRunner().invoke(app, ["webservice", "render", "--help"], env={"COLUMNS": "250"}).stdout
    for flag in flags:
        assert flag in help_text, flag


async def test_events_and_the_feed_combine_as_documented() -> None:
    """The "run both into one idempotent step" example, with the emulator as the server: the feed
    catches up every change, an event for a handled state changes nothing, a restart finds nothing."""
    from otobo_znuny import Article, TicketCreate
    from otobo_znuny.emulator import Emulator
    from otobo_znuny.events import TicketEvent
    from otobo_znuny.testing import make_async_client

    emulator = Emulator.from_seed("demo")
    saved: list[str] = []
    async with make_async_client(emulator) as client:
        made = [
            await client.create_ticket(
                TicketCreate(title=f"t{n}", queue="Raw", customer_user="carla", article=Article(subject="s", body="b"))
            )
            for n in range(3)
        ]
        namespace: dict[str, object] = {
            "secret": "a-shared-secret-of-20",
            "client": client,
            "load_cursor": lambda: saved[-1] if saved else None,
            "save_cursor": saved.append,
        }
        exec(compile(_python_block("async def catch_up"), str(DOC), "exec"), namespace)  # our own docs
        await namespace["catch_up"](client)  # type: ignore[operator]
        done = namespace["done"]
        assert done == {ticket.id: ticket.changed_at for ticket in made}
        await namespace["on_event"](TicketEvent("TicketStateUpdate", made[0].id))  # type: ignore[operator]
        assert done == {ticket.id: ticket.changed_at for ticket in made}  # that state was handled already
        handled = len(saved)
        await namespace["catch_up"](client)  # type: ignore[operator]
        assert len(saved) == handled  # the stored cursor: nothing new
