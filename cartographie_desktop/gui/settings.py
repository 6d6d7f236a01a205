"""A small typed wrapper over QSettings: one place for the keys, their types and their defaults.

Tests pass a QSettings on a temporary INI file, so they never read or write the user's profile.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from cartographie_desktop.core.model import DEFAULT_PRIVACY_K
from cartographie_desktop.core.text import fold

ORGANIZATION = "Cartographie IA"
APPLICATION = "Cartographie IA des métiers"
MAX_RECENT = 8
MAX_COLUMN_MODELS = 12


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)

    @classmethod
    def in_file(cls, path: Path) -> Settings:
        """Settings kept in an INI file (tests, portable use)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def sync(self) -> None:
        self._s.sync()

    # -- typed access ----------------------------------------------------------------------------------------

    def _str(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self._s.value(key, default))
        except (TypeError, ValueError):
            return default

    def _list(self, key: str) -> list[str]:
        value = self._s.value(key, [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list in INI files
            return [value] if value else []
        return [str(v) for v in value or [] if v]

    @property
    def author(self) -> str:
        """Name written on the commune's decisions (« Auteur »)."""
        return self._str("decisions/author")

    @author.setter
    def author(self, value: str) -> None:
        self._s.setValue("decisions/author", " ".join((value or "").split()))

    @property
    def privacy_k(self) -> int:
        """Groups of fewer than k agents are shown as « < k » in charts and breakdowns."""
        return max(1, min(50, self._int("privacy/k", DEFAULT_PRIVACY_K)))

    @privacy_k.setter
    def privacy_k(self, value: int) -> None:
        self._s.setValue("privacy/k", max(1, min(50, int(value))))

    @property
    def recent_files(self) -> list[Path]:
        return [Path(p) for p in self._list("files/recent")]

    def add_recent(self, path: Path) -> None:
        path = Path(path).resolve()
        items = [p for p in self.recent_files if p != path]
        self._s.setValue("files/recent", [str(p) for p in [path, *items][:MAX_RECENT]])
        self._s.setValue("files/last_project", str(path))

    def remove_recent(self, path: Path) -> None:
        path = Path(path).resolve()
        self._s.setValue("files/recent", [str(p) for p in self.recent_files if p != path])
        if self.last_project == path:
            self._s.remove("files/last_project")

    @property
    def last_project(self) -> Path | None:
        value = self._str("files/last_project")
        return Path(value) if value else None

    def forget_last_project(self) -> None:
        self._s.remove("files/last_project")

    @property
    def last_folder(self) -> str:
        return self._str("files/last_folder")

    @last_folder.setter
    def last_folder(self, value: str | Path) -> None:
        self._s.setValue("files/last_folder", str(value))

    @property
    def last_staffing_folder(self) -> str:
        """Where the import wizard last found a staffing table (set only when an import is finished)."""
        return self._str("import/last_folder")

    @last_staffing_folder.setter
    def last_staffing_folder(self, value: str | Path) -> None:
        self._s.setValue("import/last_folder", str(value))

    @property
    def column_models(self) -> list[dict]:
        """Saved column models (`io.staffing.mapping_to_json` plus `source` and `saved`), the latest first."""
        try:
            data = json.loads(self._str("import/column_models") or "[]")
        except ValueError:
            return []
        if not isinstance(data, list):
            return []
        return [model for model in data if isinstance(model, dict) and isinstance(model.get("columns"), list)]

    def save_column_model(self, model: dict) -> None:
        """Keep `model` first; a model for the same set of column headers is replaced, not duplicated."""
        def headers(item: dict) -> frozenset[str]:
            return frozenset(fold(str(c.get("header", ""))) for c in item.get("columns", []) if isinstance(c, dict))

        kept = [m for m in self.column_models if headers(m) != headers(model)]
        self._s.setValue("import/column_models", json.dumps([model, *kept][:MAX_COLUMN_MODELS], ensure_ascii=False))

    @property
    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        value = self._s.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    @property
    def demo_fingerprint(self) -> str:
        """SHA-256 of the shipped demo the user's copy was made from (a new version gets a fresh copy)."""
        return self._str("demo/fingerprint")

    @demo_fingerprint.setter
    def demo_fingerprint(self, value: str) -> None:
        self._s.setValue("demo/fingerprint", value)

    # -- the council report (gui/report_dialog.py) --------------------------------------------------------------

    @property
    def report_author(self) -> str:
        """The author line of the report's cover (« Direction générale des services »)."""
        return self._str("report/author")

    @report_author.setter
    def report_author(self, value: str) -> None:
        self._s.setValue("report/author", " ".join((value or "").split()))

    @property
    def report_logo(self) -> str:
        """The image printed on the report's cover, if the user chose one."""
        return self._str("report/logo")

    @report_logo.setter
    def report_logo(self, value: str | Path) -> None:
        self._s.setValue("report/logo", str(value or ""))

    @property
    def report_chapters(self) -> list[str]:
        """The chapters ticked the last time (all when never chosen)."""
        return self._list("report/chapters")

    @report_chapters.setter
    def report_chapters(self, value: list[str]) -> None:
        self._s.setValue("report/chapters", list(value))
