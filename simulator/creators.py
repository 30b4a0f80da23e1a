"""Creator rewards: enrollments after each country's launch and weekly payouts on
qualified views (For You views >= 5 s, one per viewer per video per day, no self
views), with a few deliberate small discrepancies recorded in the truth."""
import numpy as np
import pandas as pd

from .common import DAY, HOUR, MIN, TS_NULL
from .tables import Table, enum_col, id_col, num_col, ts_col, Col

RATE_PER_VIEW = 0.0006


def gen_rewards(W, U, C, V, E, clean):
    r = W.rng("rewards")
    ci, et, lt = C.enrollment   # who enrols and when: enrollment_selection (before the videos)
    t_enr = Table("creators", "rewards_enrollments", {
        "enrollment_id": id_col(np.arange(1, len(ci) + 1), "enr", 5),
        "creator_id": id_col(C.user[ci], "u", 6),
        "program": enum_col(np.zeros(len(ci)), ["creator_rewards"]),
        "enrolled_at": ts_col(et),
        "left_at": ts_col(lt),
        "_loaded_at": ts_col(W.loaded(r, np.maximum(et, lt), 1, 60)),
    })
    # weekly periods starting on Mondays
    first_monday = int((7 - W.dow[0]) % 7)
    n_weeks = max(0, (W.D - first_monday) // 7)
    # qualified views from clean events: one per viewer x video x day. Events are in
    # time order, so each day is one block of E (E can hold 100M events).
    nw = max(n_weeks, 1)
    q = np.zeros(C.n * nw, np.int64)
    bounds = np.searchsorted(E.day, np.arange(W.D + 1))
    for d in range(first_monday, min(W.D, first_monday + 7 * n_weeks)):
        a, b = bounds[d], bounds[d + 1]
        m = E.type[a:b] == 1
        m &= clean[a:b]
        m &= E.surface[a:b] == 0
        m &= E.watch[a:b] >= 5000
        vv, vu = E.video[a:b][m], E.user[a:b][m]
        owner = V.user[vv]
        ok = (vu != owner) & (C.of_user[owner] >= 0)
        pair = np.unique(vu[ok].astype(np.int64) * V.n + vv[ok])
        kc = C.of_user[V.user[pair % V.n]]
        q += np.bincount(kc * nw + (d - first_monday) // 7, minlength=C.n * nw)
    rows = []
    enr_of = np.full(C.n, np.iinfo(np.int64).max); enr_of[ci] = et
    left_of = np.full(C.n, np.iinfo(np.int64).max); left_of[ci] = np.where(lt == TS_NULL, left_of[ci], lt)
    for w in range(n_weeks):
        ps = W.start_us + (first_monday + 7 * w) * DAY
        pe = ps + 7 * DAY
        paid = pe + 2 * DAY + 10 * HOUR
        if paid >= W.end_us:
            break
        c = np.flatnonzero((enr_of <= ps) & (left_of >= pe))
        qv = q[c * n_weeks + w]
        c, qv = c[qv > 0], qv[qv > 0]
        rows.append((c, np.full(len(c), ps), qv, paid + r.integers(0, HOUR, len(c))))
    if rows:
        pc_, ps_, qv_, pt_ = (np.concatenate(x) for x in zip(*rows))
    else:
        pc_ = ps_ = qv_ = pt_ = np.array([], np.int64)
    paid_qv = qv_.copy()
    disc = np.flatnonzero(r.random(len(qv_)) < 0.04)
    paid_qv[disc] = np.maximum(paid_qv[disc] + r.choice([-3, -2, -1, 1, 2, 3], len(disc)), 0)
    o = np.argsort(pt_, kind="stable")
    pc_, ps_, qv_, pt_, paid_qv = pc_[o], ps_[o], qv_[o], pt_[o], paid_qv[o]
    pid = np.arange(1, len(pc_) + 1)
    t_pay = Table("creators", "rewards_payouts", {
        "payout_id": id_col(pid, "pyt", 6),
        "creator_id": id_col(C.user[pc_], "u", 6),
        "period_start": Col("date", ps_ // DAY),
        "period_end": Col("date", ps_ // DAY + 6),
        "qualified_views": num_col("i64", paid_qv),
        "amount_usd": num_col("f64", np.round(paid_qv * RATE_PER_VIEW, 2)),
        "paid_at": ts_col(pt_),
        "_loaded_at": ts_col(W.loaded(r, pt_, 1, 60)),
    })
    d = paid_qv != qv_
    W.truth["payout_discrepancies"] = pd.DataFrame({
        "payout_id": [f"pyt_{i:06d}" for i in pid[d]],
        "creator_id": [f"u_{u:06d}" for u in C.user[pc_[d]]],
        "period_start": pd.to_datetime(ps_[d], unit="us").date,
        "qualified_views_paid": paid_qv[d], "qualified_views_from_events": qv_[d]})
    return t_enr, t_pay
