from __future__ import annotations

import importlib
import pkgutil

import earlywarn
import earlywarn as ew


def test_all_is_unique_and_resolves() -> None:
    assert len(set(ew.__all__)) == len(ew.__all__)
    assert sorted(dir(ew)) == sorted(ew.__all__)
    for name in ew.__all__:
        assert getattr(ew, name) is not None, name


def test_every_module_declares_all() -> None:
    missing = []
    for mod in pkgutil.walk_packages(earlywarn.__path__, "earlywarn."):
        if mod.name.endswith("__main__") or ".demo.build" in mod.name:
            continue
        m = importlib.import_module(mod.name)
        if not hasattr(m, "__all__"):
            missing.append(mod.name)
        else:
            for name in m.__all__:
                assert hasattr(m, name), f"{mod.name}.__all__ lists {name} which does not exist"
    assert not missing, f"modules without __all__: {missing}"


def test_errors_share_one_base() -> None:
    for name in ew.__all__:
        obj = getattr(ew, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, ew.EarlywarnError)


def test_search_shows_its_filters() -> None:
    """``ew.search`` is the package, called as its function: its signature was the call's
    ``(query, **filters)``, so ``ew.search?`` in a notebook hid ``archive``, ``since`` ..."""
    import inspect

    params = inspect.signature(ew.search).parameters
    assert {"query", "archive", "since", "lang", "per_page"} <= set(params)
