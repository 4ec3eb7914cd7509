"""What a service returns is plain data: no ORM row (it would lazy-load after its session
closed) hides anywhere in it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping


def assert_plain(value: object, path: str = "result") -> None:
    assert not hasattr(value, "_sa_instance_state"), f"{path} is an ORM row: {value!r}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            assert_plain(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            assert_plain(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for i, item in enumerate(value):
            assert_plain(item, f"{path}[{i}]")
