"""The consumer app (users, videos, sessions, events) and the creator roster.

Shapes: signups over time with new-user decay toward a persistent per-user
propensity, weekend-heavy activity, sessions in separate two-hour slots (gaps
well over 30 min), lognormal watch time, Zipf creator popularity, coordinated
rings that share devices and IPs.
"""
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .common import (COUNTRIES, COUNTRY_LANG, COUNTRY_P, DAY, DIURNAL_P, HOUR, MIN, PLATFORM_P,
                     PLATFORMS, SEC, TS_NULL, WEEKDAY_MULT, below, first_per_group,
                     group_cumsum_exclusive, in_slices, rank_within, time_of_day,
                     weekday_of_epoch_day)
from . import enrollment_selection
from .tables import Col, Table, enum_col, id_col, num_col, ts_col
from . import rollout_dynamics

AGE_BANDS = ["13-17", "18-24", "25-34", "35-44", "45+"]
CHANNELS = ["organic", "paid", "referral", "preinstall"]
EVENT_TYPES = ["app_open", "video_view", "like", "share", "comment", "follow", "unfollow", "search"]
SURFACES = ["for_you", "following", "search", "profile"]
VERSIONS = ["5.8.0", "5.9.2", "5.10.0", "5.11.1", "5.12.0", "5.13.0"]
CATEGORIES = ["comedy", "dance", "food", "gaming", "beauty", "sports", "education", "music",
              "pets", "travel"]
TIERS = ["nano", "micro", "mid", "macro", "mega"]
SLOT_P = DIURNAL_P.reshape(12, 2).sum(1)       # twelve two-hour session slots
# program rollout: launch cohorts as fractions of the window; PH launches after the
# window (not yet treated), TR and VN never launch (no row)
ROLLOUT_COHORTS = [(0.25, ["US", "GB", "DE"]), (0.45, ["BR", "MX", "FR", "JP"]),
                   (0.65, ["IN", "ID"])]
NOT_YET = ["PH"]
ROLLOUT_DELTA = rollout_dynamics.CONSTANT_DELTA   # the constant-effect case (--rollout-effect constant)


def random_ips(r, n):
    a = r.integers(11, 223, n)
    a = np.where(a == 127, 128, a)
    return (a << 24) | (r.integers(0, 256, n) << 16) | (r.integers(0, 256, n) << 8) | r.integers(1, 255, n)


# --------------------------------------------------------------------------- users
def gen_users(W):
    cfg, D = W.cfg, W.D
    r = W.rng("users")
    n = int(cfg.users)
    pre = r.random(n) < 0.6
    npre = int(pre.sum())
    signup = np.empty(n, np.int64)
    signup[pre] = W.start_us - ((1 + 540 * r.beta(1.0, 2.2, npre)) * DAY).astype(np.int64)
    w = W.season * (1 + 0.5 * np.arange(D) / D)          # growing, weekend-heavy signups
    d = r.choice(D, n - npre, p=w / w.sum())
    signup[~pre] = W.day_us[d] + time_of_day(r, n - npre)
    signup.sort()                                          # ids follow signup order
    U = SimpleNamespace(n=n, signup=signup)
    U.sday = W.day_of(signup)                              # negative for pre-window users
    U.country = r.choice(len(COUNTRIES), n, p=COUNTRY_P)
    U.platform = r.choice(3, n, p=PLATFORM_P)
    U.age_band = r.choice(5, n, p=[.12, .34, .28, .15, .11])
    U.channel = r.choice(4, n, p=[.55, .25, .15, .05])
    U.q = r.beta(2.0, 1.5, n)                  # persistent daily-activity propensity
    U.lam = r.gamma(2.0, 0.5, n)               # extra sessions per active day
    U.m = np.exp(r.normal(np.log(4.5), 0.6, n))  # views per session
    U.like_p = r.beta(2, 25, n)
    U.click = np.clip(np.exp(r.normal(-0.125, 0.5, n)), 0.1, 4.0)
    U.version0 = r.choice(4, n, p=[.1, .2, .3, .4])
    U.vshift = r.integers(0, 21, n)
    U.second_dev = r.random(n) < 0.2
    U.home_ip = random_ips(r, n)
    # households / NAT: some ordinary users share a home IP with another user
    hh = np.flatnonzero(r.random(n) < 0.08)
    U.home_ip[hh] = U.home_ip[r.integers(0, n, len(hh))]
    U.carrier_pool = random_ips(r, max(50, n // 30))
    # coordinated rings: ~1% of users in rings of 5-40 sharing devices and IPs
    target = int(round(cfg.ring_share * n))
    sizes, rem = [], target
    while rem >= 5:
        s = min(int(r.integers(5, 41)), rem)
        if 0 < rem - s < 5 and rem <= 40:
            s = rem
        sizes.append(s)
        rem -= s
    U.ring = np.full(n, -1, np.int64)
    members = r.choice(n, sum(sizes), replace=False) if sizes else np.array([], np.int64)
    U.ring[members] = np.repeat(np.arange(len(sizes)), sizes)
    U.ring_dev = [int(x) for x in r.integers(2, 6, len(sizes))]
    U.ring_ips = [random_ips(r, int(k)) for k in r.integers(1, 4, len(sizes))]
    W.truth["networks"] = pd.DataFrame({
        "network_id": [f"net_{k + 1:03d}" for k in U.ring[members]],
        "user_id": [f"u_{u:06d}" for u in members]}).sort_values(["network_id", "user_id"])
    return U


def users_table(W, U):
    r = W.rng("users_load")
    return Table("app", "users", {
        "user_id": id_col(np.arange(U.n), "u", 6),
        "signup_at": ts_col(U.signup),
        "country": enum_col(U.country, COUNTRIES),
        "platform": enum_col(U.platform, PLATFORMS),
        "age_band": enum_col(U.age_band, AGE_BANDS),
        "acquisition_channel": enum_col(U.channel, CHANNELS),
        "_loaded_at": ts_col(W.loaded(r, U.signup)),
    })


# --------------------------------------------------------------------------- creators
def gen_creators(W, U):
    r = W.rng("creators")
    n_c = max(20, int(round(W.cfg.creator_share * U.n)))
    pre_users = np.flatnonzero(U.signup < W.start_us)
    n_pre = min(len(pre_users), int(round(0.85 * n_c)))
    cu_pre = r.choice(pre_users, n_pre, replace=False)
    rest = np.setdiff1d(np.arange(U.n), cu_pre)
    cu_new = r.choice(rest, n_c - n_pre, replace=False)
    users = np.r_[cu_pre, cu_new]
    reg = np.r_[U.signup[cu_pre] + ((W.start_us - U.signup[cu_pre]) * r.random(n_pre)).astype(np.int64),
                np.zeros(len(cu_new), np.int64)]
    b = np.maximum(U.signup[cu_new], W.start_us)
    reg[n_pre:] = b + ((W.end_us - b) * r.uniform(0, 0.9, len(cu_new))).astype(np.int64)
    o = np.argsort(users)
    C = SimpleNamespace(n=n_c, user=users[o], reg=reg[o])
    C.country = U.country[C.user]
    C.pgc = r.random(n_c) < 0.06
    rank = r.permutation(n_c)
    C.pop = (rank + 1.0) ** -1.05 * np.where(C.pgc, 4.0, 1.0)   # Zipf popularity
    q = np.argsort(np.argsort(-C.pop)) / n_c                      # 0 = most popular
    C.tier = np.select([q < .01, q < .05, q < .20, q < .50], [4, 3, 2, 1], 0)
    C.category = r.integers(0, len(CATEGORIES), n_c)
    ver = C.pgc | ((C.tier >= 3) & (r.random(n_c) < 0.8)) | (r.random(n_c) < 0.03)
    vt = C.reg + (r.exponential(20, n_c) * DAY).astype(np.int64)
    C.verified = np.where(ver & (vt < W.end_us), vt, TS_NULL)
    C.base = np.where(C.pgc, np.exp(r.normal(np.log(0.8), 0.4, n_c)),
                      np.exp(r.normal(np.log(0.18), 0.8, n_c)))
    C.base = np.minimum(C.base, 3.0)
    C.of_user = np.full(U.n, -1, np.int64)
    C.of_user[C.user] = np.arange(n_c)
    # rollout: launch day per country (None = not within the window)
    launch = {}
    for frac, cs in ROLLOUT_COHORTS:
        for c in cs:
            launch[c] = int(round(frac * W.D))
    for c in NOT_YET:
        launch[c] = W.D + 21
    C.launch_day = np.array([launch.get(c, 10 ** 6) for c in COUNTRIES])[C.country]
    W.rollout_launch = launch
    return C


def creators_table(W, U, C):
    r = W.rng("creators_load")
    t = Table("creators", "creators", {
        "creator_id": id_col(C.user, "u", 6),
        "creator_type": enum_col(np.where(C.pgc, 0, 1), ["pgc", "ugc"]),
        "tier": enum_col(C.tier, TIERS),
        "primary_category": enum_col(C.category, CATEGORIES),
        "country": enum_col(C.country, COUNTRIES),
        "verified_at": ts_col(C.verified),
        "registered_at": ts_col(C.reg),
        "_loaded_at": ts_col(W.loaded(r, np.maximum(C.reg, C.verified))),
    })
    launch = W.rollout_launch
    cs = sorted(launch, key=lambda c: (launch[c], c))
    t2 = Table("creators", "program_rollouts", {
        "country": enum_col([COUNTRIES.index(c) for c in cs], COUNTRIES),
        "program": enum_col(np.zeros(len(cs)), ["creator_rewards"]),
        "launched_on": Col("date", np.array([(W.start_us // DAY) + launch[c] for c in cs])),
        "_loaded_at": ts_col(np.full(len(cs), W.backfill_us)),
    })
    return t, t2


# --------------------------------------------------------------------------- videos
def gen_videos(W, U, C):
    """Creator-day posting: rate_it = base_i * season_t + tau_it (Poisson), tau the rollout effect."""
    r = W.rng("videos")
    PRE = 30
    days = np.arange(-PRE, W.D)
    day_us = W.start_us + days * DAY
    season = WEEKDAY_MULT[weekday_of_epoch_day(day_us // DAY)]
    treated = days[None, :] >= C.launch_day[:, None]
    rate = C.base[:, None] * season[None, :] + rollout_dynamics.effect_matrix(W.cfg.rollout_effect, C.launch_day, days)
    rate += enrollment_selection.extra_rate(W, C, days, season)   # own trends, enrolment lift
    rate = rate * (C.reg[:, None] < day_us[None, :])             # registered before the day
    cnt = r.poisson(rate)
    ci, di = np.nonzero(cnt)
    k = cnt[ci, di]
    ci, di = np.repeat(ci, k), np.repeat(di, k)
    pub = day_us[di] + time_of_day(r, len(ci))
    o = np.argsort(pub, kind="stable")
    ci, pub = ci[o], pub[o]
    n = len(ci)
    V = SimpleNamespace(n=n, creator=ci, user=C.user[ci], pub=pub)
    V.pday = W.day_of(pub)
    V.duration = np.clip(np.exp(r.normal(np.log(24), 0.7, n)), 5, 180).astype(np.int32)
    V.category = np.where(r.random(n) < 0.8, C.category[ci], r.integers(0, len(CATEGORIES), n))
    langs = sorted(set(COUNTRY_LANG.values()))
    V.lang = np.where(r.random(n) < 0.9,
                      np.array([langs.index(COUNTRY_LANG[c]) for c in COUNTRIES])[C.country[ci]],
                      langs.index("en"))
    V.langs = langs
    V.quality = np.exp(r.normal(0, 0.5, n))
    ring_creator = U.ring[V.user] >= 0
    V.violating = r.random(n) < W.cfg.violating_share * np.where(ring_creator, 5, 1)
    V.removed = np.full(n, np.iinfo(np.int64).max, np.int64)
    # creator-day panel for the rollout truth (structural delta and panel size)
    W.rollout_panel = dict(creator_days=int((rate[:, PRE:] > 0).sum()),
                           treated_creator_days=int((treated[:, PRE:] & (rate[:, PRE:] > 0)).sum()))
    return V


def videos_table(W, V):
    r = W.rng("videos_load")
    return Table("app", "videos", {
        "video_id": id_col(np.arange(V.n), "v", 6),
        "creator_id": id_col(V.user, "u", 6),
        "published_at": ts_col(V.pub),
        "duration_s": num_col("i32", V.duration),
        "category": enum_col(V.category, CATEGORIES),
        "language": enum_col(V.lang, V.langs),
        "_loaded_at": ts_col(W.loaded(r, V.pub, 1, 30)),
    })


# --------------------------------------------------------------------------- activity
def gen_sessions(W, U):
    r = W.rng("sessions")
    D, n = W.D, U.n
    d = np.arange(D)[None, :]
    age = d - U.sday[:, None]
    P = U.q[:, None] * W.season[None, :] * (0.45 + 0.55 * np.exp(-(age - 1) / 6.0))
    for a in W.anomalies:
        if a["metric_name"] == "dau":
            rows = _slice(U, a)
            P[rows, a["day"]] *= a["mult"]
    P = np.minimum(P, 0.97)
    A = r.random((n, D)) < P
    A &= age >= 0
    A |= age == 0                                        # signup day is active
    ui, di = np.nonzero(A)
    signup_day = di == U.sday[ui]
    k = np.minimum(1 + r.poisson(U.lam[ui]), 6)
    k[signup_day] = 1
    keys = np.log(SLOT_P)[None, :] + r.gumbel(size=(len(ui), 12))
    order = np.argsort(-keys, axis=1)                    # distinct weighted slots per day
    s_ud = np.repeat(np.arange(len(ui)), k)
    slot = order[s_ud, rank_within(k)]
    t0 = W.day_us[di[s_ud]] + slot * 2 * HOUR + r.integers(0, 40 * MIN, len(s_ud))
    su = ui[s_ud]
    sd = signup_day[s_ud]
    t0[sd] = U.signup[su[sd]] + r.integers(5 * SEC, 60 * SEC, int(sd.sum()))
    o = np.lexsort((t0, su))
    S = SimpleNamespace(n=len(o), user=su[o], t0=t0[o], day=di[s_ud][o])
    ns = S.n
    ring = U.ring[S.user]
    in_ring = (ring >= 0) & (r.random(ns) < 0.85)
    S.device = S.user * 2 + (U.second_dev[S.user] & (r.random(ns) < 0.3))
    ring_dev_n = np.array(U.ring_dev + [1])[ring]
    S.device = np.where(in_ring, 10_000_000 + ring * 10 + (r.random(ns) * ring_dev_n).astype(np.int64),
                        S.device)
    home = r.random(ns) < 0.6
    S.ip = np.where(home, U.home_ip[S.user],
                    U.carrier_pool[r.integers(0, len(U.carrier_pool), ns)])
    if in_ring.any():
        ri = np.flatnonzero(in_ring)
        pick = r.random(len(ri))
        S.ip[ri] = [U.ring_ips[g][int(p * len(U.ring_ips[g]))] for g, p in zip(ring[ri], pick)]
    S.hint_null = (U.platform[S.user] == 2) | (r.random(ns) < 0.12)
    S.first_of_day = first_per_group(S.user * (W.D + 1) + S.day)
    return S


def _slice(U, a):
    if a["dimension_name"] == "country":
        return U.country == COUNTRIES.index(a["dimension_value"])
    return U.platform == PLATFORMS.index(a["dimension_value"])


# --------------------------------------------------------------------------- events
def gen_events(W, U, C, V, S, X):
    """Views, interactions and reports. X: experiments by number.

    Event-level arrays use compact dtypes (int32 indexes and ids, int16 codes and
    days) and are built one column at a time, freeing intermediates early: at 100M
    events each byte per event is ~0.1 GiB. The draws and values are unchanged.
    """
    r = W.rng("events")
    ns = S.n
    s_user = S.user.astype(np.int32)
    # CUPED experiment: more views per session after exposure
    n_v = r.poisson(U.m[S.user] * X[2].multiplier(S.user, S.t0))
    vs = np.repeat(np.arange(ns, dtype=np.int32), n_v)
    vu = s_user[vs]
    vday = S.day.astype(np.int16)[vs]
    vid = np.empty(len(vs), np.int32)
    # creator experiment: day-level boost of treated creators' videos once exposed
    xc = X[9]
    c_first_day = np.where(xc.first < np.iinfo(np.int64).max,
                           W.day_of(np.minimum(xc.first, W.end_us)), 10 ** 6)
    c_mult = 1.0 + xc.metric_effect[np.maximum(xc.arm, 0)] * (xc.arm > 0)
    end_day = W.day_of(xc.end_us)
    by_day = np.argsort(vday, kind="stable")
    bounds = np.searchsorted(vday[by_day], np.arange(W.D + 1).astype(vday.dtype))
    for d in range(W.D):
        idx = by_day[bounds[d]:bounds[d + 1]]
        if len(idx) == 0:
            continue
        ok = (V.pub < W.day_us[d]) & (V.removed > W.day_us[d])
        cand = np.flatnonzero(ok)
        age = d - V.pday[cand]
        w = C.pop[V.creator[cand]] * V.quality[cand] * np.exp(-age / 7.0)
        boost = (c_first_day[V.creator[cand]] <= d) & (d < end_day)
        w = w * np.where(boost, c_mult[V.creator[cand]], 1.0)
        vid[idx] = cand[r.choice(len(cand), len(idx), p=w / w.sum())]
    by_day = idx = None   # idx is a view of by_day
    comp = r.normal(np.log(0.45), 0.9, len(vs))
    np.exp(comp, out=comp)
    np.clip(comp, 0.02, 3.0, out=comp)
    watch = V.duration[vid] * 1000.0
    watch *= comp
    del comp
    watch *= in_slices(len(vs), lambda a, b: X[1].multiplier(vu[a:b], S.t0[vs[a:b]]))
    for a in W.anomalies:
        if a["metric_name"] == "watch_seconds_per_dau":
            m = (vday == a["day"]) & _slice(U, a)[vu]
            watch[m] *= a["mult"]
    del vday
    np.round(watch, out=watch)
    np.maximum(watch, 100, out=watch)
    watch = watch.astype(np.int64)
    off = r.integers(300_000, 3_000_000, len(vs))     # gap between views
    off += watch
    off = group_cumsum_exclusive(off, n_v)
    off += 2 * SEC
    vt = S.t0[vs]
    vt += off
    surface = r.choice(4, len(vs), p=[.75, .12, .07, .06]).astype(np.int16)
    keep = off < 35 * MIN
    del off
    keep &= vt < V.removed[vid]
    vs = vs[keep]
    vu = vu[keep]
    vid = vid[keep]
    vt = vt[keep]
    surface = surface[keep]
    watch = watch[keep].astype(np.int32)   # < 2 M ms
    del keep
    s_len = np.full(ns, 60 * SEC, np.int64)
    np.maximum.at(s_len, vs, vt + watch - S.t0[vs])

    P = {k: [] for k in ("sess", "typ", "t", "video", "target", "w", "surf")}

    def add(sess, typ, t, video=None, target=None, w=None, surf=None):
        m = len(sess)
        for k, x, dt in (("sess", sess, np.int32), ("typ", np.full(m, typ, np.int16), np.int16),
                         ("t", t, np.int64), ("video", video, np.int32), ("target", target, np.int32),
                         ("w", w, np.int32), ("surf", surf, np.int16)):
            P[k].append(np.full(m, -1, dt) if x is None else np.asarray(x).astype(dt, copy=False))

    def inside(m):
        """A moment inside the view, for the views `m` (drawn for every view)."""
        x = r.random(len(vs))[m]
        x *= watch[m]
        return vt[m] + x.astype(np.int64)

    add(np.arange(ns, dtype=np.int32), 0, S.t0)
    add(vs, 1, vt, vid, None, watch, surface)
    like = below(r.random(len(vs)), lambda a, b: U.like_p[vu[a:b]] * X[4].multiplier(vu[a:b], S.t0[vs[a:b]]))
    add(vs[like], 2, inside(like), vid[like], None, None, surface[like])
    del like
    for typ, p in ((3, 0.012), (4, 0.02)):
        m = r.random(len(vs)) < p
        add(vs[m], typ, inside(m), vid[m], None, None, surface[m])
    fol = np.flatnonzero(below(r.random(len(vs)), lambda a, b: np.where(U.ring[vu[a:b]] >= 0, 0.05, 0.008)))
    tgt = V.user[vid[fol]]
    # ring members mostly follow each other
    in_ring = U.ring[vu[fol]] >= 0
    if in_ring.any():
        ring_f = fol[in_ring]
        members = {g: np.flatnonzero(U.ring == g) for g in np.unique(U.ring[vu[ring_f]])}
        pick = r.random(len(ring_f))
        tgt[in_ring] = [members[g][int(p * len(members[g]))] for g, p in zip(U.ring[vu[ring_f]], pick)]
    add(vs[fol], 5, inside(fol), None, tgt, None, surface[fol])
    del vs, vu, vid, vt, watch, surface, fol, tgt
    uf = np.flatnonzero(r.random(ns) < 0.03)
    uf_t = S.t0[uf] + (r.random(len(uf)) * s_len[uf]).astype(np.int64)
    uf_target = C.user[r.choice(C.n, len(uf), p=C.pop / C.pop.sum())]
    add(uf, 6, uf_t, None, uf_target, None, np.full(len(uf), 3))
    nse = r.poisson(0.25, ns)
    se = np.repeat(np.arange(ns), nse)
    add(se, 7, S.t0[se] + (r.random(len(se)) * s_len[se]).astype(np.int64), None, None, None,
        np.full(len(se), 2))

    def column(k):   # one column of every part, its parts dropped
        return np.concatenate(P.pop(k))

    t = column("t")
    keep = t < W.end_us
    sess, target = column("sess"), column("target")
    keep &= (target < 0) | (target != s_user[sess])
    t = t[keep]
    typ = column("typ")[keep]
    o = np.lexsort((typ, t))
    E = SimpleNamespace(n=len(t))
    E.t = t[o]
    del t
    E.type = typ[o]
    del typ
    E.sess = sess[keep][o]
    del sess
    E.target = target[keep][o]
    del target
    for k, name in (("video", "video"), ("w", "watch"), ("surf", "surface")):
        setattr(E, name, column(k)[keep][o])
    del keep, o
    E.user = s_user[E.sess]
    day = E.t - W.start_us
    day //= DAY
    E.day = day.astype(np.int16)
    del day

    # reports: viewers flag violating videos far more often than others
    is_view = np.flatnonzero(E.type == 1)

    def p_report(a, b):
        ev = is_view[a:b]
        return (np.where(V.violating[E.video[ev]], 0.02, 0.0004)
                * X[10].multiplier(E.user[ev], S.t0[E.sess[ev]]))
    rep = is_view[below(r.random(len(is_view)), p_report)]
    del is_view
    R = SimpleNamespace(user=E.user[rep], video=E.video[rep],
                        t=E.t[rep] + E.watch[rep] + r.integers(SEC, 30 * SEC, len(rep)))
    R.keep = R.t < W.end_us
    return E, R


def events_table(W, U, S, E):
    """app.events without _loaded_at (see events_loaded), sharing E's arrays (E must
    not be used once faults are applied).
    Session attributes (hint, device, IP) and the user's country and platform are
    lookups through the event's session, so they cost no memory per event."""
    ver = U.vshift[E.user]
    ver += E.day
    ver //= 21
    ver += U.version0[E.user]
    np.clip(ver, 0, len(VERSIONS) - 1, out=ver)
    ver = ver.astype(np.int16)
    hint = np.where(S.hint_null, -1, np.arange(1, S.n + 1))
    return Table("app", "events", {
        "event_id": id_col(np.arange(1, E.n + 1, dtype=np.int32 if E.n < 2 ** 31 - 1 else np.int64), "evt", 9),
        "user_id": id_col(E.user, "u", 6),
        "event_type": enum_col(E.type, EVENT_TYPES),
        "event_at": ts_col(E.t),
        "session_hint": id_col(E.sess, "ses", 8, lut=hint),
        "video_id": id_col(E.video, "v", 6),
        "target_user_id": id_col(E.target, "u", 6),
        # -1 (null) rows are masked when written, so E.watch is used as is
        "watch_ms": num_col("i64", E.watch, null=E.watch < 0),
        "surface": enum_col(E.surface, SURFACES),
        "country": Col("enum", E.sess, COUNTRIES, lut=U.country[S.user].astype(np.int16)),
        "platform": Col("enum", E.sess, PLATFORMS, lut=U.platform[S.user].astype(np.int16)),
        "app_version": enum_col(ver, VERSIONS),
        "device_id": id_col(E.sess, "dev", 8, lut=S.device),
        "ip_address": Col("ip", E.sess, lut=S.ip),
    })


def events_loaded(W, t):
    """Add app.events' _loaded_at (last column). Done after the prevalence sample and
    payouts, the most memory-hungry steps, as nothing before needs it."""
    r = W.rng("events_load")
    t.cols["_loaded_at"] = ts_col(W.loaded(r, t.cols["event_at"].data, 1, 45))
