"""Gamified labeling platform: labelers with persistent skill, tasks labeled by
several labelers (agreement is measurable), gold tasks, reviews, gamification
events and payments."""
from types import SimpleNamespace

import numpy as np

from .common import DAY, HOUR, MIN, SEC, TS_NULL, first_per_group, group_cumsum_exclusive, time_of_day
from .tables import Col, Table, enum_col, id_col, num_col, ts_col

L_COUNTRIES = ["PH", "IN", "KE", "NG", "VE", "US", "BR", "ID", "PK", "EG"]
L_COUNTRY_P = np.array([.18, .2, .1, .1, .08, .08, .08, .08, .05, .05])
TASK_TYPES = ["classification", "bounding_box", "transcription"]
ANSWERS = (["safe", "spam", "adult", "violence", "other"] + [f"box_{c}" for c in "abcde"]
           + [f"text_{c}" for c in "abcde"])
GAME_TYPES = ["xp_awarded", "level_up", "badge_earned", "streak_extended", "streak_broken",
              "quest_started", "quest_completed", "leaderboard_viewed"]


def gen_labelers(W):
    r = W.rng("labelers")
    n = int(W.cfg.labelers)
    pre = r.random(n) < 0.7
    joined = np.where(pre, W.start_us - (r.uniform(1, 365, n) * DAY).astype(np.int64),
                      W.start_us + (r.uniform(0, W.D, n) * DAY).astype(np.int64))
    joined.sort()
    L = SimpleNamespace(n=n, joined=joined)
    L.country = r.choice(len(L_COUNTRIES), n, p=L_COUNTRY_P)
    L.skill = r.beta(8, 2, n)
    L.tier = np.select([L.skill > 0.9, L.skill > 0.78], [2, 1], 0)
    L.ref = r.choice(4, n, p=[.4, .3, .2, .1])
    L.act = np.where(r.random(n) < 0.08, 0.0, r.beta(2, 2, n))        # some never label
    L.speed = np.exp(r.normal(np.log(12), 0.5, n))
    return L


def gen_labeling(W, L, X):
    r = W.rng("labeling")
    D = W.D
    jday = W.day_of(L.joined)
    d = np.arange(D)[None, :]
    ten = d - jday[:, None]
    P = L.act[:, None] * W.season[None, :] * (0.55 + 0.6 * np.exp(-np.maximum(ten, 0) / 10))
    A = (r.random((L.n, D)) < np.minimum(P, 0.95)) & (ten > 0)
    di, li = np.nonzero(A.T)                      # day-major labeler-days
    st = W.day_us[di] + np.minimum(time_of_day(r, len(li)), 21 * HOUR)
    for e in (7, 8):
        X[e].set_candidates(li, st)
    n = r.poisson(L.speed[li] * X[7].multiplier(li, st))
    # projects: seven running before the window, three launched in it, two empty ones
    p_start = np.r_[W.start_us - r.integers(20, 200, 7) * DAY,
                    W.start_us + np.array([D // 5, D // 2, (2 * D) // 3]) * DAY + 9 * HOUR,
                    W.end_us - r.integers(2, 6, 2) * DAY]
    p_type = np.r_[r.integers(0, 3, 10), [0, 1]]
    p_pay = np.round(np.array([0.035, 0.11, 0.3])[p_type] * r.uniform(0.7, 1.3, 12), 3)
    p_w = r.uniform(0.5, 2.0, 12)
    # tasks: each day's submissions are dealt round-robin over ceil(S/3) tasks so the
    # labelers of one task are distinct (about three per task)
    sub_l, sub_task, sub_ld = [], [], []
    task_day, tcount = [], 0
    ld_start = np.r_[0, np.cumsum(np.bincount(di, minlength=D))]
    for dd in range(D):
        a, b = ld_start[dd], ld_start[dd + 1]
        if b <= a:
            continue
        cnt = n[a:b].copy()
        S = int(cnt.sum())
        if S == 0:
            continue
        T = -(-S // 3)
        cnt = np.minimum(cnt, T)
        n[a:b] = cnt
        S = int(cnt.sum())
        T = -(-S // 3)
        labs = np.repeat(np.arange(a, b), cnt)
        perm = r.permutation(b - a)
        order = np.argsort(perm[labs - a], kind="stable")
        task = np.empty(S, np.int64)
        task[order] = np.arange(S) % T
        sub_l.append(labs); sub_task.append(tcount + task)
        task_day.append(np.full(T, dd)); tcount += T
    s_ld = np.concatenate(sub_l); s_task = np.concatenate(sub_task)
    task_day = np.concatenate(task_day)
    nt = len(task_day)
    # a batch of tasks created on the last day is not labeled yet
    extra = max(1, nt // 50)
    task_day = np.r_[task_day, np.full(extra, D)]
    created = W.start_us + task_day * DAY - (r.uniform(1, 20, len(task_day)) * HOUR).astype(np.int64)
    created[nt:] = W.end_us - (r.uniform(1, 20, extra) * HOUR).astype(np.int64)
    ok_p = p_start[None, :10] < created[:, None]
    pw = ok_p * p_w[None, :10]
    cum = pw.cumsum(1)
    proj = (cum < (r.random(len(created)) * cum[:, -1])[:, None]).sum(1)
    ttype = p_type[proj]
    diff = r.choice(3, len(created), p=[.5, .35, .15])
    gold = r.random(len(created)) < 0.10
    truth = r.integers(0, 5, len(created))
    # submissions, ordered within each labeler-day session
    sl = li[s_ld]
    dur = (np.exp(r.normal(np.log(np.array([20., 60., 90.])[ttype[s_task]]), 0.5)) * SEC).astype(np.int64)
    off = group_cumsum_exclusive(dur + 5 * SEC, n) + 10 * SEC
    started = st[s_ld] + off
    submitted = started + dur
    pc_ = np.clip(L.skill[sl] * np.array([1.0, 0.9, 0.75])[diff[s_task]], 0.05, 0.9)
    pc_ = pc_ * X[8].multiplier(sl, st[s_ld])
    correct = r.random(len(sl)) < pc_
    skipped = r.random(len(sl)) < np.array([.04, .06, .12])[diff[s_task]]
    wrong = (truth[s_task] + 1 + r.integers(0, 4, len(sl))) % 5
    ans = ttype[s_task] * 5 + np.where(correct, truth[s_task], wrong)
    ans = np.where(skipped, -1, ans)
    correct &= ~skipped
    keep = submitted < W.end_us
    nsub = int(keep.sum())
    sid = np.full(len(sl), -1, np.int64); sid[keep] = np.arange(nsub)
    rl = W.rng("labeling_load")

    t_lab = Table("labeling", "labelers", {
        "labeler_id": id_col(np.arange(L.n), "lbr", 5),
        "joined_at": ts_col(L.joined),
        "country": enum_col(L.country, L_COUNTRIES),
        "tier": enum_col(L.tier, ["bronze", "silver", "gold"]),
        "referral_source": enum_col(L.ref, ["organic", "friend_referral", "job_board", "social_ads"]),
        "_loaded_at": ts_col(W.loaded(rl, L.joined)),
    })
    t_proj = Table("labeling", "projects", {
        "project_id": id_col(np.arange(1, 13), "prj", 3),
        "project_name": Col("str", np.array([f"{TASK_TYPES[t]} batch {i + 1}" for i, t in enumerate(p_type)], object)),
        "task_type": enum_col(p_type, TASK_TYPES),
        "pay_per_task_usd": num_col("f64", p_pay),
        "started_at": ts_col(p_start),
        "_loaded_at": ts_col(W.loaded(rl, p_start)),
    })
    t_task = Table("labeling", "tasks", {
        "task_id": id_col(np.arange(1, len(created) + 1), "tsk", 7),
        "project_id": id_col(proj + 1, "prj", 3),
        "created_at": ts_col(created),
        "is_gold": num_col("bool", gold),
        "gold_answer": enum_col(np.where(gold, ttype * 5 + truth, -1), ANSWERS),
        "difficulty": enum_col(diff, ["easy", "medium", "hard"]),
        "_loaded_at": ts_col(W.loaded(rl, created, 1, 30)),
    })
    k = keep
    t_sub = Table("labeling", "submissions", {
        "submission_id": id_col(np.arange(1, nsub + 1), "sub", 8),
        "task_id": id_col(s_task[k] + 1, "tsk", 7),
        "labeler_id": id_col(sl[k], "lbr", 5),
        "started_at": ts_col(started[k]),
        "submitted_at": ts_col(submitted[k]),
        "answer": enum_col(ans[k], ANSWERS),
        "is_skipped": num_col("bool", skipped[k]),
        "_loaded_at": ts_col(W.loaded(rl, submitted[k], 1, 30)),
    })
    # reviews on a sample of answered submissions
    gold_lab = np.flatnonzero(L.tier == 2)
    rv = np.flatnonzero(k & ~skipped & (r.random(len(sl)) < 0.15))
    rt = submitted[rv] + 30 * MIN + (r.exponential(8, len(rv)) * HOUR).astype(np.int64)
    ok = rt < W.end_us
    rv, rt = rv[ok], rt[ok]
    o = np.argsort(rt, kind="stable"); rv, rt = rv[o], rt[o]
    acc = r.random(len(rv)) < np.where(correct[rv], 0.95, 0.25)
    t_rev = Table("labeling", "reviews", {
        "review_id": id_col(np.arange(1, len(rv) + 1), "rvw", 7),
        "submission_id": id_col(sid[rv] + 1, "sub", 8),
        "reviewed_at": ts_col(rt),
        "is_accepted": num_col("bool", acc),
        "reviewer_id": id_col(gold_lab[r.integers(0, max(len(gold_lab), 1), len(rv))]
                              if len(gold_lab) else np.full(len(rv), 0), "lbr", 5),
        "_loaded_at": ts_col(W.loaded(rl, rt, 1, 30)),
    })

    # gamification per labeler-day
    good = k & ~skipped
    nd = len(li)
    ns_day = np.bincount(s_ld[good], minlength=nd)
    gc = np.bincount(s_ld[good & correct & gold[s_task]], minlength=nd)
    last = np.full(nd, 0, np.int64)
    np.maximum.at(last, s_ld[k], submitted[k])
    last = np.where(last > 0, last, st + 5 * MIN)
    xp = 10 * ns_day + 5 * gc
    o = np.lexsort((di, li))                      # labeler-major for cumulative state
    lo, do_, xo = li[o], di[o], xp[o]
    fl = first_per_group(lo)
    grp = np.cumsum(fl) - 1
    cxp = np.cumsum(xo) - np.r_[0, np.cumsum(xo)][np.flatnonzero(fl)][grp]
    lvl = 1 + np.floor(np.sqrt(cxp / 200.0)).astype(np.int64)
    prev_lvl = np.where(fl, 1, np.r_[1, lvl[:-1]])
    csub = np.cumsum(ns_day[o]) - np.r_[0, np.cumsum(ns_day[o])][np.flatnonzero(fl)][grp]
    prev_sub = csub - ns_day[o]
    prev_day = np.where(fl, -10, np.r_[0, do_[:-1]])
    G = []   # (labeler, t, type, xp, badge, quest, level)

    def g(mask, t, typ, xpv=None, badge=None, quest=None, level=None):
        m = int(mask.sum())
        G.append((lo[mask], t[mask], np.full(m, typ),
                  xpv[mask] if xpv is not None else np.full(m, -1),
                  badge[mask] if badge is not None else np.full(m, -1),
                  quest if quest is not None else np.full(m, -1),
                  level[mask] if level is not None else np.full(m, -1)))

    t_last = last[o]; t_st = st[o]
    g(xo > 0, t_last + SEC, 0, xpv=xo)
    g(lvl > prev_lvl, t_last + 2 * SEC, 1, level=lvl)
    g(~fl & (prev_day == do_ - 1), t_st + 2 * SEC, 3)
    g(~fl & (prev_day < do_ - 1), t_st + 2 * SEC, 4)
    badge = np.zeros(len(lo), np.int64)
    for b, thr in enumerate((50, 250, 1000), start=1):
        badge = np.where((prev_sub < thr) & (csub >= thr) & (badge == 0), b, badge)
    rnd_badge = (badge == 0) & (r.random(len(lo)) < 0.02)
    badge = np.where(rnd_badge, r.integers(4, 10, len(lo)), badge)
    g(badge > 0, t_last + 3 * SEC, 2, badge=badge)
    qs = r.random(len(lo)) < 0.3
    qid = np.arange(1, int(qs.sum()) + 1)
    g(qs, t_st + 5 * SEC, 5, quest=qid)
    qc = qs & (ns_day[o] >= 5) & (r.random(len(lo)) < 0.55)
    g(qc, t_last + 4 * SEC, 6, quest=qid[qc[qs]])
    nlb = r.poisson(0.6, len(lo))
    rep = np.repeat(np.arange(len(lo)), nlb)
    G.append((lo[rep], t_st[rep] + ((t_last[rep] - t_st[rep]) * r.random(len(rep))).astype(np.int64),
              np.full(len(rep), 7), np.full(len(rep), -1), np.full(len(rep), -1),
              np.full(len(rep), -1), np.full(len(rep), -1)))
    gl, gt, gty, gxp, gb, gq, glv = (np.concatenate(x) for x in zip(*G))
    keep = gt < W.end_us
    gl, gt, gty, gxp, gb, gq, glv = (x[keep] for x in (gl, gt, gty, gxp, gb, gq, glv))
    o2 = np.lexsort((gty, gt))
    gl, gt, gty, gxp, gb, gq, glv = (x[o2] for x in (gl, gt, gty, gxp, gb, gq, glv))
    t_game = Table("labeling", "gamification_events", {
        "event_id": id_col(np.arange(1, len(gl) + 1), "gev", 8),
        "labeler_id": id_col(gl, "lbr", 5),
        "event_at": ts_col(gt),
        "event_type": enum_col(gty, GAME_TYPES),
        "xp": num_col("i32", np.maximum(gxp, 0), null=gxp < 0),
        "badge_id": id_col(gb, "badge", 1),
        "quest_id": id_col(gq, "quest", 5),
        "level": num_col("i32", np.maximum(glv, 0), null=glv < 0),
        "_loaded_at": ts_col(W.loaded(rl, gt, 1, 30)),
    })

    # payments: weekly task pay (+ bonus for heavy weeks), quest rewards
    pay_sub = p_pay[proj[s_task]]
    wk = (W.day_of(submitted) // 7)
    nweek = (D + 6) // 7
    key = sl * nweek + wk
    amt = np.bincount(key[good], weights=pay_sub[good], minlength=L.n * nweek)
    cnt = np.bincount(key[good], minlength=L.n * nweek)
    pk = np.flatnonzero(amt > 0)
    pl, pw_ = pk // nweek, pk % nweek
    paid = W.start_us + ((pw_ + 1) * 7) * DAY + 9 * HOUR + rl.integers(0, HOUR, len(pk))
    P_l = [pl]; P_t = [paid]; P_a = [np.round(amt[pk], 2)]; P_k = [np.zeros(len(pk), int)]
    bon = cnt[pk] >= 120
    P_l.append(pl[bon]); P_t.append(paid[bon] + MIN); P_a.append(np.round(amt[pk][bon] * 0.1, 2))
    P_k.append(np.ones(int(bon.sum()), int))
    qcm = gty == 6
    P_l.append(gl[qcm]); P_t.append(gt[qcm] + HOUR); P_a.append(np.full(int(qcm.sum()), 1.5))
    P_k.append(np.full(int(qcm.sum()), 2))
    pl, pt, pa, pkind = (np.concatenate(x) for x in (P_l, P_t, P_a, P_k))
    keep = (pt < W.end_us) & (pa > 0)
    pl, pt, pa, pkind = pl[keep], pt[keep], pa[keep], pkind[keep]
    o = np.argsort(pt, kind="stable")
    pl, pt, pa, pkind = pl[o], pt[o], pa[o], pkind[o]
    t_pay = Table("labeling", "payments", {
        "payment_id": id_col(np.arange(1, len(pl) + 1), "pay", 6),
        "labeler_id": id_col(pl, "lbr", 5),
        "paid_at": ts_col(pt),
        "amount_usd": num_col("f64", pa),
        "kind": enum_col(pkind, ["task_pay", "bonus", "quest_reward"]),
        "_loaded_at": ts_col(W.loaded(rl, pt, 1, 30)),
    })
    return t_lab, t_proj, t_task, t_sub, t_rev, t_game, t_pay
