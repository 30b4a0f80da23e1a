"""Trust & safety: policies, strategies, proactive and report-driven moderation,
appeals, stratified QA audits, view-weighted prevalence samples, account actions."""
import numpy as np
import pandas as pd

from . import common
from .common import DAY, HOUR, MIN, SEC, TS_NULL, first_per_group
from .tables import Col, Table, enum_col, id_col, num_col, ts_col

POLICIES = [("spam", 0), ("harassment", 1), ("nudity", 1), ("misinformation", 1),
            ("hate_speech", 2), ("violence", 2), ("dangerous_acts", 2), ("minor_safety", 3)]
POLICY_P = np.array([.30, .12, .15, .10, .08, .10, .10, .05])
SEVERITY = ["low", "medium", "high", "critical"]
DECISIONS = ["remove", "restrict", "no_action"]
NEVER = np.iinfo(np.int64).max


def assign_policies(W, V):
    r = W.rng("policy")
    V.policy = np.where(V.violating, r.choice(len(POLICIES), V.n, p=POLICY_P), -1)
    V.score = np.where(V.violating, r.beta(5, 2, V.n), r.beta(1, 9, V.n))


def strategies(W):
    """One model and one manual queue per policy, rules for three, a spam model v2
    replacing v1 mid-window."""
    rows = []
    for p, (name, _) in enumerate(POLICIES):
        rows.append((f"{name}_classifier_v1", 0, p, W.start_us - 200 * DAY, TS_NULL))
        rows.append((f"{name}_review_queue", 2, p, W.start_us - 300 * DAY, TS_NULL))
    for p in (0, 2, 7):
        rows.append((f"{POLICIES[p][0]}_keyword_rule", 1, p, W.start_us - 100 * DAY, TS_NULL))
    switch = W.start_us + (W.D // 2) * DAY + 10 * HOUR
    rows[0] = (rows[0][0], 0, 0, rows[0][3], switch)                 # spam v1 retired
    rows.append(("spam_classifier_v2", 0, 0, switch, TS_NULL))
    rows.append(("legacy_violence_rule", 1, 5, W.start_us - 400 * DAY, W.start_us - 30 * DAY))
    return rows, switch


def proactive(W, V):
    """Model-flagged videos: high scores removed automatically, middle scores to humans."""
    r = W.rng("proactive")
    strat, switch = strategies(W)
    W.ts_strategies = strat
    pred = np.where(V.violating, V.policy, r.choice(len(POLICIES), V.n, p=POLICY_P))
    auto = V.score >= 0.85
    human = (V.score >= 0.5) & ~auto
    dec_t = np.where(auto, V.pub + 30 * SEC + (r.exponential(20, V.n) * MIN).astype(np.int64),
                     V.pub + 5 * MIN + (r.exponential(10, V.n) * HOUR).astype(np.int64))
    pv = np.where(V.violating[:, None], [[.75, .15, .10]], [[.10, .05, .85]])
    u = r.random(V.n)
    human_dec = (u > pv[:, 0]).astype(int) + (u > pv[:, 0] + pv[:, 1])
    decision = np.where(auto, np.where(r.random(V.n) < 0.9, 0, 1), human_dec)
    sel = (auto | human) & (dec_t < W.end_us)
    idx = np.flatnonzero(sel)
    # strategy ids are 1-based row numbers of `strat`
    model_sid = np.array([2 * p + 1 for p in range(len(POLICIES))])
    queue_sid = model_sid + 1
    rule_of = {0: 17, 2: 18, 7: 19}
    sid = np.where(auto[idx], model_sid[pred[idx]], queue_sid[pred[idx]])
    spam_v2 = len(strat)  - 1   # 1-based id of spam_classifier_v2 (second to last row)
    sid = np.where(auto[idx] & (pred[idx] == 0) & (dec_t[idx] >= switch), spam_v2, sid)
    use_rule = auto[idx] & np.isin(pred[idx], list(rule_of)) & (r.random(len(idx)) < 0.25)
    rule_arr = np.zeros(len(POLICIES), np.int64)
    rule_arr[list(rule_of)] = list(rule_of.values())
    sid = np.where(use_rule, rule_arr[pred[idx]], sid)
    D = dict(video=idx, t=dec_t[idx], decision=decision[idx], policy=pred[idx],
             source=np.zeros(len(idx), int), strategy=sid, reviewer=np.where(auto[idx], 0, 1),
             score=np.where(auto[idx], np.round(V.score[idx], 4), np.nan))
    rm = D["decision"] == 0
    V.removed[D["video"][rm]] = D["t"][rm]
    V.proactive_decided = np.zeros(V.n, bool)
    V.proactive_decided[idx] = True
    W.ts_decisions = [D]
    V.pred_policy = pred


def reports_and_decisions(W, V, R):
    r = W.rng("reports")
    keep = R.keep
    ru, rv, rt = R.user[keep], R.video[keep], R.t[keep]
    o = np.argsort(rt, kind="stable")
    ru, rv, rt = ru[o], rv[o], rt[o]
    rpol = np.where(V.violating[rv] & (r.random(len(rv)) < 0.85), V.policy[rv],
                    r.choice(len(POLICIES), len(rv), p=POLICY_P))
    reports = Table("trust_safety", "reports", {
        "report_id": id_col(np.arange(1, len(rv) + 1), "rpt", 6),
        "reporter_user_id": id_col(ru, "u", 6),
        "video_id": id_col(rv, "v", 6),
        "reported_at": ts_col(rt),
        "policy_id": id_col(rpol + 1, "pol", 2),
        "_loaded_at": ts_col(W.loaded(r, rt, 1, 60)),
    })
    # first report per video triggers a human review unless the model already acted
    ov = np.lexsort((rt, rv))
    f = first_per_group(rv[ov])
    fv, ft, fp = rv[ov][f], rt[ov][f], rpol[ov][f]
    m = ~V.proactive_decided[fv]
    fv, ft, fp = fv[m], ft[m], fp[m]
    dt_ = ft + 10 * MIN + (r.exponential(6, len(fv)) * HOUR).astype(np.int64)
    pv = np.where(V.violating[fv][:, None], [[.80, .10, .10]], [[.05, .05, .90]])
    u = r.random(len(fv))
    dec = (u > pv[:, 0]).astype(int) + (u > pv[:, 0] + pv[:, 1])
    ok = dt_ < W.end_us
    pol = np.where(V.violating[fv], V.policy[fv], fp)
    W.ts_decisions.append(dict(video=fv[ok], t=dt_[ok], decision=dec[ok], policy=pol[ok],
                               source=np.ones(ok.sum(), int), strategy=np.full(ok.sum(), -1),
                               reviewer=np.ones(ok.sum(), int), score=np.full(ok.sum(), np.nan)))
    return reports


def decisions_tables(W, U, V, C):
    r = W.rng("decisions")
    D = {k: np.concatenate([d[k] for d in W.ts_decisions]) for k in W.ts_decisions[0]}
    o = np.argsort(D["t"], kind="stable")
    D = {k: v[o] for k, v in D.items()}
    n = len(D["t"])
    did = np.arange(1, n + 1)
    t_dec = Table("trust_safety", "moderation_decisions", {
        "decision_id": id_col(did, "dec", 6),
        "video_id": id_col(D["video"], "v", 6),
        "decided_at": ts_col(D["t"]),
        "decision": enum_col(D["decision"], DECISIONS),
        "policy_id": id_col(D["policy"] + 1, "pol", 2),
        "detection_source": enum_col(D["source"], ["proactive", "user_report"]),
        "strategy_id": id_col(D["strategy"], "strat", 2),
        "reviewer": enum_col(D["reviewer"], ["automated", "human"]),
        "model_score": num_col("f64", D["score"]),
        "_loaded_at": ts_col(W.loaded(r, D["t"], 1, 30)),
    })
    viol = V.violating[D["video"]]
    # appeals on remove / restrict; wrongly actioned creators appeal more and win
    act = np.flatnonzero(D["decision"] < 2)
    ap = act[r.random(len(act)) < np.where(viol[act], 0.10, 0.35)]
    at = D["t"][ap] + 10 * MIN + (r.exponential(1.0, len(ap)) * DAY).astype(np.int64)
    rs = at + HOUR + (r.exponential(1.5, len(ap)) * DAY).astype(np.int64)
    over = r.random(len(ap)) < np.where(viol[ap], 0.06, 0.70)
    keep = at < W.end_us
    ap, at, rs, over = ap[keep], at[keep], rs[keep], over[keep]
    pending = rs >= W.end_us
    outcome = np.where(pending, 2, np.where(over, 1, 0))
    rs = np.where(pending, TS_NULL, rs)
    o = np.argsort(at, kind="stable")
    ap, at, rs, outcome = ap[o], at[o], rs[o], outcome[o]
    t_app = Table("trust_safety", "appeals", {
        "appeal_id": id_col(np.arange(1, len(ap) + 1), "apl", 5),
        "decision_id": id_col(did[ap], "dec", 6),
        "appealed_at": ts_col(at),
        "resolved_at": ts_col(rs),
        "outcome": enum_col(outcome, ["upheld", "overturned", "pending"]),
        "_loaded_at": ts_col(W.loaded(r, np.maximum(at, rs), 1, 60)),
    })
    W.protect[("trust_safety", "moderation_decisions")] = np.isin(did, did[ap])

    # QA audits: stratified by what happened to the content; weight = 1 / inclusion prob
    decided_video = np.zeros(V.n, bool)
    decided_video[D["video"]] = True
    strata = [("auto_actioned", (D["reviewer"] == 0) & (D["decision"] < 2), 0.10),
              ("human_actioned", (D["reviewer"] == 1) & (D["decision"] < 2), 0.05),
              ("no_action", D["decision"] == 2, 0.20)]
    parts = []
    for name, m, p in strata:
        i = np.flatnonzero(m & (r.random(n) < p))
        parts.append((D["video"][i], did[i], D["t"][i], np.where(viol[i], V.policy[D["video"][i]], D["policy"][i]),
                      np.full(len(i), name, object), np.full(len(i), 1 / p)))
    for name, m, p in [("unactioned_mid_score", ~decided_video & (V.score >= 0.2), 0.05),
                       ("unactioned_low_score", ~decided_video & (V.score < 0.2), 0.005)]:
        i = np.flatnonzero(m & (r.random(V.n) < p))
        parts.append((i, np.full(len(i), -1), V.pub[i], V.policy[i],
                      np.full(len(i), name, object), np.full(len(i), 1 / p)))
    qv, qd, qt, qp, qs, qw = (np.concatenate(x) for x in zip(*parts))
    qt = np.maximum(qt, W.start_us) + 6 * HOUR + (r.random(len(qt)) * 42 * HOUR).astype(np.int64)
    keep = qt < W.end_us
    qv, qd, qt, qp, qs, qw = (x[keep] for x in (qv, qd, qt, qp, qs, qw))
    o = np.argsort(qt, kind="stable")
    qv, qd, qt, qp, qs, qw = (x[o] for x in (qv, qd, qt, qp, qs, qw))
    t_qa = Table("trust_safety", "qa_audits", {
        "audit_id": id_col(np.arange(1, len(qv) + 1), "qa", 5),
        "decision_id": id_col(qd, "dec", 6),
        "video_id": id_col(qv, "v", 6),
        "audited_at": ts_col(qt),
        "is_violating": num_col("bool", V.violating[qv]),
        "policy_id": id_col(np.where(qp >= 0, qp + 1, -1), "pol", 2),
        "sampling_stratum": Col("str", qs),
        "sampling_weight": num_col("f64", qw),
        "_loaded_at": ts_col(W.loaded(r, qt, 1, 120)),
    })

    # account actions: strikes on removals, coordinated-ring takedowns, spam
    rm = np.flatnonzero(D["decision"] == 0)
    cu = V.user[D["video"][rm]]
    o = np.lexsort((D["t"][rm], cu))
    cu_s, t_s = cu[o], D["t"][rm][o]
    counts = np.bincount(np.unique(cu_s, return_inverse=True)[1]) if len(cu_s) else np.array([], int)
    from .common import rank_within
    strike = rank_within(counts) + 1 if len(cu_s) else np.array([], int)
    a_user = [cu_s]; a_t = [t_s + r.integers(MIN, HOUR, len(t_s))]
    a_act = [np.minimum(strike - 1, 2)]; a_reason = [np.zeros(len(cu_s), int)]
    n_rings = int(U.ring.max() + 1) if (U.ring >= 0).any() else 0
    for g in range(n_rings):
        mem = np.flatnonzero(U.ring == g)
        hit = mem[r.random(len(mem)) < 0.7]
        day = int(r.integers(W.D // 2, W.D))
        t0 = W.day_us[day] + int(r.integers(8 * HOUR, 20 * HOUR))
        a_user.append(hit); a_t.append(t0 + r.integers(0, 30 * MIN, len(hit)))
        a_act.append(np.where(r.random(len(hit)) < 0.8, 2, 1)); a_reason.append(np.ones(len(hit), int))
    sp = np.flatnonzero((r.random(U.n) < 0.004) & (U.signup < W.end_us - DAY))
    b = np.maximum(U.signup[sp], W.start_us)
    a_user.append(sp); a_t.append(b + ((W.end_us - b) * r.random(len(sp))).astype(np.int64))
    a_act.append(np.where(r.random(len(sp)) < 0.8, 0, 1)); a_reason.append(np.full(len(sp), 2))
    au, at_, aa, ar = (np.concatenate(x) for x in (a_user, a_t, a_act, a_reason))
    keep = at_ < W.end_us
    au, at_, aa, ar = au[keep], at_[keep], aa[keep], ar[keep]
    o = np.argsort(at_, kind="stable")
    au, at_, aa, ar = au[o], at_[o], aa[o], ar[o]
    t_act = Table("trust_safety", "account_actions", {
        "action_id": id_col(np.arange(1, len(au) + 1), "act", 5),
        "user_id": id_col(au, "u", 6),
        "action": enum_col(aa, ["warn", "suspend", "ban"]),
        "acted_at": ts_col(at_),
        "reason": enum_col(ar, ["policy", "coordinated_inauthentic_behavior", "spam"]),
        "_loaded_at": ts_col(W.loaded(r, at_, 1, 60)),
    })
    return t_dec, t_app, t_qa, t_act


def reference_tables(W):
    r = W.rng("ts_ref")
    strat = W.ts_strategies
    np_ = len(POLICIES)
    t_pol = Table("trust_safety", "policies", {
        "policy_id": id_col(np.arange(1, np_ + 1), "pol", 2),
        "policy_name": Col("str", np.array([p[0] for p in POLICIES], object)),
        "severity": enum_col([p[1] for p in POLICIES], SEVERITY),
        "_loaded_at": ts_col(np.full(np_, W.backfill_us)),
    })
    launched = np.array([s[3] for s in strat]); retired = np.array([s[4] for s in strat])
    t_str = Table("trust_safety", "risk_strategies", {
        "strategy_id": id_col(np.arange(1, len(strat) + 1), "strat", 2),
        "strategy_name": Col("str", np.array([s[0] for s in strat], object)),
        "kind": enum_col([s[1] for s in strat], ["model", "rule", "manual_queue"]),
        "target_policy_id": id_col(np.array([s[2] for s in strat]) + 1, "pol", 2),
        "launched_at": ts_col(launched),
        "retired_at": ts_col(retired),
        "_loaded_at": ts_col(W.loaded(r, np.maximum(launched, retired), 1, 10)),
    })
    return t_pol, t_str


def prevalence(W, V, E, clean):
    """View-weighted sample of clean video_view events, stratified by model score."""
    r = W.rng("prevalence")
    # inclusion probability by the viewed video's score (a per-video lookup). Events are
    # scanned in slices (E can hold 100M events): only the uniforms are view-sized.
    p_video = np.select([V.score >= 0.5, V.score >= 0.2], [0.05, 0.01], 0.002)
    step = common.SLICE
    is_view = lambda a: (E.type[a:a + step] == 1) & clean[a:a + step]
    n_views = sum(int(np.count_nonzero(is_view(a))) for a in range(0, E.n, step))
    u = r.random(n_views)
    picked, violating = [], []
    tot = np.zeros(W.D, np.int64)
    j = 0
    for a in range(0, E.n, step):
        views = np.flatnonzero(is_view(a)) + a
        vid = E.video[views]
        picked.append(views[u[j:j + len(views)] < p_video[vid]])
        j += len(views)
        tot += np.bincount(E.day[views], minlength=W.D)     # truth: all clean views per day
        violating.append(views[V.violating[vid]])
    del u
    s = np.concatenate(picked) if picked else np.array([], np.int64)
    vio = np.concatenate(violating) if violating else np.array([], np.int64)
    ps = p_video[E.video[s]]
    st = E.t[s] + r.integers(5 * MIN, 120 * MIN, len(s))
    keep = st < W.end_us
    s, ps, st = s[keep], ps[keep], st[keep]
    o = np.argsort(st, kind="stable")
    s, ps, st = s[o], ps[o], st[o]
    vv = E.video[s]
    t = Table("trust_safety", "prevalence_samples", {
        "sample_id": id_col(np.arange(1, len(s) + 1), "smp", 6),
        "event_id": id_col(s + 1, "evt", 9),
        "sampled_at": ts_col(st),
        "is_violating": num_col("bool", V.violating[vv]),
        "policy_id": id_col(np.where(V.violating[vv], V.policy[vv] + 1, -1), "pol", 2),
        "sampling_weight": num_col("f64", 1.0 / ps),
        "_loaded_at": ts_col(W.loaded(r, st, 1, 60)),
    })
    # truth: violating share of ALL clean views, per view day, total and per policy
    day, pol = E.day[vio], V.policy[E.video[vio]]
    vday = np.bincount(day, minlength=W.D)
    rows = []
    for d in range(W.D):
        date = pd.Timestamp(W.day_us[d], unit="us").date()
        rows.append((date, "all", int(vday[d]), int(tot[d])))
    for p in range(len(POLICIES)):
        c = np.bincount(day[pol == p], minlength=W.D)
        for d in range(W.D):
            rows.append((pd.Timestamp(W.day_us[d], unit="us").date(), f"pol_{p + 1:02d}", int(c[d]), int(tot[d])))
    df = pd.DataFrame(rows, columns=["view_date", "policy_id", "violating_views", "total_views"])
    df["true_violating_view_rate"] = df.violating_views / df.total_views.where(df.total_views > 0)
    W.truth["violating_view_rate"] = df
    return t

