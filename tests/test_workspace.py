"""Copying the released notebooks into the student workspace never overwrites a student's work."""

from __future__ import annotations

from course.workspace import sync_workspace


def test_copies_new_files_and_keeps_existing_work(tmp_path):
    release, workspace = tmp_path / "release", tmp_path / "workspace"
    (release / "01_a").mkdir(parents=True)
    (release / "01_a" / "nb.ipynb").write_text("released v1")
    (release / "02_b").mkdir()
    (release / "02_b" / "nb.ipynb").write_text("released b")
    copied, kept = sync_workspace(release, workspace)
    assert len(copied) == 2 and not kept
    (workspace / "01_a" / "nb.ipynb").write_text("student's work")
    (release / "01_a" / "nb.ipynb").write_text("released v2")
    copied, kept = sync_workspace(release, workspace)
    assert not copied and len(kept) == 2
    assert (workspace / "01_a" / "nb.ipynb").read_text() == "student's work"


def test_writes_a_validate_config_once(tmp_path):
    release, workspace = tmp_path / "release", tmp_path / "workspace"
    (release / "01_a").mkdir(parents=True)
    (release / "01_a" / "nb.ipynb").write_text("{}")
    sync_workspace(release, workspace)
    config = workspace / "nbgrader_config.py"
    assert "c.Execute.timeout" in config.read_text()
    config.write_text("# mine")
    sync_workspace(release, workspace)
    assert config.read_text() == "# mine"


def test_missing_release_is_a_clear_error(tmp_path):
    import pytest

    with pytest.raises(FileNotFoundError, match="make release"):
        sync_workspace(tmp_path / "nope", tmp_path / "ws")
