from __future__ import annotations

from tests.core.conftest import mini_ref

__all__ = ["mini_ref"]
