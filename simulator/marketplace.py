"""Two-sided marketplace experiments: one feed change run under three designs.

The feed change boosts the ranking score of treated creators' videos wherever the
treatment applies. Each design has its own small market (its own viewers,
creators and videos; viewers watch only creators of their own market), so the
three designs never interfere with each other or with the rest of the app:

- creator_side (CR): creators randomized; the boost applies to a treated creator
  for every viewer;
- viewer_side (LR): viewers randomized; the boost applies to every creator in a
  treated viewer's feed;
- two_sided (TSR): both sides randomized; the boost applies where a treated viewer
  meets a treated creator.

Interference (attention budget). A viewer-day has a budget of views; the views
go to creators in proportion to score x affinity, the boost multiplying the score
of boosted pairs, so a boost to some creators displaces views from the others.
A feed whose whole score mass is boosted also raises the budget by LIFT (a viewer
with a share w of boosted score mass: budget x (1 + LIFT * w)). Creators publish
more in the experiment's second week when their first-week views rose above
their usual (pre-period) weekly views: rate x (ratio ** ELASTICITY).

With interference off, a boosted pair's expected views are multiplied by
(1 + BOOST) and nothing else moves (budget x (1 + BOOST * w), shares as boosted):
every design then estimates the same effect.

Truth: the same random draws (common random numbers: uniforms drawn once per
viewer-day, view slot and creator-day, mapped through inverse CDFs) give three
worlds per market: the realized assignment, everyone treated and no one
treated. true_global_relative_effect = all-treated total / none-treated total - 1
over the experiment window (truth/marketplace_effects.csv).
"""
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy.stats import poisson

from .common import COUNTRIES, DAY, HOUR, PLATFORMS, SEC

DESIGNS = [   # design, randomization_unit, primary metric
    ("creator_side", "creator", "views_received_per_creator"),
    ("viewer_side", "user", "watch_seconds_per_user"),
    ("two_sided", "creator", "views_received_per_creator"),
]
BOOST = 0.4          # relative score boost of a boosted (viewer, creator) pair
LIFT = 0.08          # relative budget rise of a viewer whose whole feed is boosted
ELASTICITY = 0.6     # posting response to the first week's relative views
WINDOW_DAYS = 14     # experiment window (the last days of the data); same-length pre-period
KMAX = 24            # cap on views per viewer-day (a viewer's session)
MMAX = 6             # cap on videos per creator-day
FIRST_EXPERIMENT = 11
COUNTRY, PLATFORM = "JP", "android"   # outside every injected anomaly's slice
METRICS = [   # metric_name, side
    ("watch_seconds_per_viewer", "viewer"),
    ("views_received_per_creator", "creator"),
    ("videos_published_per_creator", "creator"),
]


def enabled(W):
    cfg = W.cfg
    return cfg.marketplace_replicates > 0 and W.D >= 2 * WINDOW_DAYS + 1


def experiment_number(replicate, g):
    return FIRST_EXPERIMENT + 3 * replicate + g


def gen_markets(W, first_user, first_video):
    """Every replicate x design market, simulated in its three worlds.
    Returns a list of market namespaces (the realized world's views and videos)."""
    cfg = W.cfg
    nv, nc = int(cfg.marketplace_viewers), int(cfg.marketplace_creators)
    start_day = W.D - WINDOW_DAYS
    markets, u0, v0 = [], first_user, first_video
    for rep in range(int(cfg.marketplace_replicates)):
        for g, (design, unit, metric) in enumerate(DESIGNS):
            m = _market(W, rep, g, design, nv, nc, start_day, u0, v0)
            m.unit, m.metric = unit, metric
            markets.append(m)
            u0 += nv + nc
            v0 += len(m.real.vid_creator)
    return markets


def _draws(W, rep, g, nv, nc):
    """Population and the common random numbers of one market."""
    r = W.rng(f"marketplace_{rep}_{g}")
    D, PRE = W.D, 0
    P = SimpleNamespace(nv=nv, nc=nc)
    P.q = r.beta(16.0, 8.0, nv)                              # daily activity propensity
    P.budget = np.exp(r.normal(np.log(3.5), 0.15, nv))      # views per active day
    P.score = np.exp(r.normal(0.0, 0.25, nc))               # creator ranking score
    P.affinity = np.exp(r.normal(0.0, 0.3, (nv, nc)))       # viewer x creator taste
    P.post = np.exp(r.normal(np.log(0.3), 0.3, nc))         # videos per creator-day
    P.u_active = r.random((nv, D))
    P.u_count = r.random((nv, D))
    P.u_pick = r.random((nv, D, KMAX))                      # which creator
    P.u_video = r.random((nv, D, KMAX))                     # which of the creator's videos
    P.completion = np.clip(np.exp(r.normal(np.log(0.45), 0.9, (nv, D, KMAX))), 0.02, 3.0)
    P.gap_us = r.integers(2 * SEC, 30 * SEC, (nv, D, KMAX))
    P.session_at = r.integers(6 * HOUR, 20 * HOUR, (nv, D))
    P.u_post = r.random((nc, D + PRE))                      # creator-days from day -PRE
    P.duration = np.clip(np.exp(r.normal(np.log(24), 0.7, (nc, D + PRE + 1, MMAX))), 5, 180).astype(np.int32)
    P.pub_at = r.integers(0, DAY, (nc, D + PRE + 1, MMAX))
    P.PRE = PRE
    P.viewer_arm = np.zeros(nv, np.int64)
    P.creator_arm = np.zeros(nc, np.int64)
    # complete randomization: exactly half of each randomized side is treated
    P.viewer_arm[r.permutation(nv)[: nv // 2]] = 1
    P.creator_arm[r.permutation(nc)[: nc // 2]] = 1
    return P


def _boosted_pairs(P, design):
    """Z[i, j] = 1 where the treatment applies to viewer i meeting creator j."""
    ones_v, ones_c = np.ones(P.nv, np.int64), np.ones(P.nc, np.int64)
    v = {"creator_side": ones_v, "viewer_side": P.viewer_arm, "two_sided": P.viewer_arm,
         "all": ones_v, "none": 0 * ones_v}[design]
    c = {"creator_side": P.creator_arm, "viewer_side": ones_c, "two_sided": P.creator_arm,
         "all": ones_c, "none": 0 * ones_c}[design]
    return np.outer(v, c).astype(bool)


def _world(W, P, Z, start_day, interference):
    """Views, videos and window totals of one world (boosted pairs Z) from P's draws."""
    D, PRE = W.D, P.PRE
    on = np.arange(D) >= start_day
    base = P.score[None, :] * P.affinity                      # nv x nc
    boosted = base * np.where(Z, 1.0 + BOOST, 1.0)
    w = (base * Z).sum(1) / base.sum(1)                        # boosted share of score mass
    lift = (LIFT if interference else BOOST) * w
    lam = P.budget[:, None] * W.season[None, :] * (P.u_active < P.q[:, None])
    expected = lam * (1.0 + lift[:, None] * on[None, :])       # budget per viewer-day
    n = np.minimum(poisson.ppf(P.u_count, expected), KMAX).astype(np.int64)
    # creator of each view slot: inverse CDF of the viewer's shares (boosted in the window)
    creator = np.full((P.nv, D, KMAX), -1, np.int64)
    for i in range(P.nv):
        for shares, days in ((base[i], ~on), (boosted[i], on)):
            cum = np.cumsum(shares)
            creator[i, days] = np.minimum(np.searchsorted(cum, P.u_pick[i, days] * cum[-1]), P.nc - 1)
    slot = np.arange(KMAX)[None, None, :] < n[:, :, None]
    creator[~slot] = -1
    vi, vd, vk = np.nonzero(slot)
    vc = creator[vi, vd, vk]
    # views per creator-day, and posting (second window week responds to the first)
    views_cd = np.zeros((P.nc, D), np.int64)
    np.add.at(views_cd, (vc, vd), 1)
    pre = views_cd[:, start_day - WINDOW_DAYS:start_day].sum(1) / (WINDOW_DAYS / 7)
    week1 = views_cd[:, start_day:start_day + 7].sum(1)
    response = ((week1 + 1.0) / (pre + 1.0)) ** ELASTICITY
    days = np.arange(-PRE, D)
    rate = P.post[:, None] * np.r_[np.ones(PRE), W.season][None, :]
    rate = rate * np.where(days[None, :] >= start_day + 7, response[:, None], 1.0)
    cnt = np.minimum(poisson.ppf(P.u_post, rate), MMAX).astype(np.int64)
    # videos: one seed video per creator (day -PRE-1), then the published ones, by creator and day
    cj, cdi = np.nonzero(cnt)
    k = cnt[cj, cdi]
    vcj, vdi = np.repeat(cj, k), np.repeat(cdi, k)
    vm = np.arange(len(vcj)) - np.repeat(np.r_[0, np.cumsum(k)[:-1]], k)
    vid_creator = np.r_[np.arange(P.nc), vcj]
    vid_day = np.r_[np.full(P.nc, -PRE - 1), vdi - PRE]
    vid_dur = np.r_[P.duration[:, 0, 0], P.duration[vcj, vdi + 1, vm]]
    vid_pub_off = np.r_[P.pub_at[:, 0, 0], P.pub_at[vcj, vdi + 1, vm]]
    o = np.lexsort((vid_pub_off, vid_day, vid_creator))
    vid_creator, vid_day, vid_dur, vid_pub_off = vid_creator[o], vid_day[o], vid_dur[o], vid_pub_off[o]
    # each view watches one of the creator's videos published before the view's day
    key = vid_creator * (D + PRE + 2) + (vid_day + PRE + 1)
    first_of = np.searchsorted(vid_creator, np.arange(P.nc))
    avail = np.searchsorted(key, vc * (D + PRE + 2) + (vd + PRE + 1)) - first_of[vc]
    video = first_of[vc] + np.minimum((P.u_video[vi, vd, vk] * avail).astype(np.int64), avail - 1)
    watch_ms = np.maximum(np.round(vid_dur[video] * 1000.0 * P.completion[vi, vd, vk]), 100).astype(np.int64)
    win = vd >= start_day
    published_in_window = int(cnt[:, PRE + start_day:].sum())
    return SimpleNamespace(
        vi=vi, vd=vd, vk=vk, vc=vc, video=video, watch_ms=watch_ms, n=n,
        vid_creator=vid_creator, vid_day=vid_day, vid_dur=vid_dur, vid_pub_off=vid_pub_off,
        expected=expected, boosted=boosted, views_cd=views_cd,
        totals={"watch_seconds_per_viewer": watch_ms[win].sum() / 1000.0 / P.nv,
                "views_received_per_creator": win.sum() / P.nc,
                "videos_published_per_creator": published_in_window / P.nc})


def _market(W, rep, g, design, nv, nc, start_day, u0, v0):
    P = _draws(W, rep, g, nv, nc)
    interference = bool(W.cfg.marketplace_interference)
    real = _world(W, P, _boosted_pairs(P, design), start_day, interference)
    everyone = _world(W, P, _boosted_pairs(P, "all"), start_day, interference)
    nobody = _world(W, P, _boosted_pairs(P, "none"), start_day, interference)
    m = SimpleNamespace(rep=rep, g=g, design=design, P=P, real=real, start_day=start_day,
                        n=experiment_number(rep, g), u0=u0, v0=v0, nv=nv, nc=nc)
    m.viewers = u0 + np.arange(nv)
    m.creators = u0 + nv + np.arange(nc)
    m.truth = [dict(experiment_id=f"exp_{m.n:03d}", design=design, metric_name=name, side=side,
                    true_global_relative_effect=everyone.totals[name] / nobody.totals[name] - 1.0,
                    all_treated_value=everyone.totals[name], none_treated_value=nobody.totals[name],
                    realized_value=real.totals[name], replicate=rep, interference=interference)
               for name, side in METRICS]
    # control creators' views in the realized world against the no-one-treated world
    ctl = P.creator_arm == 0
    win = slice(start_day, W.D)
    m.control_loss = (real.views_cd[ctl, win].sum() / nobody.views_cd[ctl, win].sum() - 1.0
                      if design == "creator_side" else np.nan)
    for row in m.truth:
        row["true_control_creator_relative_loss"] = (
            m.control_loss if row["metric_name"] == "views_received_per_creator" else np.nan)
    m.arm_effect = _arm_effect(W, m, P, real)
    return m


def _arm_effect(W, m, P, real):
    """Expected relative difference between the arms of the design's randomized unit in
    its primary metric (what the generic experiment engine estimates): expected views
    per (viewer, creator, day) summed over the window, given the realized activity."""
    on = slice(m.start_day, W.D)
    share = real.boosted / real.boosted.sum(1, keepdims=True)        # nv x nc
    per_pair = real.expected[:, on].sum(1)[:, None] * share          # expected window views
    if m.design == "viewer_side":
        per_unit, arm = per_pair.sum(1), P.viewer_arm                 # watch ~ views x mean watch
    else:
        per_unit, arm = per_pair.sum(0), P.creator_arm
    return per_unit[arm == 1].mean() / per_unit[arm == 0].mean() - 1.0


def truth_frame(markets):
    cols = ["experiment_id", "design", "metric_name", "side", "true_global_relative_effect",
            "all_treated_value", "none_treated_value", "realized_value",
            "true_control_creator_relative_loss", "replicate", "interference"]
    return pd.DataFrame([row for m in markets for row in m.truth], columns=cols)


class MarketExp:
    """The experiment of one market, in the shape build_experiments reads (see Exp)."""

    def __init__(self, W, m, n_units):
        self.n, self.k = m.n, 2
        self.start_us = W.start_us + m.start_day * DAY
        self.end_us = self.data_end_us = W.end_us
        P = m.P
        # a viewer-randomized feed change is an engagement experiment for the generic engine
        # (its catalog then measures watch seconds per user); the others are creator experiments
        domain = "engagement" if m.design == "viewer_side" else "creators"
        self.spec = dict(n=m.n, name=f"feed_creator_boost_{m.design}_{m.rep:02d}", domain=domain,
                         unit=m.unit, variants=["control", "treatment"], shares=[0.5, 0.5],
                         metric=m.metric, effects={m.metric: [float(m.arm_effect)]},
                         hypothesis=f"A feed boost for creators, {m.design.replace('_', '-')} "
                                    "randomization (marketplace experiment).")
        self.effects = self.spec["effects"]
        self.arm = np.full(n_units, -1, np.int64)
        self.unit_type = np.full(n_units, -1, np.int8)     # 0 user (viewer), 1 creator
        if m.design in ("viewer_side", "two_sided"):
            self.arm[m.viewers] = P.viewer_arm
            self.unit_type[m.viewers] = 0
        if m.design in ("creator_side", "two_sided"):
            self.arm[m.creators] = P.creator_arm
            self.unit_type[m.creators] = 1
        self.assigned_at = np.where(self.arm >= 0, self.start_us, 0)
        # server-side ranking: every unit of the randomization unit is exposed at the start
        units = m.viewers if m.unit == "user" else m.creators
        r = W.rng(f"marketplace_exposures_{m.n}")
        self.cand_unit = units.astype(np.int64)
        self.cand_ts = self.start_us + r.integers(SEC, 60 * SEC, len(units))
        self.first = None


def population_arrays(W, markets):
    """Users (viewers and creators), videos, sessions and events of the realized worlds."""
    r = W.rng("marketplace_rows")
    users, videos, sessions, views = [], [], [], []
    for m in markets:
        real, P = m.real, m.P
        ids = np.r_[m.viewers, m.creators]
        signup = W.start_us - ((60 + 300 * r.random(len(ids))) * DAY).astype(np.int64)
        users.append((ids, signup))
        videos.append((m.v0 + np.arange(len(real.vid_creator)), m.creators[real.vid_creator],
                       W.start_us + real.vid_day * DAY + real.vid_pub_off, real.vid_dur))
        # one session per viewer-day with views
        si, sd = np.nonzero(real.n > 0)
        t0 = W.day_us[sd] + P.session_at[si, sd]
        sessions.append((m.viewers[si], sd, t0))
        # view times: after the session's app_open, each view after the previous one and a gap
        order = np.lexsort((real.vk, real.vd, real.vi))
        vi, vd, vk = real.vi[order], real.vd[order], real.vk[order]
        watch, video = real.watch_ms[order], real.video[order]
        step = watch * 1000 + P.gap_us[vi, vd, vk]
        grp = vi * W.D + vd
        first = np.r_[True, grp[1:] != grp[:-1]]
        cs = np.cumsum(step)
        start_cs = np.maximum.accumulate(np.where(first, cs - step, 0))
        offset = cs - step - start_cs
        sess_key = si * W.D + sd
        sidx = np.searchsorted(sess_key, grp)
        at = t0[sidx] + 2 * SEC + offset
        views.append((len(sessions) - 1, sidx, at, m.v0 + video, watch))
    return users, videos, sessions, views


def merge_into_world(W, U, C, V, S, E, markets):
    """Append the markets' users, videos, sessions and events to the world's arrays (the
    tables are built from them); their rows are protected from injected faults."""
    users, videos, sessions, views = population_arrays(W, markets)
    r = W.rng("marketplace_users")
    ids = np.concatenate([u[0] for u in users])
    signup = np.concatenate([u[1] for u in users])
    n_new = len(ids)
    assert ids[0] == U.n and (np.diff(ids) == 1).all()
    order = np.argsort(ids)
    signup = signup[order]
    U.signup = np.r_[U.signup, signup]
    U.sday = np.r_[U.sday, W.day_of(signup)]
    U.country = np.r_[U.country, np.full(n_new, COUNTRIES.index(COUNTRY))]
    U.platform = np.r_[U.platform, np.full(n_new, PLATFORMS.index(PLATFORM))]
    U.age_band = np.r_[U.age_band, r.choice(5, n_new, p=[.12, .34, .28, .15, .11])]
    U.channel = np.r_[U.channel, r.choice(4, n_new, p=[.55, .25, .15, .05])]
    U.version0 = np.r_[U.version0, r.choice(4, n_new, p=[.1, .2, .3, .4])]
    U.vshift = np.r_[U.vshift, r.integers(0, 21, n_new)]
    from .app import random_ips
    home_ip = random_ips(r, n_new)
    U.n += n_new
    C.of_user = np.r_[C.of_user, np.full(n_new, -1, C.of_user.dtype)]
    # videos
    vids = np.concatenate([v[0] for v in videos])
    assert vids[0] == V.n and (np.diff(vids) == 1).all()
    nvid = len(vids)
    v_user = np.concatenate([v[1] for v in videos])
    v_pub = np.concatenate([v[2] for v in videos])
    V.user = np.r_[V.user, v_user]
    V.creator = np.r_[V.creator, np.full(nvid, -1, V.creator.dtype)]
    V.pub = np.r_[V.pub, v_pub]
    V.pday = np.r_[V.pday, W.day_of(v_pub)]
    V.duration = np.r_[V.duration, np.concatenate([v[3] for v in videos]).astype(V.duration.dtype)]
    V.category = np.r_[V.category, r.integers(0, 10, nvid)]
    ja = V.langs.index("ja")
    V.lang = np.r_[V.lang, np.full(nvid, ja)]
    for name, fill in (("quality", 1.0), ("violating", False), ("policy", -1), ("score", 0.01),
                       ("removed", np.iinfo(np.int64).max)):
        a = getattr(V, name)
        setattr(V, name, np.r_[a, np.full(nvid, fill, a.dtype)])
    V.n += nvid
    # sessions
    s_user = np.concatenate([s[0] for s in sessions])
    s_day = np.concatenate([s[1] for s in sessions])
    s_t0 = np.concatenate([s[2] for s in sessions])
    first_session = S.n + np.r_[0, np.cumsum([len(s[0]) for s in sessions])[:-1]]
    ns = len(s_user)
    S.user = np.r_[S.user, s_user]
    S.t0 = np.r_[S.t0, s_t0]
    S.day = np.r_[S.day, s_day]
    S.device = np.r_[S.device, s_user * 2]
    S.ip = np.r_[S.ip, home_ip[s_user - (U.n - n_new)]]
    S.hint_null = np.r_[S.hint_null, np.zeros(ns, bool)]
    S.first_of_day = np.r_[S.first_of_day, np.ones(ns, bool)]
    S.n += ns
    # events: an app_open per session, then the views; merged into E's time order
    sess = [np.arange(ns) + S.n - ns]
    typ, t, video, watch = [np.zeros(ns, np.int16)], [s_t0], [np.full(ns, -1)], [np.full(ns, -1)]
    for (k, sidx, at, vid, w) in views:
        sess.append(first_session[k] + sidx)
        typ.append(np.ones(len(at), np.int16))
        t.append(at)
        video.append(vid)
        watch.append(w)
    sess, typ, t = np.concatenate(sess), np.concatenate(typ), np.concatenate(t)
    video, watch = np.concatenate(video), np.concatenate(watch)
    keep = t < W.end_us
    sess, typ, t, video, watch = sess[keep], typ[keep], t[keep], video[keep], watch[keep]
    o = np.lexsort((typ, t))
    sess, typ, t, video, watch = sess[o], typ[o], t[o], video[o], watch[o]
    pos = np.searchsorted(E.t, t, side="right")
    new = dict(t=t, type=typ, sess=sess, target=np.full(len(t), -1), video=video, watch=watch,
               surface=np.zeros(len(t)), user=S.user[sess], day=W.day_of(t))
    for name, values in new.items():
        a = getattr(E, name)
        setattr(E, name, np.insert(a, pos, values.astype(a.dtype)))
    E.n += len(t)
    market_rows = np.zeros(E.n, bool)
    market_rows[pos + np.arange(len(pos))] = True
    W.protect[("app", "events")] = market_rows
    W.protect[("app", "users")] = np.r_[np.zeros(U.n - n_new, bool), np.ones(n_new, bool)]
    W.protect[("app", "videos")] = np.r_[np.zeros(V.n - nvid, bool), np.ones(nvid, bool)]
