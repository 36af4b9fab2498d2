"""The README's changes-feed snippet runs as printed, and the documented signatures are the real ones."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from otobo_znuny import OTOBOZnunyClient, OTOBOZnunySyncClient
from otobo_znuny.adapter import OTOBOAdapter

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_snippet_runs(capsys: object) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The changes feed\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md", "exec"), {})  # our own README, run as printed


def test_the_documented_keywords_are_the_real_ones() -> None:
    documented = ["search", "cursor", "since", "follow", "poll_interval", "page_size", "on_error"]
    for cls in (OTOBOZnunyClient, OTOBOZnunySyncClient):
        for name in ("iter_changes", "iter_new_tickets"):
            parameters = list(inspect.signature(getattr(cls, name)).parameters)
            assert parameters[1 : 1 + len(documented)] == documented, (cls, name)
    text = (ROOT / "docs" / "changes.md").read_text(encoding="utf-8")
    assert "iter_changes(search=None, *, cursor=None, since=None, follow=False, poll_interval=10.0, ...)" in text
    for name in ("iter_new_tickets", "iter_changed_tickets"):
        assert list(inspect.signature(getattr(OTOBOAdapter, name)).parameters)[1:] == [
            "query",
            "cursor",
            "since",
            "follow",
            "poll_interval",
        ]
