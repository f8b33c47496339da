"""The course's nbgrader configuration as stock ``nbgrader`` reads it: ``nbgrader_config.py`` from Jupyter's
config folders, then from the course directory; ``CourseDirectory.db_url`` and ``course_id`` from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


@dataclass
class CourseSettings:
    root: Path
    db_url: str
    course_id: str
    config: Config


def load_config(course: Path) -> Config:
    """Merge every ``nbgrader_config.py`` nbgrader would load when run in ``course`` (later files win)."""
    from jupyter_core.paths import jupyter_config_path

    config = Config()
    folders = [*reversed(jupyter_config_path()), str(course)]
    for folder in dict.fromkeys(folders):
        if (Path(folder) / "nbgrader_config.py").exists():
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    return config


def course_settings(course: Path, db_url: str | None = None) -> CourseSettings:
    """The course's settings; ``db_url`` (``--db``) overrides ``CourseDirectory.db_url``."""
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course)
    coursedir = CourseDirectory(config=config, root=str(course))
    return CourseSettings(course, db_url or coursedir.db_url, coursedir.course_id or "default_course", config)
