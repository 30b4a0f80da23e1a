"""Presets and run configuration."""
from dataclasses import dataclass, asdict, replace
import datetime as dt

PRESETS = {
    # CI / tests: dbt on DuckDB and Spark read it, so keep it small.
    "small": dict(users=1500, days=35, labelers=200, advertisers=40,
                  marketplace_viewers=300, marketplace_creators=120),
    # `make run`: a few million app events.
    "default": dict(users=20000, days=56, labelers=1000, advertisers=150,
                    marketplace_viewers=1000, marketplace_creators=250),
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
    rollout_effect: str = "dynamic"  # dynamic | constant | zero (simulator/rollout_dynamics.py)

    # two-sided marketplace experiments (simulator/marketplace.py): per design market
    marketplace_viewers: int = 1000
    marketplace_creators: int = 250
    marketplace_replicates: int = 1  # independent markets (3 designs each); 0 disables them
    marketplace_interference: bool = True   # False: a boost displaces no one's views
    enrollment_effect: float = 0.15  # videos/day enrolling adds once ramped up (0: none; enrollment_selection)

    def as_dict(self):
        d = asdict(self)
        d["start_date"] = self.start_date.isoformat()
        return d


def make_config(out, preset="default", **overrides):
    base = dict(PRESETS[preset])
    base.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Config(out=out, preset=preset), **base)
