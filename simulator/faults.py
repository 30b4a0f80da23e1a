"""Fault injection that trips exactly the staging rules of docs/cleaning_rules.md.

Every faulty row carries exactly one fault. Quarantining faults only hit rows that
no orphan-checked child references, so no fault makes another row faulty.
Duplicates are exact copies of clean, on-time rows landing later; late rows land
1-3 days after their event and are valid.
"""
import numpy as np
import pandas as pd

from . import common
from .common import DAY, HOUR, MIN, TS_NULL

T, F = True, False
ALL = ["duplicate", "null_id", "malformed_id", "unknown_enum", "negative_amount",
       "timestamp_before_2015", "future_timestamp", "orphan_fk", "late_arrival"]
QUARANTINE = ALL[1:8]

# (system, table): pk, fks (column, required, parent table or None), enums, amounts,
# timestamps (rule-checked), late (event time column for late rows), faults injected
SPEC = {
    ("app", "users"): dict(pk="user_id", fk=[], enum=["country", "platform", "age_band", "acquisition_channel"],
                           amt=[], ts=["signup_at"], late=None,
                           faults=["duplicate", "null_id", "malformed_id", "unknown_enum",
                                   "timestamp_before_2015", "future_timestamp"]),
    ("app", "videos"): dict(pk="video_id", fk=[("creator_id", T, ("app", "users"))], enum=[],
                            amt=["duration_s"], ts=["published_at"], late=None,
                            faults=["duplicate", "null_id", "malformed_id", "negative_amount",
                                    "future_timestamp", "orphan_fk"]),
    ("app", "events"): dict(pk="event_id", fk=[("user_id", T, ("app", "users")), ("video_id", F, ("app", "videos")),
                                               ("target_user_id", F, None)],
                            enum=["event_type", "surface", "country", "platform"], amt=["watch_ms"],
                            ts=["event_at"], late="event_at", faults=ALL),
    ("ads", "advertisers"): dict(pk="advertiser_id", fk=[], enum=["country"], amt=[], ts=[], late=None,
                                 faults=["duplicate", "unknown_enum"]),
    ("ads", "campaigns"): dict(pk="campaign_id", fk=[("advertiser_id", T, ("ads", "advertisers"))],
                               enum=["objective", "bid_type"], amt=["bid_micros", "daily_budget_micros"],
                               ts=[], late=None, faults=["duplicate", "unknown_enum", "negative_amount", "null_id"]),
    ("ads", "ad_requests"): dict(pk="request_id", fk=[("user_id", T, None)], enum=["placement"], amt=[],
                                 ts=["requested_at"], late="requested_at",
                                 faults=["duplicate", "null_id", "malformed_id", "unknown_enum",
                                         "timestamp_before_2015", "future_timestamp", "late_arrival"]),
    ("ads", "impressions"): dict(pk="impression_id", fk=[("request_id", T, ("ads", "ad_requests")), ("user_id", T, None),
                                                         ("campaign_id", T, ("ads", "campaigns")), ("ad_id", T, None)],
                                 enum=["placement"], amt=["revenue_micros"], ts=["shown_at"], late="shown_at",
                                 faults=["duplicate", "null_id", "malformed_id", "unknown_enum", "negative_amount",
                                         "future_timestamp", "orphan_fk", "late_arrival"]),
    ("ads", "clicks"): dict(pk="click_id", fk=[("impression_id", T, ("ads", "impressions"))], enum=[],
                            amt=["revenue_micros"], ts=["clicked_at"], late="clicked_at",
                            faults=["duplicate", "malformed_id", "negative_amount", "timestamp_before_2015",
                                    "future_timestamp", "orphan_fk", "late_arrival"]),
    ("ads", "conversions"): dict(pk="conversion_id", fk=[("impression_id", T, ("ads", "impressions")), ("click_id", F, None)],
                                 enum=["conversion_type"], amt=["value_micros", "revenue_micros"],
                                 ts=["converted_at"], late="converted_at",
                                 faults=["duplicate", "unknown_enum", "negative_amount", "orphan_fk", "late_arrival"]),
    ("creators", "creators"): dict(pk="creator_id", fk=[], enum=["creator_type", "tier", "country"], amt=[],
                                   ts=["registered_at", "verified_at"], late=None,
                                   faults=["duplicate", "unknown_enum", "timestamp_before_2015"]),
    ("creators", "rewards_enrollments"): dict(pk="enrollment_id", fk=[("creator_id", T, ("creators", "creators"))],
                                              enum=["program"], amt=[], ts=["enrolled_at", "left_at"], late=None,
                                              faults=["duplicate", "orphan_fk"]),
    ("creators", "rewards_payouts"): dict(pk="payout_id", fk=[("creator_id", T, ("creators", "creators"))], enum=[],
                                          amt=["qualified_views", "amount_usd"], ts=["paid_at"], late=None,
                                          faults=["duplicate", "negative_amount"]),
    ("creators", "program_rollouts"): dict(pk=None, fk=[], enum=["country", "program"], amt=[], ts=[], late=None,
                                           faults=[]),
    ("trust_safety", "policies"): dict(pk="policy_id", fk=[], enum=["severity"], amt=[], ts=[], late=None, faults=[]),
    ("trust_safety", "risk_strategies"): dict(pk="strategy_id", fk=[("target_policy_id", T, None)], enum=["kind"],
                                              amt=[], ts=["launched_at", "retired_at"], late=None, faults=[]),
    ("trust_safety", "reports"): dict(pk="report_id", fk=[("reporter_user_id", T, None), ("video_id", T, None),
                                                          ("policy_id", T, None)], enum=[], amt=[],
                                      ts=["reported_at"], late="reported_at",
                                      faults=["duplicate", "null_id", "malformed_id", "timestamp_before_2015",
                                              "future_timestamp", "late_arrival"]),
    ("trust_safety", "moderation_decisions"): dict(pk="decision_id", fk=[("video_id", T, ("app", "videos")), ("policy_id", T, None),
                                                                         ("strategy_id", F, None)],
                                                   enum=["decision", "detection_source", "reviewer"], amt=[],
                                                   ts=["decided_at"], late=None,
                                                   faults=["duplicate", "unknown_enum", "orphan_fk"]),
    ("trust_safety", "appeals"): dict(pk="appeal_id", fk=[("decision_id", T, ("trust_safety", "moderation_decisions"))],
                                      enum=["outcome"], amt=[], ts=["appealed_at", "resolved_at"], late=None,
                                      faults=["duplicate", "unknown_enum"]),
    ("trust_safety", "qa_audits"): dict(pk="audit_id", fk=[("video_id", T, None), ("decision_id", F, None), ("policy_id", F, None)],
                                        enum=[], amt=["sampling_weight"], ts=["audited_at"], late=None,
                                        faults=["duplicate", "negative_amount"]),
    ("trust_safety", "prevalence_samples"): dict(pk="sample_id", fk=[("event_id", T, None), ("policy_id", F, None)], enum=[],
                                                 amt=["sampling_weight"], ts=["sampled_at"], late=None,
                                                 faults=["duplicate", "negative_amount"]),
    ("trust_safety", "account_actions"): dict(pk="action_id", fk=[("user_id", T, None)], enum=["action", "reason"], amt=[],
                                              ts=["acted_at"], late=None,
                                              faults=["duplicate", "null_id", "unknown_enum"]),
    ("labeling", "labelers"): dict(pk="labeler_id", fk=[], enum=["country", "tier"], amt=[], ts=["joined_at"], late=None,
                                   faults=["duplicate", "unknown_enum", "malformed_id"]),
    ("labeling", "projects"): dict(pk="project_id", fk=[], enum=["task_type"], amt=["pay_per_task_usd"],
                                   ts=["started_at"], late=None, faults=["unknown_enum", "negative_amount"]),
    ("labeling", "tasks"): dict(pk="task_id", fk=[("project_id", T, ("labeling", "projects"))], enum=["difficulty"], amt=[],
                                ts=["created_at"], late=None,
                                faults=["duplicate", "null_id", "malformed_id", "unknown_enum", "timestamp_before_2015"]),
    ("labeling", "submissions"): dict(pk="submission_id", fk=[("task_id", T, ("labeling", "tasks")),
                                                              ("labeler_id", T, ("labeling", "labelers"))],
                                      enum=[], amt=[], ts=["started_at", "submitted_at"], late="submitted_at",
                                      faults=["duplicate", "null_id", "malformed_id", "timestamp_before_2015",
                                              "future_timestamp", "orphan_fk", "late_arrival"]),
    ("labeling", "reviews"): dict(pk="review_id", fk=[("submission_id", T, ("labeling", "submissions")), ("reviewer_id", F, None)],
                                  enum=[], amt=[], ts=["reviewed_at"], late="reviewed_at",
                                  faults=["duplicate", "malformed_id", "timestamp_before_2015", "future_timestamp",
                                          "late_arrival"]),
    ("labeling", "gamification_events"): dict(pk="event_id", fk=[("labeler_id", T, ("labeling", "labelers")),
                                                                 ("badge_id", F, None), ("quest_id", F, None)],
                                              enum=["event_type"], amt=["xp"], ts=["event_at"], late="event_at",
                                              faults=["duplicate", "unknown_enum", "negative_amount", "future_timestamp",
                                                      "orphan_fk", "late_arrival"]),
    ("labeling", "payments"): dict(pk="payment_id", fk=[("labeler_id", T, ("labeling", "labelers"))], enum=["kind"],
                                   amt=["amount_usd"], ts=["paid_at"], late=None,
                                   faults=["duplicate", "negative_amount", "unknown_enum", "orphan_fk"]),
    ("experimentation", "experiments"): dict(pk="experiment_id", fk=[], enum=["domain", "randomization_unit"], amt=[],
                                             ts=["started_at"], late=None, faults=[]),
    ("experimentation", "assignments"): dict(pk="assignment_id", fk=[("experiment_id", T, ("experimentation", "experiments")),
                                                                     ("unit_id", T, None)], enum=[], amt=[],
                                             ts=["assigned_at"], late=None, faults=["duplicate", "null_id"]),
    ("experimentation", "exposures"): dict(pk="exposure_id", fk=[("experiment_id", T, ("experimentation", "experiments")),
                                                                 ("unit_id", T, None)], enum=[], amt=[],
                                           ts=["exposed_at"], late="exposed_at",
                                           faults=["duplicate", "null_id", "malformed_id", "orphan_fk",
                                                   "future_timestamp", "late_arrival"]),
}

# rates for large tables (share of rows); small tables get a handful of rows
RATE = dict(duplicate=0.001, late_arrival=0.002)
Q_RATE = 0.0003
BAD_ENUM = ["unknown", "n/a", "other_value", "tbd"]
BAD_COUNTRY = ["usa", "Brazil", "XXX", "u5"]
BAD_ID = ["{p}-{n}", "{p}_{n}x", "{n}", "{p}#{n}"]
BEFORE_2015 = [0, 1_262_304_000_000_000, 1_388_534_400_000_000, 1_419_984_000_000_000]  # 1970, 2010, 2014-01-01, 2014-12-31


def _nonnull(col, rows=None):
    """Which of `rows` (all when None) hold a value."""
    c = col
    if c.kind in ("id", "unit", "enum"):
        return c.values(rows) >= 0
    if c.kind == "ts":
        return c.values(rows) != TS_NULL
    if c.kind == "f64":
        return ~np.isnan(c.values(rows)) if c.null is None else ~(c.null if rows is None else c.null[rows])
    if c.null is None:
        return np.ones(len(c.data) if rows is None else len(rows), bool)
    return ~(c.null if rows is None else c.null[rows])


def _id_text(col, pos):
    """The string the id column would hold at `pos`."""
    if col.kind == "unit":
        kinds, pref = col.meta
        prefix, width = [pref["user"], pref["labeler"], pref["user"]][kinds[pos]]
    else:
        prefix, width = col.meta
    return prefix, str(int(col.values(pos))).zfill(width)


def nth_true(mask, ranks, step=None):
    """np.flatnonzero(mask)[ranks] (same order) without the row-sized index array."""
    step = step or common.SLICE
    ranks = np.asarray(ranks, np.int64)
    o = np.argsort(ranks, kind="stable")
    sr = ranks[o]
    out = np.empty(len(ranks), np.int64)
    seen = j = 0
    for a in range(0, len(mask), step):
        if j == len(sr):
            break
        c = mask[a:a + step]
        cnt = int(np.count_nonzero(c))
        hi = int(np.searchsorted(sr, seen + cnt))     # ranks below seen + cnt fall in this slice
        if hi > j:
            out[o[j:hi]] = np.flatnonzero(c)[sr[j:hi] - seen] + a
            j = hi
        seen += cnt
    return out


def counts_for(tbl, spec, scale):
    n = len(tbl)
    out = {}
    for f in spec["faults"]:
        if n >= 5000:
            rate = RATE.get(f, Q_RATE)
            k = max(2, int(round(rate * n * scale)))
        elif n >= 200:
            k = max(1, int(round(0.004 * n * scale))) if f in ("duplicate", "late_arrival") else \
                max(1, int(round(0.0015 * n * scale)))
        else:
            k = 1 if scale > 0 else 0
        out[f] = k if scale > 0 else 0
    if n >= 1000 and scale > 0:
        out.setdefault("duplicate", max(2, int(round(RATE["duplicate"] * n * scale))))
    return out


def choose(W, tbl, spec, protect=None):
    """Pick disjoint row sets per fault type (and the column each fault hits)."""
    r = W.rng(f"faults_{tbl.system}_{tbl.name}")
    n = len(tbl)
    want = counts_for(tbl, spec, W.cfg.fault_scale)
    used = np.zeros(n, bool)
    prot = np.zeros(n, bool) if protect is None else protect.copy()
    plan = {}
    late_col = spec["late"]

    def pick(mask, k):
        # r.choice(n, ...) draws what r.choice(flatnonzero(free), ...) draws (then takes
        # from the array), so the row-sized index array is never built
        free = mask & ~used
        cnt = int(np.count_nonzero(free))
        if cnt == 0 or k <= 0:
            return np.array([], np.int64)
        s = np.sort(nth_true(free, r.choice(cnt, min(k, cnt), replace=False)))
        used[s] = True
        return s

    order = [f for f in ALL if f in want and f not in ("duplicate",)] + (["duplicate"] if "duplicate" in want else [])
    for f in order:
        k = want[f]
        if f == "late_arrival":
            if late_col is None:
                continue
            plan[f] = (None, pick(tbl.cols[late_col].data != TS_NULL, k))
            continue
        if f == "duplicate":
            free = ~used
            cnt = int(np.count_nonzero(free))
            plan[f] = (None, nth_true(free, r.choice(cnt, min(k, cnt), replace=True))
                       if cnt else np.array([], np.int64))
            continue
        ok = ~prot
        if f == "null_id":
            cols = [spec["pk"]] + [c for c, req, _ in spec["fk"] if req]
        elif f == "malformed_id":
            cols = [spec["pk"]] + [c for c, _, _ in spec["fk"]]
        elif f == "unknown_enum":
            cols = list(spec["enum"])
        elif f == "negative_amount":
            cols = list(spec["amt"])
        elif f in ("timestamp_before_2015", "future_timestamp"):
            cols = list(spec["ts"])
        elif f == "orphan_fk":
            cols = [c for c, _, parent in spec["fk"] if parent is not None]
        cols = [c for c in cols if c is not None]
        if not cols:
            continue
        # primary key gets most id faults; other columns share the rest
        weights = np.array([3.0 if c == spec["pk"] else 1.0 for c in cols])
        which = r.choice(len(cols), k, p=weights / weights.sum())
        rows_all, cols_all = [], []
        for j, c in enumerate(cols):
            kk = int((which == j).sum())
            if kk == 0:
                continue
            col = tbl.cols[c]
            m = ok.copy()
            if f in ("malformed_id", "unknown_enum", "negative_amount", "timestamp_before_2015",
                     "future_timestamp", "orphan_fk"):
                m &= _nonnull(col)                   # fault must hit a present value
            rows = pick(m, kk)
            rows_all.append(rows); cols_all += [c] * len(rows)
        if rows_all:
            plan[f] = (np.array(cols_all, object), np.concatenate(rows_all))
    return plan


def apply(W, tbl, spec, plan):
    r = W.rng(f"faults_apply_{tbl.system}_{tbl.name}")
    loaded = tbl.cols["_loaded_at"].data
    counts = {}
    for f, (cols, rows) in plan.items():
        if f in ("duplicate",):
            continue
        counts[f] = len(rows)
        for i, pos in enumerate(rows.tolist()):
            c = cols[i] if cols is not None else None
            col = tbl.cols[c] if c is not None else None
            if col is not None and f not in ("malformed_id", "unknown_enum"):
                col.materialize()   # about to write into the column
            if f == "late_arrival":
                ts = tbl.cols[spec["late"]].data[pos]
                loaded[pos] = ts + int(r.uniform(1.05, 2.95) * DAY)
            elif f == "null_id":
                if r.random() < 0.6:
                    col.data[pos] = -1
                else:
                    tbl.override(c, pos, ["", "  ", "   "][int(r.integers(0, 3))])
            elif f == "malformed_id":
                p, num = _id_text(col, pos)
                tpl = BAD_ID[int(r.integers(0, len(BAD_ID)))]
                tbl.override(c, pos, tpl.format(p=p, n=num))
            elif f == "unknown_enum":
                bad = BAD_COUNTRY if c == "country" else BAD_ENUM
                tbl.override(c, pos, bad[int(r.integers(0, len(bad)))])
            elif f == "negative_amount":
                if c == "sampling_weight":
                    col.data[pos] = [0.0, -1.0, -col.data[pos]][int(r.integers(0, 3))]
                elif col.kind == "f64":
                    col.data[pos] = -abs(col.data[pos]) - 0.01
                else:
                    col.data[pos] = -abs(int(col.data[pos])) - 1
            elif f == "timestamp_before_2015":
                col.data[pos] = BEFORE_2015[int(r.integers(0, len(BEFORE_2015)))] + int(r.integers(0, DAY))
            elif f == "future_timestamp":
                col.data[pos] = loaded[pos] + int(r.integers(HOUR, 30 * DAY))
            elif f == "orphan_fk":
                col.data[pos] = 900_000_000 + int(r.integers(0, 99_999_999))
    if "duplicate" in plan:
        src = plan["duplicate"][1]
        if len(src):
            new_loaded = loaded[src] + r.integers(10 * MIN, 6 * HOUR, len(src))
            tbl.append_copies(src, new_loaded)
            counts["duplicate"] = len(src)
    return counts


def quarantined_mask(tbl, plan):
    m = np.zeros(len(tbl), bool)
    for f, (_, rows) in plan.items():
        if f in QUARANTINE:
            m[rows] = True
    return m


def protect_from_children(W):
    """Parent rows referenced by an orphan-checked FK must never be quarantined."""
    prot = {}
    for key, spec in SPEC.items():
        if key not in W.tables:
            continue
        child = W.tables[key]
        for c, _, parent in spec["fk"]:
            if parent is None or parent not in W.tables:
                continue
            ptab = W.tables[parent]
            pk = ptab.cols[SPEC[parent]["pk"]].values()
            ref = child.cols[c].values()
            m = np.isin(pk, ref[ref >= 0])
            prot[parent] = prot.get(parent, np.zeros(len(ptab), bool)) | m
    return prot


def faults_frame(records):
    return pd.DataFrame(records, columns=["system", "table", "fault_type", "rows_injected"])
