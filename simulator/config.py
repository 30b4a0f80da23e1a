"""Presets and run configuration."""
from dataclasses import dataclass, asdict, replace
import datetime as dt

PRESETS = {
    # CI / tests: dbt on DuckDB and Spark read it, so keep it small.
    "small": dict(users=1500, days=35, labelers=200, advertisers=40),
    # `make run`: a few million app events.
    "default": dict(users=20000, days=56, labelers=1000, advertisers=150),
}


@dataclass(frozen=True)
class Config:
    out: str
    preset: str = "default"
    seed: int = 42
    users: int = 20000
    days: int = 56
    labelers: int = 1000
    advertisers: int = 150
    start_date: dt.date = dt.date(2026, 8, 3)
    creator_share: float = 0.08      # share of users who are creators
    ring_share: float = 0.01         # share of users in coordinated rings
    violating_share: float = 0.03    # share of videos that violate a policy
    fault_scale: float = 1.0         # multiplies every fault rate (0 disables faults)
    enrollment_effect: float = 0.15  # videos/day enrolling adds once ramped up (0: none; enrollment_selection)

    def as_dict(self):
        d = asdict(self)
        d["start_date"] = self.start_date.isoformat()
        return d


def make_config(out, preset="default", **overrides):
    base = dict(PRESETS[preset])
    base.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Config(out=out, preset=preset), **base)
