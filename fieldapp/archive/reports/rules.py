"""When reports are made and what counts as a pattern: the rules, declared once with
their defaults (docs/reports.md). Override any of them with a JSON file
(`fieldapp-archive reports run --rules rules.json`); an unknown key or a bad value is
refused with a clear message before anything is made."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldapp.base.errors import FieldIssue, PathError, ValidationError


@dataclass(frozen=True)
class ReportRules:
    repeat_device_failures: int = 3  # the same device failing this many times …
    repeat_device_days: int = 90  # … within this many days
    same_fault_devices: int = 4  # the same reported fault on this many devices …
    same_fault_days: int = 30  # … within this many days
    sla_rising_days: int = 30  # breaches in the last N days against the N days before
    sla_rising_min_breaches: int = 3  # at least this many recent breaches …
    sla_rising_factor: float = 2.0  # … and this many times the earlier window's
    contract_end_days: int = 30  # the summary this many days before a contract ends
    periodic_lookback_days: int = 366  # periods that ended this recently are made if missing
    scan_days: int = 180  # how far back the pattern rules look for their evidence

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportRules:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        issues = []
        values: dict[str, Any] = {}
        for key, value in data.items():
            spec = fields.get(key)
            if spec is None:
                issues.append(FieldIssue(key, "unknown", f"未知的规则设置：{key}。",
                                         f"Unknown rule setting: {key}."))
                continue
            kind = float if spec.type in ("float", float) else int
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (
                    kind is int and not float(value).is_integer()):
                issues.append(FieldIssue(key, "invalid", f"{key} 须为正数（收到 {value!r}）。",
                                         f"{key} must be a positive number (got {value!r})."))
                continue
            values[key] = kind(value)
        if issues:
            raise ValidationError(issues)
        return cls(**values)

    @classmethod
    def load(cls, path: Path | None) -> ReportRules:
        if path is None:
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PathError.from_os_error(exc, path, action="read") from exc
        except ValueError as exc:
            raise ValidationError([FieldIssue("rules", "unreadable",
                                              f"无法读取规则文件 {path.name}：{exc}",
                                              f"Cannot read the rules file {path.name}: {exc}")]
                                  ) from exc
        if not isinstance(data, dict):
            raise ValidationError([FieldIssue("rules", "invalid", "规则文件须为 JSON 对象。",
                                              "The rules file must be a JSON object.")])
        return cls.from_dict(data)
