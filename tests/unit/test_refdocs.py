"""The reference pages' argument and attribute tables are what the models generate (like tfplugindocs)."""

from __future__ import annotations

from pathlib import Path

from program import refdocs


def test_committed_tables_are_current():
    assert refdocs.stale_pages() == [], "run `python -m program.refdocs` and commit the pages"


def test_a_changed_description_makes_the_page_stale(tmp_path: Path, monkeypatch):
    page = refdocs.PAGES[0]
    (tmp_path / "docs").mkdir()
    for each in refdocs.PAGES:
        (tmp_path / each.path).write_text((refdocs.ROOT / each.path).read_text())
    assert refdocs.stale_pages(tmp_path) == []
    monkeypatch.setattr(page.inputs.model_fields["name"], "description", "something else")
    assert refdocs.stale_pages(tmp_path) == [page.path]
