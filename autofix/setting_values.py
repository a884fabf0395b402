"""Checks for configuration values, shared by the top-level keys and the family tables.

Each takes the key (for the message) and the raw TOML value, and returns the
converted value or raises ValueError naming the key.
"""

from __future__ import annotations

import re
from typing import Any


def region(key: str, value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", value):
        raise ValueError(f"{key} must be an AWS region name like \"us-east-1\"")
    return value


def instance_class(key: str, value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"db\.[a-z0-9-]+\.[a-z0-9]+", value):
        raise ValueError(f"{key} must be an RDS instance class like \"db.r5.large\"")
    return value


def one_of(*choices: str):
    """A check accepting exactly one of ``choices``."""

    def check(key: str, value: Any) -> str:
        if value not in choices:
            raise ValueError(f"{key} must be one of {', '.join(repr(c) for c in choices)}")
        return value

    return check


def boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value
