"""The public API of callpipe.connectors.llm is what __all__ says, no more, no less."""

from __future__ import annotations

import types

import callpipe.connectors.llm


def test_all_names_exist() -> None:
    """Everything in __all__ can be imported from callpipe.connectors.llm."""
    for name in callpipe.connectors.llm.__all__:
        assert hasattr(callpipe.connectors.llm, name), name


def test_every_public_name_is_exported() -> None:
    """No public name sits in the package without being in __all__ (submodules aside)."""
    public = {
        name
        for name, value in vars(callpipe.connectors.llm).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }
    assert public == set(callpipe.connectors.llm.__all__)
