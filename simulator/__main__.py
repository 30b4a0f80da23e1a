"""CLI: python -m simulator --out DIR [--preset small|default] [--seed 42] ..."""
import argparse
import datetime as dt

from .config import PRESETS, make_config


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    p.add_argument("--out", required=True, help="output folder; DIR/raw and DIR/truth are replaced")
    p.add_argument("--preset", choices=sorted(PRESETS), default="default")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--users", type=int)
    p.add_argument("--days", type=int)
    p.add_argument("--labelers", type=int)
    p.add_argument("--advertisers", type=int)
    p.add_argument("--start-date", type=dt.date.fromisoformat, default=None)
    p.add_argument("--fault-scale", type=float, help="multiplies fault rates; 0 disables faults")
    a = p.parse_args(argv)
    cfg = make_config(a.out, a.preset, seed=a.seed, users=a.users, days=a.days, labelers=a.labelers,
                      advertisers=a.advertisers, start_date=a.start_date, fault_scale=a.fault_scale)
    from .run import run
    run(cfg)


if __name__ == "__main__":
    main()
