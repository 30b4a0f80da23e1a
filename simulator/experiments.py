"""Experiment design, assignment, exposure logging and the experimentation tables.

Effects are injected by the domain generators: after a unit's first exposure and
before the experiment ends, the relevant behaviour's rate is multiplied by
(1 + true_relative_effect) of the unit's variant, so the expected relative
difference of the metric between arms is exactly that effect.
"""
import numpy as np
import pandas as pd

from .common import DAY, SEC, MIN, TS_NULL, first_per_group
from .tables import Table, id_col, ts_col, Col, enum_col

NEVER = np.iinfo(np.int64).max

# start / end are day offsets; end <= 0 counts back from the window end, end > 0
# with "beyond" means the experiment is still running when the data ends.
DESIGN = [
    dict(n=1, name="feed_ranking_v2", domain="engagement", unit="user",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=3, end=-2,
         metric="watch_seconds_per_user", effects={"watch_seconds_per_user": [0.04]},
         hypothesis="A better ranking model raises watch time per user."),
    dict(n=2, name="autoplay_next_video", domain="engagement", unit="user",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=14, end=0,
         metric="video_views_per_user", effects={"video_views_per_user": [0.03]}, cuped=True,
         hypothesis="Autoplaying the next video raises views per user (pre-period covariate for CUPED)."),
    dict(n=3, name="home_feed_aa_check", domain="engagement", unit="user",
         variants=["control", "control_copy"], shares=[0.5, 0.5], start=7, end=14, beyond=True,
         metric="app_opens_per_user",
         effects={"app_opens_per_user": [0.0], "watch_seconds_per_user": [0.0]}, aa=True,
         hypothesis="A/A test: identical arms, no difference expected."),
    dict(n=4, name="onboarding_tips", domain="engagement", unit="user",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=5, end=-1,
         metric="likes_per_user", effects={"likes_per_user": [0.05]}, srm=True,
         hypothesis="Tips on liking raise likes per user (exposure logging bug loses treatment units)."),
    dict(n=5, name="ad_relevance_v3", domain="monetization", unit="user",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=7, end=0,
         metric="ctr", effects={"ctr": [0.08]},
         hypothesis="A more relevant ad model raises click-through rate (ratio metric)."),
    dict(n=6, name="ad_load_increase", domain="monetization", unit="user",
         variants=["control", "load_plus_10", "load_plus_20"], shares=[0.5, 0.25, 0.25],
         start=10, end=0, metric="ad_impressions_per_user",
         effects={"ad_impressions_per_user": [0.10, 0.20]},
         hypothesis="Requesting more ads per session raises impressions per user."),
    dict(n=7, name="labeler_streak_boost", domain="labeling", unit="labeler",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=7, end=0,
         metric="submissions_per_labeler", effects={"submissions_per_labeler": [0.10]},
         hypothesis="Streak multipliers raise completed submissions per labeler."),
    dict(n=8, name="gold_feedback", domain="labeling", unit="labeler",
         variants=["control", "inline_feedback", "weekly_digest"], shares=[0.34, 0.33, 0.33],
         start=5, end=0, metric="gold_accuracy", effects={"gold_accuracy": [0.06, 0.02]},
         hypothesis="Feedback on mistakes raises accuracy on gold tasks (ratio metric)."),
    dict(n=9, name="creator_thumbnail_tool", domain="creators", unit="creator",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=7, end=0,
         metric="views_received_per_creator", effects={"views_received_per_creator": [0.10]},
         hypothesis="Suggested thumbnails raise views received per creator."),
    dict(n=10, name="report_flow_redesign", domain="risk", unit="user",
         variants=["control", "treatment"], shares=[0.5, 0.5], start=7, end=0,
         metric="reports_per_user", effects={"reports_per_user": [0.25]},
         hypothesis="A simpler report flow raises user reports per user."),
]
MULTI_VARIANT_BUG = {1: 0.006, 6: 0.005, 7: 0.008, 9: 0.006}   # share of exposed units
REPEAT_EXPOSURE_P = 0.3   # chance a later active day logs another exposure row

METRICS = [
    # metric_name, kind, numerator, denominator, source tables, covariate
    ("watch_seconds_per_user", "mean",
     "sum(watch_ms)/1000 over app.events with event_type='video_view' and user_id=unit, event_at in window",
     "1", "app.events", ""),
    ("video_views_per_user", "mean",
     "count of app.events with event_type='video_view' and user_id=unit, event_at in window",
     "1", "app.events",
     "same count with event_at in [started_at - 14 days, started_at) (pre-period, CUPED)"),
    ("app_opens_per_user", "mean",
     "count of app.events with event_type='app_open' and user_id=unit, event_at in window",
     "1", "app.events", ""),
    ("likes_per_user", "mean",
     "count of app.events with event_type='like' and user_id=unit, event_at in window",
     "1", "app.events", ""),
    ("ctr", "ratio",
     "count of ads.clicks whose impression (ads.impressions.user_id=unit) was shown_at in window",
     "count of ads.impressions with user_id=unit and shown_at in window",
     "ads.impressions, ads.clicks", ""),
    ("ad_impressions_per_user", "mean",
     "count of ads.impressions with user_id=unit and shown_at in window",
     "1", "ads.impressions", ""),
    ("submissions_per_labeler", "mean",
     "count of labeling.submissions with labeler_id=unit, is_skipped=false, submitted_at in window",
     "1", "labeling.submissions", ""),
    ("gold_accuracy", "ratio",
     "count of non-skipped labeling.submissions by the unit on tasks with is_gold=true whose answer = tasks.gold_answer, submitted_at in window",
     "count of non-skipped labeling.submissions by the unit on tasks with is_gold=true, submitted_at in window",
     "labeling.submissions, labeling.tasks", ""),
    ("views_received_per_creator", "mean",
     "count of app.events with event_type='video_view' on app.videos with creator_id=unit, event_at in window (any viewer)",
     "1", "app.events, app.videos", ""),
    ("reports_per_user", "mean",
     "count of trust_safety.reports with reporter_user_id=unit, reported_at in window",
     "1", "trust_safety.reports", ""),
]
WINDOW = ("from the unit's first exposure (min exposed_at in experimentation.exposures) to "
          "min(ended_at, end of data) exclusive; units = exposed units seen in exactly one variant, "
          "units without activity count as 0 (ratio metrics: units with denominator 0 drop out)")


class Exp:
    def __init__(self, W, spec):
        self.spec = spec
        self.n = spec["n"]
        D = W.D
        start = min(spec["start"], max(1, D // 3))
        self.start_us = W.start_us + start * DAY
        if spec.get("beyond"):
            self.end_us = W.end_us + spec["end"] * DAY
        else:
            self.end_us = W.end_us + spec["end"] * DAY
        self.data_end_us = min(self.end_us, W.end_us)
        self.k = len(spec["variants"])
        self.effects = spec["effects"]
        self.metric_effect = np.array([0.0] + list(spec["effects"][spec["metric"]]))
        self.arm = None          # variant index per unit of the population (-1 unassigned)
        self.assigned_at = None
        self.first = None        # first exposure time per unit (NEVER if none)
        self.cand_unit = self.cand_ts = None

    def assign(self, W, birth_us):
        """Every unit that exists before the end is assigned at max(start, birth)."""
        r = W.rng(f"assign_{self.n}")
        n = len(birth_us)
        elig = birth_us < self.end_us
        self.arm = np.full(n, -1, np.int64)
        self.arm[elig] = r.choice(self.k, size=int(elig.sum()), p=self.spec["shares"])
        self.assigned_at = np.where(elig, np.maximum(self.start_us, birth_us), TS_NULL)

    def set_candidates(self, unit, ts):
        """Candidate exposure moments (unit, time); the first per unit is the first exposure."""
        m = (ts >= self.start_us) & (ts < self.data_end_us) & (self.arm[unit] >= 0)
        m &= ts >= np.where(self.arm[unit] >= 0, self.assigned_at[unit], 0)
        unit, ts = unit[m], ts[m]
        o = np.lexsort((ts, unit))
        self.cand_unit, self.cand_ts = unit[o], ts[o]
        self.first = np.full(len(self.arm), NEVER, np.int64)
        f = first_per_group(self.cand_unit)
        self.first[self.cand_unit[f]] = self.cand_ts[f]

    def multiplier(self, unit, ts, metric=None):
        """1 + effect for behaviour of `unit` at time `ts` (after first exposure, before end)."""
        eff = self.metric_effect if metric is None else np.array([0.0] + list(self.effects[metric]))
        arm = self.arm[unit]
        on = (arm > 0) & (ts >= self.first[unit]) & (ts < self.end_us)
        out = np.ones(len(unit))
        out[on] = 1.0 + eff[arm[on]]
        return out


def build_experiments(W, exps, unit_prefix):
    """experiments, assignments and exposures tables + truth files."""
    r = W.rng("exposures")
    exp_rows, a_parts, x_parts, design_rows = [], [], [], []
    for e in exps:
        s = e.spec
        exp_rows.append(e)
        units = np.flatnonzero(e.arm >= 0)
        # compact dtypes (ids int32, small codes int16/int8): exposures scale with sessions
        # unit_type: which side of a two-sided experiment the unit is on (marketplace
        # experiments only; null means the experiment's randomization_unit)
        unit_type = getattr(e, "unit_type", None)
        a_parts.append((np.full(len(units), e.n, np.int16), units.astype(np.int32),
                        e.arm[units].astype(np.int16), e.assigned_at[units],
                        np.full(len(units), ["user", "labeler", "creator"].index(s["unit"]), np.int8),
                        np.full(len(units), -1, np.int8) if unit_type is None else unit_type[units]))
        # exposure rows: the first candidate per unit, later ones with some probability
        cu, ct = e.cand_unit, e.cand_ts
        first = first_per_group(cu)
        keep = first | (r.random(len(cu)) < REPEAT_EXPOSURE_P)
        cu, ct, first = cu[keep], ct[keep], first[keep]
        var = e.arm[cu].copy()
        loss = 0.0
        if s.get("srm"):
            # The client drops exposure logging for a share of treatment units. The share
            # is sized from the arm's exposed count so the chi-square is about 40 at any
            # preset (about 9% of the arm at the default size, more at the small one).
            n_arm = len(np.unique(cu[var == 1]))
            loss = float(np.clip(np.sqrt(80.0 / max(n_arm, 1)), 0.09, 0.45))
            lost_units = np.flatnonzero((e.arm == 1) & (r.random(len(e.arm)) < loss))
            drop = np.isin(cu, lost_units)
            cu, ct, var, first = cu[~drop], ct[~drop], var[~drop], first[~drop]
        bug = MULTI_VARIANT_BUG.get(e.n, 0.0)
        n_bug = 0
        if bug > 0:
            fu = np.unique(cu)
            bu = fu[r.random(len(fu)) < bug]
            n_bug = len(bu)
            fi = np.flatnonzero(first)
            # the bug fires strictly after the first exposure, so the first stays clean
            fmap = dict(zip(cu[fi].tolist(), ct[fi].tolist()))
            bt = np.array([fmap[u] for u in bu.tolist()], np.int64) + r.integers(MIN, 3 * DAY, n_bug)
            bt = np.minimum(bt, e.data_end_us - SEC)
            ok = bt > np.array([fmap[u] for u in bu.tolist()], np.int64)
            bu, bt = bu[ok], bt[ok]
            n_bug = len(bu)
            bv = (e.arm[bu] + 1 + r.integers(0, e.k - 1, n_bug)) % e.k
            cu = np.r_[cu, bu]; ct = np.r_[ct, bt]; var = np.r_[var, bv]
            first = np.r_[first, np.zeros(n_bug, bool)]
        x_parts.append((np.full(len(cu), e.n, np.int16), cu.astype(np.int32), var.astype(np.int16), ct, first))
        design_rows.append(dict(
            experiment_id=f"exp_{e.n:03d}", experiment_name=s["name"], domain=s["domain"],
            randomization_unit=s["unit"], variants=",".join(s["variants"]),
            traffic_shares=",".join(f"{x:g}" for x in s["shares"]), primary_metric=s["metric"],
            is_aa=bool(s.get("aa")), has_injected_srm=bool(s.get("srm")),
            srm_lost_variant=s["variants"][1] if s.get("srm") else "",
            srm_exposure_loss_share=round(loss, 4), has_cuped_covariate=bool(s.get("cuped")),
            is_ratio_metric=dict((m[0], m[1]) for m in METRICS)[s["metric"]] == "ratio",
            units_in_multiple_variants_injected=n_bug,
            started_at=pd.Timestamp(e.start_us, unit="us"), ended_at=pd.Timestamp(e.end_us, unit="us")))

    # experiments table (small; lands when each experiment starts)
    n = len(exps)
    ids = np.array([e.n for e in exps])
    start = np.array([e.start_us for e in exps]); end = np.array([e.end_us for e in exps])
    txt = lambda f: Col("str", np.array([f(e) for e in exps], dtype=object))
    t_exp = Table("experimentation", "experiments", {
        "experiment_id": id_col(ids, "exp", 3),
        "experiment_name": txt(lambda e: e.spec["name"]),
        "domain": txt(lambda e: e.spec["domain"]),
        "randomization_unit": txt(lambda e: e.spec["unit"]),
        "control_variant": txt(lambda e: e.spec["variants"][0]),
        "variants": txt(lambda e: ",".join(e.spec["variants"])),
        "traffic_shares": txt(lambda e: ",".join(f"{x:g}" for x in e.spec["shares"])),
        "started_at": ts_col(start), "ended_at": ts_col(end),
        "primary_metric": txt(lambda e: e.spec["metric"]),
        "hypothesis": txt(lambda e: e.spec["hypothesis"]),
        "_loaded_at": ts_col(start + r.integers(MIN, 30 * MIN, n)),
    })
    # enum-like text columns are written as plain text but checked as enums by staging
    for c in ("domain", "randomization_unit"):
        vals = ["engagement", "labeling", "monetization", "creators", "risk"] if c == "domain" \
            else ["user", "labeler", "creator"]
        t_exp.cols[c] = Col("enum", np.array([vals.index(v) for v in t_exp.cols[c].data], np.int16), vals)

    # assignments
    e_id = np.concatenate([p[0] for p in a_parts]); u = np.concatenate([p[1] for p in a_parts])
    v = np.concatenate([p[2] for p in a_parts]); at = np.concatenate([p[3] for p in a_parts])
    kind = np.concatenate([p[4] for p in a_parts])
    unit_type = np.concatenate([p[5] for p in a_parts])
    del a_parts
    o = np.lexsort((u, at))
    e_id = e_id[o]; u = u[o]; v = v[o]; at = at[o]; kind = kind[o]   # one at a time
    unit_type = unit_type[o]
    vnames = {e.n: e.spec["variants"] for e in exps}
    t_asg = Table("experimentation", "assignments", {
        "assignment_id": id_col(np.arange(1, len(u) + 1), "asg", 7),
        "experiment_id": id_col(e_id, "exp", 3),
        "unit_id": _unit_col(u, kind, unit_prefix),
        "variant": _variant_col(e_id, v, vnames),
        "assigned_at": ts_col(at),
        "unit_type": enum_col(unit_type, ["user", "creator"]),
        "_loaded_at": ts_col(W.loaded(r, at, 1, 20)),
    })
    t_asg.meta = dict(exp=e_id.astype(np.int16))
    # exposures
    e_id = np.concatenate([p[0] for p in x_parts]); u = np.concatenate([p[1] for p in x_parts])
    v = np.concatenate([p[2] for p in x_parts]); xt = np.concatenate([p[3] for p in x_parts])
    first = np.concatenate([p[4] for p in x_parts])
    del x_parts
    kind = np.array([["user", "labeler", "creator"].index(e.spec["unit"]) for e in exps], np.int8)[
        np.searchsorted(ids, e_id)]
    o = np.lexsort((u, xt))
    e_id = e_id[o]; u = u[o]; v = v[o]; xt = xt[o]; first = first[o]; kind = kind[o]
    t_exp_x = Table("experimentation", "exposures", {
        "exposure_id": id_col(np.arange(1, len(u) + 1), "xpo", 8),
        "experiment_id": id_col(e_id, "exp", 3),
        "unit_id": _unit_col(u, kind, unit_prefix),
        "variant": _variant_col(e_id, v, vnames),
        "exposed_at": ts_col(xt),
        "_loaded_at": ts_col(W.loaded(r, xt, 1, 30)),
    })
    t_exp_x.meta = dict(exp=e_id.astype(np.int16), first=first)

    # truth
    eff_rows, met_rows = [], []
    for e in exps:
        for m, effs in e.effects.items():
            for vi, ef in enumerate(effs, start=1):
                eff_rows.append(dict(experiment_id=f"exp_{e.n:03d}", metric_name=m,
                                     variant=e.spec["variants"][vi], true_relative_effect=ef))
    used = {m for e in exps for m in e.effects}
    for name, kind_, num, den, src, cov in METRICS:
        if name in used:
            met_rows.append(dict(metric_name=name, kind=kind_, numerator=num, denominator=den,
                                 source_tables=src, window=WINDOW, covariate=cov))
    W.truth["experiment_effects"] = pd.DataFrame(eff_rows)
    W.truth["experiment_metrics"] = pd.DataFrame(met_rows)
    W.truth["experiment_design"] = pd.DataFrame(design_rows)
    return t_exp, t_asg, t_exp_x


def _unit_col(u, kind, unit_prefix):
    """unit ids carry the prefix of their entity (u_ / lbr_ / u_ for creators)."""
    # users and creators share the user id space; labelers have their own prefix
    c = id_col(u, unit_prefix["user"][0], unit_prefix["user"][1])
    c.kind = "unit"
    c.meta = (np.asarray(kind, np.int8), unit_prefix)
    return c


def _variant_col(e_id, v, vnames):
    names = sorted({x for vs in vnames.values() for x in vs})
    codes = np.zeros(len(v), np.int16)
    for n, vs in vnames.items():
        m = e_id == n
        codes[m] = np.array([names.index(x) for x in vs], np.int16)[v[m]]
    return Col("enum", codes, names)
