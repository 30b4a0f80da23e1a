"""Checks of the raw-data simulator against the raw contract, the cleaning rules
and its own ground truth.

The small preset is generated once per module into a temp folder, or read from
SIM_DATA_DIR when that points at an existing simulator output.
"""
import datetime as dt
import filecmp
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from simulator.config import make_config
from simulator.run import append, run

S, TS, D, I64, I32, F64, B = (pa.string(), pa.timestamp("us"), pa.date32(), pa.int64(), pa.int32(),
                              pa.float64(), pa.bool_())

# Transcribed from contracts/raw_sources.md (every table and column) with the
# Parquet types the simulator promises.
CONTRACT = {
    "app.users": dict(user_id=S, signup_at=TS, country=S, platform=S, age_band=S, acquisition_channel=S),
    "app.videos": dict(video_id=S, creator_id=S, published_at=TS, duration_s=I32, category=S, language=S),
    "app.events": dict(event_id=S, user_id=S, event_type=S, event_at=TS, session_hint=S, video_id=S,
                       target_user_id=S, watch_ms=I64, surface=S, country=S, platform=S, app_version=S,
                       device_id=S, ip_address=S),
    "ads.advertisers": dict(advertiser_id=S, name=S, industry=S, country=S),
    "ads.campaigns": dict(campaign_id=S, advertiser_id=S, objective=S, bid_type=S, bid_micros=I64,
                          daily_budget_micros=I64, start_date=D, end_date=D),
    "ads.ad_requests": dict(request_id=S, user_id=S, requested_at=TS, placement=S, is_filled=B),
    "ads.impressions": dict(impression_id=S, request_id=S, user_id=S, campaign_id=S, ad_id=S, shown_at=TS,
                            placement=S, revenue_micros=I64),
    "ads.clicks": dict(click_id=S, impression_id=S, clicked_at=TS, revenue_micros=I64),
    "ads.conversions": dict(conversion_id=S, click_id=S, impression_id=S, converted_at=TS, conversion_type=S,
                            value_micros=I64, revenue_micros=I64),
    "creators.creators": dict(creator_id=S, creator_type=S, tier=S, primary_category=S, country=S,
                              verified_at=TS, registered_at=TS),
    "creators.rewards_enrollments": dict(enrollment_id=S, creator_id=S, program=S, enrolled_at=TS, left_at=TS),
    "creators.rewards_payouts": dict(payout_id=S, creator_id=S, period_start=D, period_end=D,
                                     qualified_views=I64, amount_usd=F64, paid_at=TS),
    "creators.program_rollouts": dict(country=S, program=S, launched_on=D),
    "trust_safety.policies": dict(policy_id=S, policy_name=S, severity=S),
    "trust_safety.risk_strategies": dict(strategy_id=S, strategy_name=S, kind=S, target_policy_id=S,
                                         launched_at=TS, retired_at=TS),
    "trust_safety.reports": dict(report_id=S, reporter_user_id=S, video_id=S, reported_at=TS, policy_id=S),
    "trust_safety.moderation_decisions": dict(decision_id=S, video_id=S, decided_at=TS, decision=S, policy_id=S,
                                              detection_source=S, strategy_id=S, reviewer=S, model_score=F64),
    "trust_safety.appeals": dict(appeal_id=S, decision_id=S, appealed_at=TS, resolved_at=TS, outcome=S),
    "trust_safety.qa_audits": dict(audit_id=S, decision_id=S, video_id=S, audited_at=TS, is_violating=B,
                                   policy_id=S, sampling_stratum=S, sampling_weight=F64),
    "trust_safety.prevalence_samples": dict(sample_id=S, event_id=S, sampled_at=TS, is_violating=B,
                                            policy_id=S, sampling_weight=F64),
    "trust_safety.account_actions": dict(action_id=S, user_id=S, action=S, acted_at=TS, reason=S),
    "labeling.labelers": dict(labeler_id=S, joined_at=TS, country=S, tier=S, referral_source=S),
    "labeling.projects": dict(project_id=S, project_name=S, task_type=S, pay_per_task_usd=F64, started_at=TS),
    "labeling.tasks": dict(task_id=S, project_id=S, created_at=TS, is_gold=B, gold_answer=S, difficulty=S),
    "labeling.submissions": dict(submission_id=S, task_id=S, labeler_id=S, started_at=TS, submitted_at=TS,
                                 answer=S, is_skipped=B),
    "labeling.reviews": dict(review_id=S, submission_id=S, reviewed_at=TS, is_accepted=B, reviewer_id=S),
    "labeling.gamification_events": dict(event_id=S, labeler_id=S, event_at=TS, event_type=S, xp=I32,
                                         badge_id=S, quest_id=S, level=I32),
    "labeling.payments": dict(payment_id=S, labeler_id=S, paid_at=TS, amount_usd=F64, kind=S),
    "experimentation.experiments": dict(experiment_id=S, experiment_name=S, domain=S, randomization_unit=S,
                                        control_variant=S, variants=S, traffic_shares=S, started_at=TS,
                                        ended_at=TS, primary_metric=S, hypothesis=S),
    "experimentation.assignments": dict(assignment_id=S, experiment_id=S, unit_id=S, variant=S, assigned_at=TS,
                                        unit_type=S),
    "experimentation.exposures": dict(exposure_id=S, experiment_id=S, unit_id=S, variant=S, exposed_at=TS),
}

# Transcribed from docs/cleaning_rules.md: pk, fks (column, required, parent),
# enums, amounts (sampling_weight must be > 0), checked timestamps.
E = lambda s: set(s.split())
ENUMS = dict(platform=E("ios android web"), age_band=E("13-17 18-24 25-34 35-44 45+"),
             acquisition_channel=E("organic paid referral preinstall"),
             event_type=E("app_open video_view like share comment follow unfollow search"),
             surface=E("for_you following search profile"), objective=E("awareness traffic conversions"),
             bid_type=E("cpm cpc cpa"), placement=E("feed topview search"),
             conversion_type=E("install purchase lead"), creator_type=E("pgc ugc"),
             tier_creator=E("nano micro mid macro mega"), program=E("creator_rewards"),
             severity=E("low medium high critical"), kind_strategy=E("model rule manual_queue"),
             decision=E("remove restrict no_action"), detection_source=E("proactive user_report"),
             reviewer=E("automated human"), outcome=E("upheld overturned pending"),
             action=E("warn suspend ban"), reason=E("policy coordinated_inauthentic_behavior spam"),
             tier_labeler=E("bronze silver gold"), task_type=E("classification bounding_box transcription"),
             difficulty=E("easy medium hard"),
             event_type_game=E("xp_awarded level_up badge_earned streak_extended streak_broken quest_started "
                               "quest_completed leaderboard_viewed"),
             kind_payment=E("task_pay bonus quest_reward"),
             domain=E("engagement labeling monetization creators risk"),
             randomization_unit=E("user labeler creator"))


def R(pk, fk=(), enum=(), amt=(), ts=(), late=None):
    return dict(pk=pk, fk=list(fk), enum=list(enum), amt=list(amt), ts=list(ts), late=late)


RULES = {
    "app.users": R("user_id", enum=[("country", "country"), ("platform", "platform"), ("age_band", "age_band"),
                                    ("acquisition_channel", "acquisition_channel")], ts=["signup_at"]),
    "app.videos": R("video_id", fk=[("creator_id", 1, "app.users")], amt=["duration_s"], ts=["published_at"]),
    "app.events": R("event_id", fk=[("user_id", 1, "app.users"), ("video_id", 0, "app.videos"),
                                    ("target_user_id", 0, None)],
                    enum=[("event_type", "event_type"), ("surface", "surface"), ("country", "country"),
                          ("platform", "platform")], amt=["watch_ms"], ts=["event_at"], late="event_at"),
    "ads.advertisers": R("advertiser_id", enum=[("country", "country")]),
    "ads.campaigns": R("campaign_id", fk=[("advertiser_id", 1, "ads.advertisers")],
                       enum=[("objective", "objective"), ("bid_type", "bid_type")],
                       amt=["bid_micros", "daily_budget_micros"]),
    "ads.ad_requests": R("request_id", fk=[("user_id", 1, None)], enum=[("placement", "placement")],
                         ts=["requested_at"], late="requested_at"),
    "ads.impressions": R("impression_id", fk=[("request_id", 1, "ads.ad_requests"), ("user_id", 1, None),
                                              ("campaign_id", 1, "ads.campaigns"), ("ad_id", 1, None)],
                         enum=[("placement", "placement")], amt=["revenue_micros"], ts=["shown_at"],
                         late="shown_at"),
    "ads.clicks": R("click_id", fk=[("impression_id", 1, "ads.impressions")], amt=["revenue_micros"],
                    ts=["clicked_at"], late="clicked_at"),
    "ads.conversions": R("conversion_id", fk=[("impression_id", 1, "ads.impressions"), ("click_id", 0, None)],
                         enum=[("conversion_type", "conversion_type")], amt=["value_micros", "revenue_micros"],
                         ts=["converted_at"], late="converted_at"),
    "creators.creators": R("creator_id", enum=[("creator_type", "creator_type"), ("tier", "tier_creator"),
                                               ("country", "country")], ts=["registered_at", "verified_at"]),
    "creators.rewards_enrollments": R("enrollment_id", fk=[("creator_id", 1, "creators.creators")],
                                      enum=[("program", "program")], ts=["enrolled_at", "left_at"]),
    "creators.rewards_payouts": R("payout_id", fk=[("creator_id", 1, "creators.creators")],
                                  amt=["qualified_views", "amount_usd"], ts=["paid_at"]),
    "creators.program_rollouts": R(None, enum=[("country", "country"), ("program", "program")]),
    "trust_safety.policies": R("policy_id", enum=[("severity", "severity")]),
    "trust_safety.risk_strategies": R("strategy_id", fk=[("target_policy_id", 1, None)],
                                      enum=[("kind", "kind_strategy")], ts=["launched_at", "retired_at"]),
    "trust_safety.reports": R("report_id", fk=[("reporter_user_id", 1, None), ("video_id", 1, None),
                                               ("policy_id", 1, None)], ts=["reported_at"], late="reported_at"),
    "trust_safety.moderation_decisions": R("decision_id", fk=[("video_id", 1, "app.videos"), ("policy_id", 1, None),
                                                              ("strategy_id", 0, None)],
                                           enum=[("decision", "decision"), ("detection_source", "detection_source"),
                                                 ("reviewer", "reviewer")], ts=["decided_at"]),
    "trust_safety.appeals": R("appeal_id", fk=[("decision_id", 1, "trust_safety.moderation_decisions")],
                              enum=[("outcome", "outcome")], ts=["appealed_at", "resolved_at"]),
    "trust_safety.qa_audits": R("audit_id", fk=[("video_id", 1, None), ("decision_id", 0, None), ("policy_id", 0, None)],
                                amt=["sampling_weight"], ts=["audited_at"]),
    "trust_safety.prevalence_samples": R("sample_id", fk=[("event_id", 1, None), ("policy_id", 0, None)],
                                         amt=["sampling_weight"], ts=["sampled_at"]),
    "trust_safety.account_actions": R("action_id", fk=[("user_id", 1, None)],
                                      enum=[("action", "action"), ("reason", "reason")], ts=["acted_at"]),
    "labeling.labelers": R("labeler_id", enum=[("country", "country"), ("tier", "tier_labeler")], ts=["joined_at"]),
    "labeling.projects": R("project_id", enum=[("task_type", "task_type")], amt=["pay_per_task_usd"],
                           ts=["started_at"]),
    "labeling.tasks": R("task_id", fk=[("project_id", 1, "labeling.projects")],
                        enum=[("difficulty", "difficulty")], ts=["created_at"]),
    "labeling.submissions": R("submission_id", fk=[("task_id", 1, "labeling.tasks"),
                                                   ("labeler_id", 1, "labeling.labelers")],
                              ts=["started_at", "submitted_at"], late="submitted_at"),
    "labeling.reviews": R("review_id", fk=[("submission_id", 1, "labeling.submissions"), ("reviewer_id", 0, None)],
                          ts=["reviewed_at"], late="reviewed_at"),
    "labeling.gamification_events": R("event_id", fk=[("labeler_id", 1, "labeling.labelers"), ("badge_id", 0, None),
                                                      ("quest_id", 0, None)],
                                      enum=[("event_type", "event_type_game")], amt=["xp"], ts=["event_at"],
                                      late="event_at"),
    "labeling.payments": R("payment_id", fk=[("labeler_id", 1, "labeling.labelers")],
                           enum=[("kind", "kind_payment")], amt=["amount_usd"], ts=["paid_at"]),
    "experimentation.experiments": R("experiment_id", enum=[("domain", "domain"),
                                                            ("randomization_unit", "randomization_unit")],
                                     ts=["started_at"]),
    "experimentation.assignments": R("assignment_id", fk=[("experiment_id", 1, "experimentation.experiments"),
                                                          ("unit_id", 1, None)], ts=["assigned_at"]),
    "experimentation.exposures": R("exposure_id", fk=[("experiment_id", 1, "experimentation.experiments"),
                                                      ("unit_id", 1, None)], ts=["exposed_at"], late="exposed_at"),
}
ID_RE = re.compile(r"^[a-z]+_[0-9]+$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
T2015 = pd.Timestamp("2015-01-01")
SMALL = dict(users=400, days=30, labelers=60, advertisers=15)


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    env = os.environ.get("SIM_DATA_DIR")
    if env and os.path.isdir(os.path.join(env, "raw")) and os.path.isdir(os.path.join(env, "truth")):
        return env
    out = str(tmp_path_factory.mktemp("sim"))
    run(make_config(out, "small", seed=42), quiet=True)
    return out


_cache = {}


def load(root, table):
    key = (root, table)
    if key not in _cache:
        system, name = table.split(".")
        _cache[key] = pq.read_table(os.path.join(root, "raw", system, name))
    return _cache[key]


def df(root, table):
    return load(root, table).to_pandas()


def truth(root, name):
    return pd.read_csv(os.path.join(root, "truth", f"{name}.csv"))


# ------------------------------------------------------------------ rule engine
def _bad_id(s):
    return s.notna() & (s.str.strip() != "") & ~s.fillna("").str.match(ID_RE.pattern)


def _null(s):
    return s.isna() | (s.fillna("").str.strip() == "")


def classify(root):
    """Apply docs/cleaning_rules.md with pandas: per table a Series of reason
    categories (None = passes) and the set of staged primary keys."""
    out = {}

    def one(table):
        if table in out:
            return out[table]
        rule = RULES[table]
        d = df(root, table)
        reason = pd.Series([None] * len(d), index=d.index, dtype=object)

        def mark(mask, cat):
            m = mask & reason.isna()
            reason[m] = cat

        pk = rule["pk"]
        if pk:
            mark(_null(d[pk]), "null_id")
            mark(_bad_id(d[pk]), "malformed_id")
        for c, req, _ in rule["fk"]:
            if req:
                mark(_null(d[c]), "null_id")
        for c, _, _ in rule["fk"]:
            mark(_bad_id(d[c]), "malformed_id")
        for c, en in rule["enum"]:
            v = d[c]
            bad = ~v.fillna("").str.match(COUNTRY_RE.pattern) if en == "country" else ~v.isin(ENUMS[en])
            if c == "surface":
                bad &= v.notna()
            mark(bad, "unknown_enum")
        for c in rule["amt"]:
            mark(d[c] <= 0 if c == "sampling_weight" else d[c] < 0, "negative_amount")
        for c in rule["ts"]:
            mark(d[c].notna() & (d[c] < T2015), "timestamp_before_2015")
        for c in rule["ts"]:
            mark(d[c].notna() & (d[c] > d["_loaded_at"]), "future_timestamp")
        for c, _, parent in rule["fk"]:
            if parent:
                mark(d[c].notna() & ~d[c].isin(one(parent)[1]), "orphan_fk")
        ok = reason.isna()
        staged = set(d.loc[ok, pk]) if pk else set()
        out[table] = (reason, staged, d)
        return out[table]

    for t in RULES:
        one(t)
    return out


@pytest.fixture(scope="module")
def classified(sim):
    return classify(sim)


# ------------------------------------------------------------------ tests
def test_every_contract_table_and_column_with_types(sim):
    for table, cols in CONTRACT.items():
        schema = load(sim, table).schema
        for c, typ in list(cols.items()) + [("_loaded_at", TS)]:
            assert c in schema.names, f"{table}.{c} missing"
            assert schema.field(c).type == typ, f"{table}.{c}: {schema.field(c).type} != {typ}"
        assert load(sim, table).num_rows > 0, table
    folders = {f"{s}.{t}" for s in os.listdir(os.path.join(sim, "raw"))
               for t in os.listdir(os.path.join(sim, "raw", s))}
    assert folders == set(CONTRACT), "raw/ must hold exactly the contract's table folders"
    for root, _, files in os.walk(os.path.join(sim, "raw")):
        for f in files:
            assert f.endswith(".parquet") and not f.startswith(("_", ".")), f


def test_files_are_split_by_landing_day(sim):
    folder = os.path.join(sim, "raw", "app", "events")
    for f in sorted(os.listdir(folder))[:5]:
        t = pq.read_table(os.path.join(folder, f)).column("_loaded_at").to_pandas()
        assert (t.dt.date.astype(str) == f[len("landed_"):-len(".parquet")]).all(), f


def test_faults_csv_matches_an_independent_application_of_the_rules(sim, classified):
    faults = truth(sim, "faults")
    assert set(faults.fault_type) <= {"duplicate", "null_id", "malformed_id", "unknown_enum", "negative_amount",
                                      "timestamp_before_2015", "future_timestamp", "orphan_fk", "late_arrival"}
    per_type_tables = faults.groupby("fault_type")["table"].nunique()
    assert (per_type_tables >= 3).all() and len(per_type_tables) == 9, per_type_tables
    expected = {(r.system + "." + r.table, r.fault_type): r.rows_injected for r in faults.itertuples()}
    got = {}
    for table, (reason, _, d) in classified.items():
        for cat, n in reason.value_counts().items():
            got[(table, cat)] = int(n)
        rule = RULES[table]
        ok = reason.isna()
        if rule["pk"]:
            good = d[ok]
            dup = len(good) - good[rule["pk"]].nunique()
            if dup:
                got[(table, "duplicate")] = dup
            if len(d) >= 1000:
                assert dup > 0, f"{table} has >= 1000 rows but no duplicates"
            if rule["late"]:
                first = good.sort_values("_loaded_at").drop_duplicates(rule["pk"])
                lag = first["_loaded_at"] - first[rule["late"]]
                late = int(((lag >= pd.Timedelta(days=1)) & (lag <= pd.Timedelta(days=3))).sum())
                assert (lag <= pd.Timedelta(days=3)).all(), table
                if late:
                    got[(table, "late_arrival")] = late
    assert got == expected


def test_faults_are_rare_in_large_tables(sim, classified):
    for table, (reason, _, d) in classified.items():
        share = reason.notna().mean()
        if len(d) >= 20000:
            assert share < 0.006, (table, share)
        if table in ("app.events", "ads.ad_requests", "ads.impressions", "labeling.submissions"):
            assert share > 0.001, (table, share)


def _exposed_units(sim):
    x = df(sim, "experimentation.exposures")
    x = x[x.unit_id.fillna("").str.match(ID_RE.pattern) & x.experiment_id.fillna("").str.match(ID_RE.pattern)]
    nv = x.groupby(["experiment_id", "unit_id"]).variant.nunique()
    single = nv[nv == 1].reset_index()[["experiment_id", "unit_id"]]
    x = x.merge(single, on=["experiment_id", "unit_id"])
    return x.groupby(["experiment_id", "unit_id"]).agg(variant=("variant", "first"),
                                                       first_at=("exposed_at", "min")).reset_index()


def test_sample_ratio_mismatch_only_where_injected(sim):
    units = _exposed_units(sim)
    exps = df(sim, "experimentation.experiments")
    design = truth(sim, "experiment_design").set_index("experiment_id")
    assert design.has_injected_srm.sum() == 1
    for e in exps.itertuples():
        variants = e.variants.split(",")
        shares = np.array([float(s) for s in e.traffic_shares.split(",")])
        assert abs(shares.sum() - 1) < 1e-9 and variants[0] == e.control_variant
        counts = units[units.experiment_id == e.experiment_id].variant.value_counts()
        obs = np.array([counts.get(v, 0) for v in variants], float)
        p = stats.chisquare(obs, shares / shares.sum() * obs.sum()).pvalue
        if design.loc[e.experiment_id, "has_injected_srm"]:
            assert p < 0.001, (e.experiment_id, obs, p)
        else:
            assert p > 0.001, (e.experiment_id, obs, p)


def test_multi_variant_units_are_rare_but_present(sim):
    x = df(sim, "experimentation.exposures")
    nv = x.dropna(subset=["unit_id"]).groupby(["experiment_id", "unit_id"]).variant.nunique()
    share = (nv > 1).groupby(level=0).mean()
    assert share.max() < 0.02 and (share > 0).sum() >= 2, share


def test_cuped_covariate_correlates_with_the_metric(sim):
    design = truth(sim, "experiment_design")
    exp_id = design.loc[design.has_cuped_covariate, "experiment_id"].item()
    e = df(sim, "experimentation.experiments").set_index("experiment_id").loc[exp_id]
    units = _exposed_units(sim)
    units = units[units.experiment_id == exp_id]
    ev = load(sim, "app.events").select(["user_id", "event_type", "event_at"]).to_pandas()
    ev = ev[ev.event_type == "video_view"]
    pre = ev[(ev.event_at >= e.started_at - pd.Timedelta(days=14)) & (ev.event_at < e.started_at)]
    x = pre.groupby("user_id").size()
    post = ev.merge(units[["unit_id", "first_at"]], left_on="user_id", right_on="unit_id")
    post = post[(post.event_at >= post.first_at) & (post.event_at < min(e.ended_at, ev.event_at.max()))]
    y = post.groupby("user_id").size()
    u = units.unit_id
    xv, yv = x.reindex(u).fillna(0).values, y.reindex(u).fillna(0).values
    assert len(u) > 300
    assert np.corrcoef(xv, yv)[0, 1] >= 0.5


def test_experiment_truth_covers_every_experiment_and_metric(sim):
    eff = truth(sim, "experiment_effects")
    met = truth(sim, "experiment_metrics")
    exps = df(sim, "experimentation.experiments")
    assert set(eff.experiment_id) == set(exps.experiment_id) and len(exps) >= 8
    assert set(exps.domain) == {"engagement", "labeling", "monetization", "creators", "risk"}
    assert set(exps.randomization_unit) == {"user", "labeler", "creator"}
    assert (exps.variants.str.count(",") == 2).any() and (exps.variants.str.count(",") == 1).any()
    for e in exps.itertuples():
        rows = eff[eff.experiment_id == e.experiment_id]
        assert set(rows.variant) == set(e.variants.split(",")[1:])
        assert e.primary_metric in set(rows.metric_name)
    aa = eff.groupby("experiment_id").true_relative_effect.apply(lambda s: (s == 0).all())
    assert aa.sum() >= 1
    assert set(eff.metric_name) <= set(met.metric_name)
    assert set(met.kind) <= {"mean", "proportion", "ratio"} and "ratio" in set(met.kind)
    assert met.covariate.notna().any()


def test_anomaly_truth_is_well_formed_and_visible(sim, classified):
    an = truth(sim, "anomalies")
    start = df(sim, "experimentation.experiments").started_at.min().normalize()
    summary = json.load(open(os.path.join(sim, "truth", "run_summary.json")))
    start = pd.Timestamp(summary["flags"]["start_date"])
    days = summary["flags"]["days"]
    assert 5 <= len(an) <= 8
    assert set(an.kind) <= {"spike", "drop"} and set(an.dimension_name) <= {"country", "platform"}
    dates = pd.to_datetime(an.anomaly_date)
    assert (dates >= start + pd.Timedelta(days=28)).all() and (dates < start + pd.Timedelta(days=days)).all()
    required = {"dau", "wau", "mau", "new_users", "d1_retention", "watch_seconds_per_dau", "active_labelers",
                "gold_accuracy", "acceptance_rate", "ad_impressions", "ad_revenue_usd", "ctr", "fill_rate",
                "arpdau", "videos_published", "creators_posting", "videos_removed", "proactive_removal_rate",
                "removal_within_24h_rate", "violating_view_rate", "appeal_overturn_rate"}
    assert set(an.metric_name) <= required
    # dau anomalies stand out against the same weekday's median / MAD in their slice
    reason, _, ev = classified["app.events"]
    ev = ev[reason.isna()].drop_duplicates("event_id")
    ev["d"] = ev.event_at.dt.normalize()
    for a in an[an.metric_name == "dau"].itertuples():
        dau = ev[ev[a.dimension_name] == a.dimension_value].groupby("d").user_id.nunique()
        day = pd.Timestamp(a.anomaly_date)
        same = dau[(dau.index.dayofweek == day.dayofweek) & (dau.index != day)]
        mad = max((same - same.median()).abs().median(), 1.0)
        z = (dau[day] - same.median()) / (1.4826 * mad)
        assert (z < -3) if a.kind == "drop" else (z > 3), (a, dau[day], same.tolist())


def test_rollout_truth_and_staggered_launches(sim):
    ro = truth(sim, "rollout_effects")
    assert len(ro) >= 1 and {"program", "metric_name", "true_effect"} <= set(ro.columns)
    assert (ro.program == "creator_rewards").all() and (ro.true_effect > 0).all()
    rollouts = df(sim, "creators.program_rollouts")
    summary = json.load(open(os.path.join(sim, "truth", "run_summary.json")))
    start = dt.date.fromisoformat(summary["flags"]["start_date"])
    end = start + dt.timedelta(days=summary["flags"]["days"])
    inside = rollouts[(rollouts.launched_on > start) & (rollouts.launched_on < end)]
    assert inside.launched_on.nunique() >= 3
    users = df(sim, "app.users")
    untreated = set(users.country.dropna()) - set(inside.country)
    assert len(untreated) >= 2


def test_prevalence_truth_counts_all_clean_views(sim, classified):
    vvr = truth(sim, "violating_view_rate")
    tot = vvr[vvr.policy_id == "all"]
    reason, _, ev = classified["app.events"]
    views = ev[reason.isna() & (ev.event_type == "video_view")].drop_duplicates("event_id")
    per_day = views.groupby(views.event_at.dt.date.astype(str)).size()
    assert dict(zip(tot.view_date.astype(str), tot.total_views)) == per_day.to_dict()
    by_pol = vvr[vvr.policy_id != "all"].groupby("view_date").violating_views.sum()
    assert (by_pol.values == tot.set_index("view_date").violating_views.loc[by_pol.index].values).all()
    ps = df(sim, "trust_safety.prevalence_samples")
    w = ps.sampling_weight[ps.sampling_weight > 0]
    assert w.nunique() >= 2
    est = (ps.sampling_weight * ps.is_violating)[ps.sampling_weight > 0].sum() / w.sum()
    true = tot.violating_views.sum() / tot.total_views.sum()
    assert abs(est - true) < 0.5 * true + 0.002


def test_networks_share_devices(sim):
    net = truth(sim, "networks")
    assert net.groupby("network_id").size().between(5, 40).all()
    ev = load(sim, "app.events").select(["user_id", "device_id"]).to_pandas()
    ring_users = set(net.user_id)
    dev_users = ev.drop_duplicates().groupby("device_id").user_id.nunique()
    shared = dev_users[dev_users > 1].index
    sharing = set(ev[ev.device_id.isin(shared)].user_id)
    assert len(sharing & ring_users) >= 0.8 * len(ring_users)


def _run_small(path, seed):
    run(make_config(str(path), "small", seed=seed, **SMALL), quiet=True)
    return path


def test_determinism_same_seed_same_data_other_seed_differs(tmp_path):
    a = _run_small(tmp_path / "a", 42)
    b = _run_small(tmp_path / "b", 42)
    c = _run_small(tmp_path / "c", 7)
    for table in CONTRACT:
        ta, tb = load(str(a), table), load(str(b), table)
        assert ta.equals(tb), table
    for name in ("faults", "anomalies", "experiment_effects", "networks", "violating_view_rate"):
        assert truth(str(a), name).equals(truth(str(b), name)), name
    assert not load(str(a), "app.events").equals(load(str(c), "app.events"))


def test_slice_size_does_not_change_the_data(tmp_path, monkeypatch):
    """Event-sized work runs in slices to bound memory at 100M events; the small preset
    fits in one slice, so a run with slices of 997 rows must write the same bytes."""
    from simulator import common
    a = _run_small(tmp_path / "a", 42)
    monkeypatch.setattr(common, "SLICE", 997)
    b = _run_small(tmp_path / "b", 42)
    _same_raw(str(a), str(b))
    names = sorted(os.listdir(os.path.join(a, "truth")))
    assert names == sorted(os.listdir(os.path.join(b, "truth")))
    for f in names:
        if f != "run_summary.json":   # holds timings
            assert filecmp.cmp(os.path.join(a, "truth", f), os.path.join(b, "truth", f), shallow=False), f


# ------------------------------------------------------------------ daily landing cycle (issue 8)
START = dt.date(2026, 8, 3)            # the preset's start date (Config default)
CUT = START + dt.timedelta(days=14)    # mid-window: late rows land every day from here on
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _files(root):
    """{relative path: (size, mtime_ns)} of every file under root/raw."""
    out = {}
    for d, _, fs in os.walk(os.path.join(root, "raw")):
        for f in fs:
            p = os.path.join(d, f)
            st = os.stat(p)
            out[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns)
    return out


def _file_date(rel):
    stem = os.path.basename(rel)[len("landed_"):-len(".parquet")]
    return None if stem == "empty" else dt.date.fromisoformat(stem)


def _same_raw(a, b):
    fa, fb = _files(a), _files(b)
    assert set(fa) == set(fb), sorted(set(fa) ^ set(fb))[:10]
    differ = [f for f in fa if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False)]
    assert not differ, differ[:10]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "simulator", *args], cwd=REPO, capture_output=True, text=True)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """A full run, and the same world landed through CUT then appended one day."""
    base = tmp_path_factory.mktemp("cycle")
    full, daily = str(base / "full"), str(base / "daily")
    run(make_config(full, "small", seed=42, **SMALL), quiet=True)
    run(make_config(daily, "small", seed=42, **SMALL), quiet=True, landed_through=CUT)
    at_cut = _files(daily)
    cut_summary = json.load(open(os.path.join(daily, "truth", "run_summary.json")))
    time_ns = max(m for _, m in at_cut.values())
    res = _cli("--out", daily, "--append-day")
    assert res.returncode == 0, res.stderr
    return dict(full=full, daily=daily, at_cut=at_cut, cut_summary=cut_summary, base=base, time_ns=time_ns)


def test_landed_through_writes_only_days_up_to_the_cut(cycle):
    at_cut, full = cycle["at_cut"], _files(cycle["full"])
    dated = {f: _file_date(f) for f in at_cut}
    assert all(d is None or d <= CUT for d in dated.values())
    # exactly the full run's files up to the cut, plus placeholders where nothing landed yet
    assert {f for f, d in dated.items() if d} == {f for f in full if _file_date(f) and _file_date(f) <= CUT}
    empties = {os.path.dirname(f) for f, d in dated.items() if d is None}
    assert empties, "the cut should leave some table (payouts) with nothing landed"
    for f in empties:
        assert not any(_file_date(g) and _file_date(g) <= CUT for g in full if os.path.dirname(g) == f), f
    assert cycle["cut_summary"]["landed_through"] == CUT.isoformat()
    # truth/ still describes the whole world
    assert cycle["cut_summary"]["rows_per_table"] == json.load(
        open(os.path.join(cycle["full"], "truth", "run_summary.json")))["rows_per_table"]


def test_cut_folder_reads_with_the_full_schema(cycle):
    # read the state right after the cut: a second cut run (the fixture's folder has moved on)
    root = str(cycle["base"] / "cut_again")
    run(make_config(root, "small", seed=42, **SMALL), quiet=True, landed_through=CUT)
    for table, cols in CONTRACT.items():
        system, name = table.split(".")
        t = pq.read_table(os.path.join(root, "raw", system, name))
        for c, typ in list(cols.items()) + [("_loaded_at", TS)]:
            assert t.schema.field(c).type == typ, (table, c)
        if len(t):
            assert t.column("_loaded_at").to_pandas().max() < pd.Timestamp(CUT + dt.timedelta(days=1)), table
    assert pq.read_table(os.path.join(root, "raw", "creators", "rewards_payouts")).num_rows == 0


def test_append_day_adds_exactly_the_next_landing_date(cycle):
    daily, at_cut = cycle["daily"], cycle["at_cut"]
    now = _files(daily)
    nxt = CUT + dt.timedelta(days=1)
    new = set(now) - set(at_cut)
    assert new and {_file_date(f) for f in new} == {nxt}
    full_next = {f for f in _files(cycle["full"]) if _file_date(f) == nxt}
    assert new == full_next
    # every file that existed (placeholders included: payouts land later) is untouched
    for f, (size, mtime) in at_cut.items():
        assert now.get(f) == (size, mtime), f
    for f in new:
        assert filecmp.cmp(os.path.join(daily, f), os.path.join(cycle["full"], f), shallow=False), f
    summary = json.load(open(os.path.join(daily, "truth", "run_summary.json")))
    assert summary["landed_through"] == nxt.isoformat()


def test_appended_day_carries_late_rows(cycle):
    nxt = CUT + dt.timedelta(days=1)
    late = lag_max = 0
    for table, rule in RULES.items():
        if not rule["late"]:
            continue
        system, name = table.split(".")
        f = os.path.join(cycle["daily"], "raw", system, name, f"landed_{nxt}.parquet")
        if not os.path.exists(f):
            continue
        d = pq.read_table(f).to_pandas()
        ok = d[rule["late"]] >= T2015            # pre-2015 rows are a quarantine fault, not latency
        lag = (d._loaded_at - d[rule["late"]])[ok]
        assert (d._loaded_at.dt.date == nxt).all()
        late += int((lag > pd.Timedelta(days=1)).sum())
        lag_max = max(lag_max, lag.max() / pd.Timedelta(days=1))
    assert late >= 2, "the appended day should bring rows whose event happened on an earlier day"
    assert lag_max < 3


def test_event_time_lag_is_under_four_days(sim):
    """Late rows land 1.05-2.95 days after their event; duplicates are copies of on-time
    rows landing 10 min-6 h after the original (so within ~7.5 h of the event)."""
    for table, rule in RULES.items():
        if not rule["late"]:
            continue
        d = df(sim, table)[[rule["pk"], rule["late"], "_loaded_at"]].sort_values("_loaded_at", kind="stable")
        ok = d[rule["late"]] >= T2015
        lag = (d._loaded_at - d[rule["late"]])[ok]
        assert lag.max() < pd.Timedelta(days=4), table
        dup = d.duplicated([rule["pk"], rule["late"]], keep="first")[ok] & d[rule["pk"]].notna()[ok]
        assert dup.any(), table
        assert lag[dup].max() < pd.Timedelta(hours=7.5), table
        assert (lag > pd.Timedelta(days=1)).any(), table


def test_appending_matches_a_later_cut_and_ends_at_the_full_run(cycle):
    daily = cycle["daily"]
    append(daily, days=2, quiet=True)
    later = str(cycle["base"] / "later")
    run(make_config(later, "small", seed=42, **SMALL), quiet=True, landed_through=CUT + dt.timedelta(days=3))
    _same_raw(daily, later)
    append(daily, days=10_000, quiet=True)      # stops at the world's last landing day
    _same_raw(daily, cycle["full"])
    rows = sum(pq.read_table(os.path.join(daily, "raw", *t.split("."))).num_rows for t in CONTRACT)
    assert rows == json.load(open(os.path.join(cycle["full"], "truth", "run_summary.json")))["total_rows"]
    summary = json.load(open(os.path.join(daily, "truth", "run_summary.json")))
    last = max(_file_date(f) for f in _files(cycle["full"]) if _file_date(f))
    assert summary["landed_through"] == summary["last_landing_date"] == last.isoformat()
    assert last > START + dt.timedelta(days=SMALL["days"])   # late rows land after the window
    # nothing left: a clear error, non-zero exit, no file touched
    before = _files(daily)
    res = _cli("--out", daily, "--append-day")
    assert res.returncode != 0 and "no more landing days" in res.stderr, res.stderr
    assert _files(daily) == before


def test_append_day_refuses_a_folder_the_simulator_did_not_write(tmp_path):
    (tmp_path / "raw").mkdir()
    res = _cli("--out", str(tmp_path), "--append-day")
    assert res.returncode != 0 and "not a simulator output folder" in res.stderr, res.stderr
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "run_summary.json").write_text('{"rows": 1}')
    res = _cli("--out", str(tmp_path), "--append-day")
    assert res.returncode != 0 and "not a simulator output folder" in res.stderr, res.stderr
    assert os.listdir(tmp_path / "raw") == []
    res = _cli("--out", str(tmp_path), "--append-day", "--seed", "7")
    assert res.returncode != 0 and "cannot be combined" in res.stderr
