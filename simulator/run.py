"""Orchestrates one simulation run: generate, inject faults, write raw + truth."""
import datetime as dt
import json
import os
import shutil
import time

import numpy as np
import pandas as pd

from . import ads, app, creators, faults, labeling, marketplace, rollout_dynamics, trust
from .common import DAY, EPOCH, return_freed_memory
from .experiments import DESIGN, Exp, build_experiments
from .tables import landing_days, write_table
from .config import Config
from .world import World

UNIT_PREFIX = {"user": ("u", 6), "labeler": ("lbr", 5)}
# metric, dimension, value, kind, multiplier on the driving behaviour
ANOMALY_PLAN = [
    ("dau", "country", "BR", "drop", 0.15),
    ("watch_seconds_per_dau", "platform", "web", "spike", 2.6),
    ("fill_rate", "country", "MX", "drop", 0.30),
    ("ad_revenue_usd", "country", "US", "spike", 4.0),
    ("dau", "platform", "web", "spike", 3.0),
    ("watch_seconds_per_dau", "country", "DE", "drop", 0.35),
]


def plan_anomalies(W):
    """One slice-day each, in the second half and never in the first 28 days."""
    lo = max(28, -(-W.D // 2))
    days = list(range(lo, W.D))
    k = min(len(ANOMALY_PLAN), len(days))
    if k == 0:
        return []
    pick = np.unique(np.round(np.linspace(days[0], days[-1], k)).astype(int))
    return [dict(metric_name=m, dimension_name=dn, dimension_value=dv, kind=kind, mult=mult, day=int(d))
            for (m, dn, dv, kind, mult), d in zip(ANOMALY_PLAN, pick)]


class SimulatorError(Exception):
    """A run that cannot proceed (bad folder, nothing left to append); the CLI prints it."""


def simulate(cfg):
    """Generate the whole world: every table with its faults applied, and the truth frames.

    Writes nothing, so a full run, a run cut at --landed-through and --append-day
    all see identical random draws and rows.
    """
    return_freed_memory()
    W = World(cfg)
    W.anomalies = plan_anomalies(W)

    U = app.gen_users(W)
    C = app.gen_creators(W, U)
    V = app.gen_videos(W, U, C)
    trust.assign_policies(W, V)
    trust.proactive(W, V)
    L = labeling.gen_labelers(W)
    X = {s["n"]: Exp(W, s) for s in DESIGN}
    # marketplace experiments: their own populations, ids after the app's users and videos
    markets = marketplace.gen_markets(W, U.n, V.n) if marketplace.enabled(W) else []
    n_units = U.n + sum(m.nv + m.nc for m in markets)
    MX = [marketplace.MarketExp(W, m, n_units) for m in markets]
    for e in X.values():
        e.assign(W, {"user": U.signup, "creator": C.reg, "labeler": L.joined}[e.spec["unit"]])
    S = app.gen_sessions(W, U)
    f = S.first_of_day
    for e in X.values():
        if e.spec["unit"] == "user":
            e.set_candidates(S.user[f], S.t0[f])
    m = f & (C.of_user[S.user] >= 0)
    X[9].set_candidates(C.of_user[S.user[m]], S.t0[m])
    E, R = app.gen_events(W, U, C, V, S, X)
    tabs = []
    tabs += ads.gen_ads(W, U, S, E, X)
    tabs += labeling.gen_labeling(W, L, X)
    tabs.append(trust.reports_and_decisions(W, V, R))
    tabs += trust.decisions_tables(W, U, V, C)
    tabs += trust.reference_tables(W)
    t_exp, t_asg, t_xpo = build_experiments(W, [X[k] for k in sorted(X)] + MX, UNIT_PREFIX)
    tabs += [t_exp, t_asg, t_xpo]
    for e in list(X.values()) + MX:   # every effect is injected: free the per-unit arrays
        e.arm = e.assigned_at = e.first = e.cand_unit = e.cand_ts = None
    if markets:
        marketplace.merge_into_world(W, U, C, V, S, E, markets)
    W.truth["marketplace_effects"] = marketplace.truth_frame(markets)
    del markets, MX
    t_users, t_videos, t_events = app.users_table(W, U), app.videos_table(W, V), app.events_table(W, U, S, E)
    del S   # the events table keeps only the session lookups it needs
    t_cr, t_roll = app.creators_table(W, U, C)
    tabs += [t_users, t_videos, t_events, t_cr, t_roll]
    # events' faults are chosen first: prevalence samples, payouts and the prevalence
    # truth are computed from the clean (staged) views only
    ev_plan = faults.choose(W, t_events, faults.SPEC[("app", "events")], W.protect.pop(("app", "events"), None))
    clean = ~faults.quarantined_mask(t_events, ev_plan)
    tabs.append(trust.prevalence(W, V, E, clean))
    tabs += creators.gen_rewards(W, U, C, V, E, clean)
    app.events_loaded(W, t_events)
    for t in tabs:
        W.tables[(t.system, t.name)] = t
    # events' arrays are shared with t_events, which faults now modify: drop every
    # other reference so duplicates (concatenations) do not keep two copies alive
    del E, R, clean, tabs, t

    prot = faults.protect_from_children(W)
    key_exps = [n for n, e in X.items() if e.spec.get("srm") or e.spec.get("cuped")]
    key_exps += [int(n) for n in np.unique(t_exp.cols["experiment_id"].data) if n >= marketplace.FIRST_EXPERIMENT]
    px = prot.get(("experimentation", "exposures"), np.zeros(len(t_xpo), bool))
    prot[("experimentation", "exposures")] = px | t_xpo.meta["first"] | np.isin(t_xpo.meta["exp"], key_exps)
    pa_ = prot.get(("experimentation", "assignments"), np.zeros(len(t_asg), bool))
    prot[("experimentation", "assignments")] = pa_ | np.isin(t_asg.meta["exp"], key_exps)
    for k, v in W.protect.items():
        prot[k] = prot.get(k, np.zeros(len(v), bool)) | v

    records = []
    for key in sorted(W.tables):
        t = W.tables[key]
        spec = faults.SPEC[key]
        plan = ev_plan if key == ("app", "events") else faults.choose(W, t, spec, prot.get(key))
        counts = faults.apply(W, t, spec, plan)
        for ft in faults.ALL:
            if counts.get(ft, 0) > 0:
                records.append((key[0], key[1], ft, int(counts[ft])))
    # ---- truth frames (written by run) ----------------------------------
    W.truth["faults"] = faults.faults_frame(records)
    W.truth["anomalies"] = pd.DataFrame([
        dict(metric_name=a["metric_name"],
             anomaly_date=(pd.Timestamp(W.day_us[a["day"]], unit="us").date()),
             dimension_name=a["dimension_name"], dimension_value=a["dimension_value"], kind=a["kind"],
             injected_multiplier=a["mult"])
        for a in W.anomalies],
        columns=["metric_name", "anomaly_date", "dimension_name", "dimension_value", "kind",
                 "injected_multiplier"])
    launch = W.rollout_launch
    cohorts = ";".join(f"{c}:{(pd.Timestamp(W.start_us + d * DAY, unit='us').date())}"
                       for c, d in sorted(launch.items(), key=lambda x: (x[1], x[0])))
    mode = cfg.rollout_effect
    W.truth["rollout_effects"] = pd.DataFrame([dict(
        program="creator_rewards", metric_name="videos_published_per_creator_day",
        true_effect=rollout_dynamics.stacked_did_target(W, C, mode, W.enrollment_lift_window), effect_scale="absolute",
        unit="videos per creator-day", effect_mode=mode,
        estimand=("ATT of the country launch on treated creator-days (intention to treat); "
                  + ("constant on every launched day" if mode != "dynamic" else
                     "the dynamic effects (rollout_event_effects.csv) averaged as the pooled stacked DiD "
                     "of int_rollout_did_panel weights them: a stack's mean over its post-launch days, "
                     "stacks weighted by N p(1-p) n q(1-q)")
                  + "; plus the enrolment lift of the cohort's enrolees (enrollment_lift_in_rollout.csv)"),
        model="rate_it = base_i * weekday_t + tau_it (Poisson); tau_it = tau(cohort, week since launch) once the creator's country launched, "
              "+ the creator's own trend and enrolment lift (simulator/enrollment_selection.py)",
        panel="creators.creators x window days, creator registered before the day (count from app.videos by creator_id, published_at date)",
        launch_cohorts=cohorts, never_treated="TR,VN",
        creator_days=W.rollout_panel["creator_days"], treated_creator_days=W.rollout_panel["treated_creator_days"])])
    W.truth["rollout_event_effects"] = with_enrollment_lift(rollout_dynamics.event_truth(W, mode),
                                                            W.truth["enrollment_lift_in_rollout"])
    return W


def with_enrollment_lift(event_effects, lift):
    """The launch's true effect per cohort x week since launch including what it does
    through enrolment (the lift of the cohort's enrolees, averaged over its creators):
    both are part of the launch's intention-to-treat effect."""
    keys = ["launched_on", "weeks_since_launch"]
    merged = event_effects.merge(lift[keys + ["enrollment_lift"]], on=keys, how="left")
    merged["true_att"] = merged["true_att"] + merged.pop("enrollment_lift").fillna(0.0)
    return merged[event_effects.columns]


def last_landing_day(W):
    """Epoch day of the latest _loaded_at in any table: late rows land up to ~3 days
    after the window, and some history (campaigns) later still."""
    return max(int(landing_days(t).max()) for t in W.tables.values() if len(t))


def write_order(W):
    """Smallest tables first: each is freed once written, so the largest (app.events)
    is converted while nothing else is left in memory."""
    return sorted(W.tables, key=lambda k: (len(W.tables[k]), k))


def _iso(epoch_day):
    return (EPOCH + dt.timedelta(days=int(epoch_day))).isoformat()


def _epoch_day(d):
    return (d - EPOCH).days


def run(cfg, quiet=False, landed_through=None):
    """Simulate and write DIR/raw + DIR/truth. With `landed_through` (a date), only
    the landing files of days <= that date are written; truth/ always covers the whole world."""
    t_start = time.perf_counter()
    out = os.path.abspath(cfg.out)
    raw, truth = os.path.join(out, "raw"), os.path.join(out, "truth")
    for d in (raw, truth):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
    W = simulate(cfg)
    t_gen = time.perf_counter() - t_start
    last = last_landing_day(W)
    through = last if landed_through is None else min(_epoch_day(landed_through), last)
    rows = {f"{k[0]}.{k[1]}": len(W.tables[k]) for k in sorted(W.tables)}
    for key in write_order(W):
        write_table(W.tables[key], raw, last_day=None if landed_through is None else through, consume=True)
        W.tables[key] = None   # free each table once written (lowers peak memory)

    for name, df in W.truth.items():
        df.to_csv(os.path.join(truth, f"{name}.csv"), index=False)
    secs = time.perf_counter() - t_start
    total = int(sum(rows.values()))
    summary = dict(seed=cfg.seed, preset=cfg.preset, flags=cfg.as_dict(), rows_per_table=rows,
                   total_rows=total, seconds=round(secs, 2), generate_seconds=round(t_gen, 2),
                   rows_per_second=int(total / secs),
                   landed_through=_iso(through), last_landing_date=_iso(last))
    with open(os.path.join(truth, "run_summary.json"), "w") as fh:
        json.dump(summary, fh, indent=2, sort_keys=True)
    if not quiet:
        w = max(len(k) for k in rows)
        for k, v in rows.items():
            print(f"{k:<{w}}  {v:>10,}")
        print(f"{'total':<{w}}  {total:>10,}")
        print(f"wall seconds: {secs:.2f}   rows/second: {int(total / secs):,}")
        if through < last:
            print(f"landed through {_iso(through)} (last landing day {_iso(last)}); "
                  "rows above are the whole world")
    return summary


def read_summary(out):
    """truth/run_summary.json of a simulator output folder, or SimulatorError."""
    path = os.path.join(out, "truth", "run_summary.json")
    try:
        with open(path) as fh:
            summary = json.load(fh)
    except (OSError, ValueError) as exc:
        raise SimulatorError(f"{out} is not a simulator output folder (cannot read {path}: {exc})") from None
    if not (isinstance(summary, dict) and {"seed", "preset", "flags"} <= set(summary)
            and isinstance(summary["flags"], dict) and os.path.isdir(os.path.join(out, "raw"))):
        raise SimulatorError(f"{out} is not a simulator output folder "
                             "(truth/run_summary.json without seed/preset/flags, or no raw/)")
    return summary


def config_from_summary(out, summary):
    flags = dict(summary["flags"])
    flags["out"] = out
    try:
        flags["start_date"] = dt.date.fromisoformat(flags["start_date"])
        return Config(**flags)
    except (KeyError, TypeError, ValueError) as exc:
        raise SimulatorError(f"{out}: truth/run_summary.json flags do not describe a run ({exc})") from None


def append(out, days=1, quiet=False):
    """Write the next `days` landing days (after the recorded landed_through) of the
    world recorded in OUT/truth/run_summary.json; existing files are left as they are
    (a `landed_empty.parquet` placeholder goes once its folder gets a real file)."""
    t_start = time.perf_counter()
    out = os.path.abspath(out)
    summary = read_summary(out)
    if days < 1:
        raise SimulatorError("the number of days to append must be >= 1")
    if "landed_through" not in summary:   # written before the cut-off existed: a full run
        raise SimulatorError(f"{out} already holds every landing day (written without --landed-through)")
    through = _epoch_day(dt.date.fromisoformat(summary["landed_through"]))
    if "last_landing_date" in summary and through >= _epoch_day(dt.date.fromisoformat(summary["last_landing_date"])):
        raise SimulatorError(f"no more landing days: {out} is landed through {summary['landed_through']}, "
                             f"the world's last landing day")
    cfg = config_from_summary(out, summary)
    W = simulate(cfg)
    rows = {f"{s}.{n}": len(t) for (s, n), t in W.tables.items()}
    if rows != summary.get("rows_per_table", rows):
        raise SimulatorError("the regenerated world differs from the recorded one (rows_per_table): "
                             "was the simulator changed since this folder was written?")
    last = last_landing_day(W)
    if through >= last:
        raise SimulatorError(f"no more landing days: {out} is landed through {_iso(through)}, "
                             f"the last landing day is {_iso(last)}")
    first, upto = through + 1, min(through + days, last)
    raw = os.path.join(out, "raw")
    for (system, name), t in sorted(W.tables.items()):   # never overwrite a landed file
        for d in np.unique(landing_days(t)):
            f = os.path.join(raw, system, name, f"landed_{_iso(d)}.parquet")
            if first <= d <= upto and os.path.exists(f):
                raise SimulatorError(f"{f} already exists although {out} is landed through "
                                     f"{_iso(through)}; refusing to overwrite it")
    written = {}
    for key in write_order(W):
        n = write_table(W.tables[key], raw, first_day=first, last_day=upto, placeholder=False, consume=True)
        W.tables[key] = None
        if n:
            written[f"{key[0]}.{key[1]}"] = n
            empty = os.path.join(raw, key[0], key[1], "landed_empty.parquet")
            if os.path.exists(empty):
                os.remove(empty)
    summary["landed_through"] = _iso(upto)
    summary["last_landing_date"] = _iso(last)
    summary["append_seconds"] = round(time.perf_counter() - t_start, 2)
    path = os.path.join(out, "truth", "run_summary.json")
    with open(path + ".tmp", "w") as fh:   # replace atomically: the cut-off is the folder's state
        json.dump(summary, fh, indent=2, sort_keys=True)
    os.replace(path + ".tmp", path)
    written = {k: written[k] for k in sorted(written)}
    if not quiet:
        print(f"appended {_iso(first)}" + (f"..{_iso(upto)}" if upto > first else "")
              + f" to {raw}: {sum(written.values())} files in {len(written)} tables; "
              f"landed through {_iso(upto)} of {_iso(last)} "
              f"({summary['append_seconds']:.1f} s)")
        if upto < through + days:
            print(f"stopped at the last landing day {_iso(last)}")
    return summary
