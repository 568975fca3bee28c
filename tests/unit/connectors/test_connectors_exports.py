"""The public APIs of callpipe.connectors.webhook and .receiver are what __all__ says."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    "module_name", ["callpipe.connectors.webhook", "callpipe.connectors.receiver"]
)
def test_all_names_exist_and_nothing_public_is_missing(module_name: str) -> None:
    """Every name in __all__ resolves, and every public re-export is listed."""
    module = importlib.import_module(module_name)
    exported = set(module.__all__)
    assert all(hasattr(module, name) for name in exported)
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith(module_name)
    }
    assert public <= exported
