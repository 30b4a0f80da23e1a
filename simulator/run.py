"""Orchestrates one simulation run: generate, inject faults, write raw + truth."""
import json
import os
import shutil
import time

import numpy as np
import pandas as pd

from . import ads, app, creators, faults, labeling, trust
from .common import DAY
from .experiments import DESIGN, Exp, build_experiments
from .tables import write_table
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


def run(cfg, quiet=False):
    t_start = time.perf_counter()
    out = os.path.abspath(cfg.out)
    raw, truth = os.path.join(out, "raw"), os.path.join(out, "truth")
    for d in (raw, truth):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
    W = World(cfg)
    W.anomalies = plan_anomalies(W)

    U = app.gen_users(W)
    C = app.gen_creators(W, U)
    V = app.gen_videos(W, U, C)
    trust.assign_policies(W, V)
    trust.proactive(W, V)
    L = labeling.gen_labelers(W)
    X = {s["n"]: Exp(W, s) for s in DESIGN}
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
    t_exp, t_asg, t_xpo = build_experiments(W, [X[k] for k in sorted(X)], UNIT_PREFIX)
    tabs += [t_exp, t_asg, t_xpo]
    t_users, t_videos, t_events = app.users_table(W, U), app.videos_table(W, V), app.events_table(W, U, S, E)
    t_cr, t_roll = app.creators_table(W, U, C)
    tabs += [t_users, t_videos, t_events, t_cr, t_roll]
    # events' faults are chosen first: prevalence samples, payouts and the prevalence
    # truth are computed from the clean (staged) views only
    ev_plan = faults.choose(W, t_events, faults.SPEC[("app", "events")])
    clean = ~faults.quarantined_mask(t_events, ev_plan)
    tabs.append(trust.prevalence(W, V, E, clean))
    tabs += creators.gen_rewards(W, U, C, V, E, clean)
    for t in tabs:
        W.tables[(t.system, t.name)] = t

    prot = faults.protect_from_children(W)
    key_exps = [n for n, e in X.items() if e.spec.get("srm") or e.spec.get("cuped")]
    px = prot.get(("experimentation", "exposures"), np.zeros(len(t_xpo), bool))
    prot[("experimentation", "exposures")] = px | t_xpo.meta["first"] | np.isin(t_xpo.meta["exp"], key_exps)
    pa_ = prot.get(("experimentation", "assignments"), np.zeros(len(t_asg), bool))
    prot[("experimentation", "assignments")] = pa_ | np.isin(t_asg.meta["exp"], key_exps)
    for k, v in W.protect.items():
        prot[k] = prot.get(k, np.zeros(len(v), bool)) | v

    records, rows = [], {}
    for key in sorted(W.tables):
        t = W.tables[key]
        spec = faults.SPEC[key]
        plan = ev_plan if key == ("app", "events") else faults.choose(W, t, spec, prot.get(key))
        counts = faults.apply(W, t, spec, plan)
        for ft in faults.ALL:
            if counts.get(ft, 0) > 0:
                records.append((key[0], key[1], ft, int(counts[ft])))
    t_gen = time.perf_counter() - t_start
    for key in sorted(W.tables):
        t = W.tables[key]
        write_table(t, raw)
        rows[f"{key[0]}.{key[1]}"] = len(t)

    # ---- truth -----------------------------------------------------------
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
    W.truth["rollout_effects"] = pd.DataFrame([dict(
        program="creator_rewards", metric_name="videos_published_per_creator_day",
        true_effect=app.ROLLOUT_DELTA, effect_scale="absolute", unit="videos per creator-day",
        estimand="ATT of the country launch on treated creator-days (intention to treat)",
        model="rate_it = base_i * weekday_t + delta * treated_it (Poisson); treated_it = creator country launched_on <= date",
        panel="creators.creators x window days, creator registered before the day (count from app.videos by creator_id, published_at date)",
        launch_cohorts=cohorts, never_treated="TR,VN",
        creator_days=W.rollout_panel["creator_days"], treated_creator_days=W.rollout_panel["treated_creator_days"])])
    for name, df in W.truth.items():
        df.to_csv(os.path.join(truth, f"{name}.csv"), index=False)
    secs = time.perf_counter() - t_start
    total = int(sum(rows.values()))
    summary = dict(seed=cfg.seed, preset=cfg.preset, flags=cfg.as_dict(), rows_per_table=rows,
                   total_rows=total, seconds=round(secs, 2), generate_seconds=round(t_gen, 2),
                   rows_per_second=int(total / secs))
    with open(os.path.join(truth, "run_summary.json"), "w") as fh:
        json.dump(summary, fh, indent=2, sort_keys=True)
    if not quiet:
        w = max(len(k) for k in rows)
        for k, v in rows.items():
            print(f"{k:<{w}}  {v:>10,}")
        print(f"{'total':<{w}}  {total:>10,}")
        print(f"wall seconds: {secs:.2f}   rows/second: {int(total / secs):,}")
    return summary
