"""CLI: python -m simulator --out DIR [--preset small|default] [--seed 42] ...

Daily cycle: `--landed-through DATE` writes only the landing files up to DATE;
`--append-day` (or `--append-days N`) then adds the next landing day(s) to DIR,
regenerating the same world from DIR/truth/run_summary.json.
"""
import argparse
import datetime as dt
import sys

from .config import PRESETS, make_config

# generation settings: with --append-day they come from run_summary.json instead
WORLD_FLAGS = ("preset", "seed", "users", "days", "labelers", "advertisers", "start_date", "fault_scale",
              "rollout_effect", "marketplace_replicates", "marketplace_viewers", "marketplace_creators",
              "marketplace_interference", "enrollment_effect")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m simulator", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output folder; DIR/raw and DIR/truth are replaced "
                                                "(except with --append-day)")
    p.add_argument("--preset", choices=sorted(PRESETS))
    p.add_argument("--seed", type=int, help="random seed (42)")
    p.add_argument("--users", type=int)
    p.add_argument("--days", type=int)
    p.add_argument("--labelers", type=int)
    p.add_argument("--advertisers", type=int)
    p.add_argument("--start-date", type=dt.date.fromisoformat, default=None)
    p.add_argument("--fault-scale", type=float, help="multiplies fault rates; 0 disables faults")
    p.add_argument("--rollout-effect", choices=["dynamic", "constant", "zero"],
                   help="shape of the rewards launch effect (dynamic: ramps up, differs by cohort)")
    p.add_argument("--marketplace-replicates", type=int,
                   help="independent marketplace experiment markets, three designs each (1; 0 disables)")
    p.add_argument("--marketplace-viewers", type=int, help="viewers per marketplace design")
    p.add_argument("--marketplace-creators", type=int, help="creators per marketplace design")
    p.add_argument("--no-marketplace-interference", dest="marketplace_interference", action="store_const",
                   const=False, help="a creator boost displaces no other creator's views")
    p.add_argument("--enrollment-effect", type=float, help="videos/day enrolling in rewards adds (0.15; 0: none)")
    cycle = p.add_mutually_exclusive_group()
    cycle.add_argument("--landed-through", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                       help="write only the landing files of days <= this date (truth/ stays complete)")
    cycle.add_argument("--append-day", dest="append_days", action="store_const", const=1,
                       help="add the next landing day to an existing --out folder, touching no existing file")
    cycle.add_argument("--append-days", dest="append_days", type=int, metavar="N",
                       help="like --append-day, for the next N landing days (stops at the last one)")
    a = p.parse_args(argv)
    if a.append_days is not None:
        given = [f"--{k.replace('_', '-')}" for k in WORLD_FLAGS if getattr(a, k) is not None]
        if given:
            p.error(f"{', '.join(given)} cannot be combined with --append-day: "
                    "the settings are read from DIR/truth/run_summary.json")
    from .run import SimulatorError, append, run
    try:
        if a.append_days is not None:
            append(a.out, a.append_days)
            return
        cfg = make_config(a.out, a.preset or "default", seed=42 if a.seed is None else a.seed, users=a.users,
                          days=a.days, labelers=a.labelers, advertisers=a.advertisers,
                          start_date=a.start_date, fault_scale=a.fault_scale,
                          rollout_effect=a.rollout_effect,
                          marketplace_replicates=a.marketplace_replicates,
                          marketplace_viewers=a.marketplace_viewers,
                          marketplace_creators=a.marketplace_creators,
                          marketplace_interference=a.marketplace_interference,
                          enrollment_effect=a.enrollment_effect)
        run(cfg, landed_through=a.landed_through)
    except SimulatorError as exc:
        print(f"python -m simulator: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
