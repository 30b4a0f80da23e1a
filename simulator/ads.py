"""Ads delivery: requests per session, fill, campaign choice, clicks, click- and
view-through conversions, billing by bid type and daily-budget pacing."""
from types import SimpleNamespace

import numpy as np

from .common import COUNTRIES, DAY, HOUR, MIN, SEC, first_per_group
from .tables import Col, Table, enum_col, id_col, num_col, ts_col
from .app import _slice

INDUSTRIES = ["gaming", "retail", "finance", "travel", "food", "apps", "beauty", "auto"]
PLACEMENTS = ["feed", "topview", "search"]
CONV_TYPES = ["install", "purchase", "lead"]


def gen_ads(W, U, S, E, X):
    r = W.rng("ads")
    n_adv = int(W.cfg.advertisers)
    adv_country = r.choice(len(COUNTRIES), n_adv)
    adv_industry = r.integers(0, len(INDUSTRIES), n_adv)
    n_camp_per = np.where(r.random(n_adv) < 0.1, 0, r.integers(1, 5, n_adv))   # some never launch
    c_adv = np.repeat(np.arange(n_adv), n_camp_per)
    nc = len(c_adv)
    objective = r.choice(3, nc, p=[.35, .35, .30])
    bid_type = np.where(objective == 0, 0, np.where(objective == 1, np.where(r.random(nc) < .8, 1, 0),
                                                    np.where(r.random(nc) < .7, 2, 1)))
    bid = np.select([bid_type == 0, bid_type == 1],
                    [r.uniform(2, 12, nc) * 1e6, r.uniform(0.1, 1.5, nc) * 1e6],
                    r.uniform(2, 25, nc) * 1e6).astype(np.int64)
    sday = r.integers(-60, W.D - 3, nc)
    sday = np.where(r.random(nc) < 0.05, W.D + r.integers(1, 20, nc), sday)   # scheduled later
    eday = sday + r.integers(14, 91, nc)
    ctr = r.uniform(0.01, 0.03, nc)
    n_ads = r.integers(1, 4, nc)

    # requests: ad slots scale with the videos watched in the session
    # (request- and impression-level intermediates are freed as soon as they are
    # used: at 100M app events there are ~20M requests)
    n_views = np.bincount(E.sess[E.type == 1], minlength=S.n)
    s_end = np.full(S.n, 0, np.int64)
    np.maximum.at(s_end, E.sess, E.t)
    s_len = np.maximum(s_end - S.t0, 30 * SEC)
    del s_end
    lam = (0.3 + 0.2 * n_views) * X[6].multiplier(S.user, S.t0)
    del n_views
    k = r.poisson(lam)
    rs = np.repeat(np.arange(S.n), k)
    rt = S.t0[rs] + (r.random(len(rs)) * s_len[rs]).astype(np.int64)
    del s_len, k, lam
    keep = rt < W.end_us
    rs, rt = rs[keep], rt[keep]
    o = np.argsort(rt, kind="stable")
    rs, rt = rs[o], rt[o]
    del keep, o
    nr = len(rs)
    ru = S.user[rs].astype(np.int32)
    rday = W.day_of(rt)
    placement = r.choice(3, nr, p=[.8, .08, .12]).astype(np.int16)
    pfill = np.full(nr, 0.86)
    for a in W.anomalies:
        if a["metric_name"] == "fill_rate":
            pfill[(rday == a["day"]) & _slice(U, a)[ru]] *= a["mult"]
    filled = r.random(nr) < pfill
    del pfill
    fi = np.flatnonzero(filled)
    camp = np.full(nr, -1, np.int64)
    # requests are in time order, so each day's filled requests are one block of fi
    fday = np.searchsorted(rday[fi], np.arange(W.D + 1))
    del rday
    for d in range(W.D):
        idx = fi[fday[d]:fday[d + 1]]
        act = np.flatnonzero((sday <= d) & (eday >= d))
        if len(idx) == 0:
            continue
        if len(act) == 0:
            filled[idx] = False
            continue
        w = np.sqrt(bid[act] / bid[act].mean()) * np.where(bid_type[act] == 0, 1.0, 0.6)
        camp[idx] = act[r.choice(len(act), len(idx), p=w / w.sum())]
    fi = np.flatnonzero(filled)
    ic, iu, it = camp[fi], ru[fi], rt[fi] + r.integers(50_000, 1_500_000, len(fi))
    del camp
    ni = len(fi)
    imp_rev = np.where(bid_type[ic] == 0, bid[ic] // 1000, 0)
    pclick = np.minimum(ctr[ic] * U.click[iu] * X[5].multiplier(iu, S.t0[rs[fi]]), 0.5)
    del rs
    clicked = r.random(ni) < pclick
    del pclick
    ci = np.flatnonzero(clicked)
    ct = it[ci] + r.integers(SEC, 30 * SEC, len(ci))
    click_rev = np.where(bid_type[ic[ci]] == 1, bid[ic[ci]], 0)
    # conversions: click-through and view-through
    cv1 = ci[r.random(len(ci)) < 0.06]
    cvt1 = ct[np.searchsorted(ci, cv1)] + MIN + (r.exponential(2, len(cv1)) * HOUR).astype(np.int64)
    noclick = np.flatnonzero(~clicked)
    del clicked
    cv2 = noclick[r.random(len(noclick)) < 0.0015]
    del noclick
    cvt2 = it[cv2] + MIN + (r.exponential(6, len(cv2)) * HOUR).astype(np.int64)
    cv_imp = np.r_[cv1, cv2]
    cv_t = np.r_[cvt1, cvt2]
    cv_click = np.r_[np.searchsorted(ci, cv1), np.full(len(cv2), -1)]
    obj = objective[ic[cv_imp]]
    u = r.random(len(cv_imp))
    cv_type = np.select([obj == 2, obj == 1], [np.where(u < .5, 1, np.where(u < .8, 0, 2)),
                                               np.where(u < .6, 2, 0)], 0)
    cv_rev = np.where(bid_type[ic[cv_imp]] == 2, bid[ic[cv_imp]], 0)
    cv_val = (np.exp(r.normal(np.log(np.array([2.0, 30.0, 5.0])[cv_type]), 0.8)) * 1e6).astype(np.int64)
    # budget pacing: charges accumulate per campaign-day in impression order; the
    # first impression past the daily budget is not served (request left unfilled)
    charge = imp_rev.astype(np.float64)
    np.add.at(charge, ci, click_rev)
    np.add.at(charge, cv_imp, cv_rev)
    iday = W.day_of(it)
    key = ic * (W.D + 1) + iday
    o = np.lexsort((it, key))
    co = charge[o]
    cs = np.cumsum(co)
    first = first_per_group(key[o])
    base = cs - co
    del co
    base[~first] = 0
    del first
    np.maximum.accumulate(base, out=base)
    cs -= base
    del base
    cum = np.empty(ni); cum[o] = cs
    del cs, o
    daily = np.zeros(nc)
    np.add.at(daily, ic, charge)
    del charge
    n_days = np.zeros(nc)
    np.add.at(n_days, np.unique(key) // (W.D + 1), 1)
    del key
    budget = (daily / np.maximum(n_days, 1)) * r.uniform(0.7, 4.0, nc)
    budget = np.maximum(budget, 1e6).round(-4).astype(np.int64)
    served = cum <= budget[ic]
    del cum
    filled[fi[~served]] = False
    keep_i = np.flatnonzero(served)
    remap = np.full(ni, -1, np.int64); remap[keep_i] = np.arange(len(keep_i))
    # anomalies on revenue: a billing glitch multiplies charges for one slice-day
    rev_mult_i = np.ones(len(keep_i))
    for a in W.anomalies:
        if a["metric_name"] == "ad_revenue_usd":
            rev_mult_i[(iday[keep_i] == a["day"]) & _slice(U, a)[iu[keep_i]]] *= a["mult"]
    imp = SimpleNamespace(req=fi[keep_i], user=iu[keep_i], camp=ic[keep_i], t=it[keep_i],
                          place=placement[fi[keep_i]],
                          ad=ic[keep_i] * 10 + (r.random(len(keep_i)) * n_ads[ic[keep_i]]).astype(np.int64),
                          rev=np.round(imp_rev[keep_i] * rev_mult_i).astype(np.int64))
    del iday, rev_mult_i, imp_rev, fi, it
    ck = np.flatnonzero(served[ci] & (ct < W.end_us))
    cday = W.day_of(ct)
    cm = np.ones(len(ci))
    for a in W.anomalies:
        if a["metric_name"] == "ad_revenue_usd":
            cm[(cday == a["day"]) & _slice(U, a)[iu[ci]]] *= a["mult"]
    clk = SimpleNamespace(imp=remap[ci[ck]], t=ct[ck], rev=np.round(click_rev[ck] * cm[ck]).astype(np.int64))
    click_new = np.full(len(ci), -1, np.int64); click_new[ck] = np.arange(len(ck))
    vk = np.flatnonzero(served[cv_imp] & (cv_t < W.end_us))
    vday = W.day_of(cv_t)
    vm = np.ones(len(cv_imp))
    for a in W.anomalies:
        if a["metric_name"] == "ad_revenue_usd":
            vm[(vday == a["day"]) & _slice(U, a)[iu[cv_imp]]] *= a["mult"]
    cvc = np.where(cv_click[vk] >= 0, click_new[np.maximum(cv_click[vk], 0)], -1)
    conv = SimpleNamespace(imp=remap[cv_imp[vk]], click=cvc, t=cv_t[vk], type=cv_type[vk],
                           val=cv_val[vk], rev=np.round(cv_rev[vk] * vm[vk]).astype(np.int64))
    del served, remap, iu, ic
    o = np.argsort(conv.t, kind="stable")
    for f in ("imp", "click", "t", "type", "val", "rev"):
        setattr(conv, f, getattr(conv, f)[o])

    rl = W.rng("ads_load")
    t_adv = Table("ads", "advertisers", {
        "advertiser_id": id_col(np.arange(1, n_adv + 1), "adv", 4),
        "name": Col("str", np.array([f"Advertiser {i + 1}" for i in range(n_adv)], object)),
        "industry": enum_col(adv_industry, INDUSTRIES),
        "country": enum_col(adv_country, COUNTRIES),
        "_loaded_at": ts_col(np.full(n_adv, W.backfill_us) + rl.integers(0, 10 * MIN, n_adv)),
    })
    c_load = np.maximum(W.start_us + (sday - 2) * DAY + 10 * HOUR, W.backfill_us) + rl.integers(0, HOUR, nc)
    t_camp = Table("ads", "campaigns", {
        "campaign_id": id_col(np.arange(1, nc + 1), "cmp", 5),
        "advertiser_id": id_col(c_adv + 1, "adv", 4),
        "objective": enum_col(objective, ["awareness", "traffic", "conversions"]),
        "bid_type": enum_col(bid_type, ["cpm", "cpc", "cpa"]),
        "bid_micros": num_col("i64", bid),
        "daily_budget_micros": num_col("i64", budget),
        "start_date": Col("date", W.start_us // DAY + sday),
        "end_date": Col("date", W.start_us // DAY + eday),
        "_loaded_at": ts_col(c_load),
    })
    t_req = Table("ads", "ad_requests", {
        "request_id": id_col(np.arange(1, nr + 1), "req", 8),
        "user_id": id_col(ru, "u", 6),
        "requested_at": ts_col(rt),
        "placement": enum_col(placement, PLACEMENTS),
        "is_filled": num_col("bool", filled),
        "_loaded_at": ts_col(W.loaded(rl, rt, 1, 30)),
    })
    t_imp = Table("ads", "impressions", {
        "impression_id": id_col(np.arange(1, len(imp.t) + 1), "imp", 8),
        "request_id": id_col(imp.req + 1, "req", 8),
        "user_id": id_col(imp.user, "u", 6),
        "campaign_id": id_col(imp.camp + 1, "cmp", 5),
        "ad_id": id_col(imp.ad, "ad", 6),
        "shown_at": ts_col(imp.t),
        "placement": enum_col(imp.place, PLACEMENTS),
        "revenue_micros": num_col("i64", imp.rev),
        "_loaded_at": ts_col(W.loaded(rl, imp.t, 1, 30)),
    })
    t_clk = Table("ads", "clicks", {
        "click_id": id_col(np.arange(1, len(clk.t) + 1), "clk", 7),
        "impression_id": id_col(clk.imp + 1, "imp", 8),
        "clicked_at": ts_col(clk.t),
        "revenue_micros": num_col("i64", clk.rev),
        "_loaded_at": ts_col(W.loaded(rl, clk.t, 1, 30)),
    })
    t_cnv = Table("ads", "conversions", {
        "conversion_id": id_col(np.arange(1, len(conv.t) + 1), "cnv", 6),
        "click_id": id_col(np.where(conv.click >= 0, conv.click + 1, -1), "clk", 7),
        "impression_id": id_col(conv.imp + 1, "imp", 8),
        "converted_at": ts_col(conv.t),
        "conversion_type": enum_col(conv.type, CONV_TYPES),
        "value_micros": num_col("i64", conv.val),
        "revenue_micros": num_col("i64", conv.rev),
        "_loaded_at": ts_col(W.loaded(rl, conv.t, 1, 60)),
    })
    return t_adv, t_camp, t_req, t_imp, t_clk, t_cnv
