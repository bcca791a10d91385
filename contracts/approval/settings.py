"""Settings the contract use cases need, passed in by the caller (never read globally)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.spiff.durations import parse_duration


@dataclass(frozen=True)
class ApprovalSettings:
    sla_period: str = "P3D"
    sla_escalation_period: str = "P6D"

    def __post_init__(self) -> None:
        parse_duration(self.sla_period)
        parse_duration(self.sla_escalation_period)
