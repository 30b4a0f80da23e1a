"""The rewards enrollment effect (fct_rewards_enrollment_effect) on the default
preset (conftest.default_dataset: the small preset has too few enrollees for a
cell with 5 creators on each side) against independent recomputations: the
creator x week panel rebuilt in pandas from the staged creators, videos and
enrollments, the group-time ATTs and their standard errors against the
`differences` package (a published Callaway-Sant'Anna implementation; skipped
with a reason when it is not installed), every row against a numpy
implementation of the influence-function aggregation and Welch's test, and the
simulator's truth (truth/enrollment_effects.csv): the DiD interval covers the
true ATT, the naive one does not, the pre-trend check does not reject."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

RTOL = 1e-9
Z = 1.959963984540054
MIN_CREATORS = 5   # dbt var enrollment_did_min_creators


def _enrollment_panel(creators, videos, enrollments, start, days):
    """Creator x week outcome (videos / 7), the enrollment week (NaN: never) and country
    of the creators registered before the window, over its full weeks."""
    weeks = days // 7
    creators = creators[creators.registered_at < start]
    offset = (videos.published_at.dt.floor("D") - start).dt.days
    keep = videos.creator_id.isin(creators.creator_id) & (offset >= 0) & (offset < 7 * weeks)
    counts = (videos[keep].assign(week=offset[keep] // 7).groupby(["creator_id", "week"]).size()
              .unstack(fill_value=0).reindex(index=creators.creator_id, columns=range(weeks), fill_value=0))
    y = counts / 7.0
    enrolled = enrollments[enrollments.program == "creator_rewards"].groupby("creator_id").enrolled_at.min()
    group = ((enrolled.dt.floor("D") - start).dt.days // 7).reindex(creators.creator_id)
    country = creators.set_index("creator_id").country
    return y, group, country


def _group_time_cells(y, group, country, min_creators=MIN_CREATORS, small_sample=True):
    """ATT(g, t) per country x g x t with at least min_creators treated and as many
    controls, with each creator's influence (Series by creator): (change - mean) / n
    on each side, times sqrt(n / (n - 1)) with small_sample (the mart's), so that a
    cell's variance is Welch's; without it, the published implementations' n."""
    rows = []
    weeks = list(y.columns)
    ever = group.notna()
    for c in sorted(country[ever].unique()):
        ids = y.index[ever & (country == c)]
        g_of = group[ids].astype(int)
        for g in sorted(g_of.unique()):
            if g < 1 or g > max(weeks):
                continue
            base = g - 1
            for t in weeks:
                if t == base:
                    continue
                treated = ids[g_of == g]
                control = ids[(g_of != g) & (g_of > max(t, base))]
                if min(len(treated), len(control)) < min_creators:
                    continue
                d_t = y.loc[treated, t] - y.loc[treated, base]
                d_c = y.loc[control, t] - y.loc[control, base]
                f_t, f_c = ((np.sqrt(len(treated) / (len(treated) - 1)), np.sqrt(len(control) / (len(control) - 1)))
                            if small_sample else (1.0, 1.0))
                infl = pd.concat([f_t * (d_t - d_t.mean()) / len(treated),
                                  -f_c * (d_c - d_c.mean()) / len(control)])
                rows.append(dict(country=c, g=g, t=t, e=t - g, att=d_t.mean() - d_c.mean(),
                                 se=float(np.sqrt((infl ** 2).sum())), n_treated=len(treated),
                                 n_control=len(control), influence=infl))
    return pd.DataFrame(rows, columns=["country", "g", "t", "e", "att", "se", "n_treated", "n_control",
                                       "influence"])


def _aggregate(cells):
    """Event-time ATTs (groups weighted by treated creators); overall (cells e >= 0) and
    pre-trend (cells e <= -2) weighted by treated creators; influences summed per creator."""
    events = {}
    for e, part in cells.groupby("e"):
        w = part.n_treated / part.n_treated.sum()
        infl = pd.concat([i * wi for wi, i in zip(w, part.influence)]).groupby(level=0).sum()
        events[e] = dict(att=float((w * part.att).sum()), influence=infl, cells=len(part),
                         n_treated=int(part.n_treated.sum()))
    out = {("event_time_att", e): dict(att=v["att"], se=float(np.sqrt((v["influence"] ** 2).sum())),
                                        cells=v["cells"])
           for e, v in events.items()}
    for kind, part in (("overall_att", cells[cells.e >= 0]), ("pre_trend", cells[cells.e <= -2])):
        if len(part):
            w = part.n_treated / part.n_treated.sum()
            infl = pd.concat([i * wi for wi, i in zip(w, part.influence)]).groupby(level=0).sum()
            out[(kind, None)] = dict(att=float((w * part.att).sum()), se=float(np.sqrt((infl ** 2).sum())),
                                     cells=len(part))
    return out


def _naive(y, group):
    ever = group.notna()
    post = pd.Series([y.loc[c, int(group[c]):].mean() for c in y.index[ever]])
    never = y[~ever].mean(axis=1)
    return post, never


@pytest.fixture(scope="module")
def default_build(default_dataset):
    """(folder of the default-preset build, its rows of fct_rewards_enrollment_effect,
    its staged creators, videos and enrollments)."""
    import duckdb

    from conftest import SANDBOX_DUCKDB

    con = duckdb.connect(str(default_dataset / SANDBOX_DUCKDB), read_only=True)
    try:
        rows = con.execute("select * from fct_rewards_enrollment_effect").df()
        creators = con.execute("select creator_id, country, registered_at from stg_creators__creators").df()
        videos = con.execute("select video_id, creator_id, published_at from stg_app__videos").df()
        enrollments = con.execute(
            "select creator_id, program, enrolled_at from stg_creators__rewards_enrollments").df()
    finally:
        con.close()
    return default_dataset, rows, creators, videos, enrollments


@pytest.fixture(scope="module")
def enrollment(default_build):
    root, _, creators, videos, enrollments = default_build
    flags = json.loads((root / "truth" / "run_summary.json").read_text())["flags"]
    start = pd.Timestamp(flags["start_date"])
    y, group, country = _enrollment_panel(creators, videos, enrollments, start, int(flags["days"]))
    return dict(y=y, group=group, country=country, start=start)


@pytest.fixture(scope="module")
def effect_rows(default_build):
    return default_build[1]


def test_group_time_atts_match_pandas(enrollment, effect_rows):
    cells = _group_time_cells(enrollment["y"], enrollment["group"], enrollment["country"])
    assert len(cells) > 0
    wh = effect_rows[effect_rows.estimate_kind == "group_time_att"].copy()
    start = enrollment["start"]
    wh["g"] = (pd.to_datetime(wh.enrollment_week_start) - start).dt.days // 7
    wh["t"] = (pd.to_datetime(wh.period_week_start) - start).dt.days // 7
    got = wh.set_index(["country", "g", "t"]).sort_index()
    want = cells.set_index(["country", "g", "t"]).sort_index()
    assert list(got.index) == list(want.index)
    np.testing.assert_allclose(got.estimate, want.att, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(got.std_error, want.se, rtol=RTOL, atol=1e-12)
    assert (got.treated_creators.values == want.n_treated.values).all()
    assert (got.control_creators.values == want.n_control.values).all()
    assert (got.weeks_since_enrollment.values == want.e.values).all()


def test_aggregates_and_naive_match_numpy(enrollment, effect_rows):
    cells = _group_time_cells(enrollment["y"], enrollment["group"], enrollment["country"])
    want = _aggregate(cells)
    rows = effect_rows[effect_rows.estimate_kind.isin(["event_time_att", "overall_att", "pre_trend"])]
    got = {(r.estimate_kind, None if pd.isna(r.weeks_since_enrollment) else int(r.weeks_since_enrollment)): r
           for r in rows.itertuples()}
    assert sorted(got, key=str) == sorted(want, key=str)
    for key, w in want.items():
        r = got[key]
        assert r.estimate == pytest.approx(w["att"], rel=RTOL, abs=1e-12), key
        assert r.std_error == pytest.approx(w["se"], rel=RTOL, abs=1e-12), key
        assert r.cells == w["cells"], key
        assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(w["att"] / w["se"])), rel=1e-9, abs=1e-15), key
    post, never = _naive(enrollment["y"], enrollment["group"])
    naive = effect_rows[effect_rows.estimate_kind == "naive_difference"].iloc[0]
    welch = stats.ttest_ind(post, never, equal_var=False)
    assert naive.is_biased_by_design
    assert (naive.treated_creators, naive.control_creators) == (len(post), len(never))
    assert naive.estimate == pytest.approx(post.mean() - never.mean(), rel=RTOL)
    assert naive.z_stat == pytest.approx(welch.statistic, rel=RTOL)
    assert not effect_rows[effect_rows.estimate_kind != "naive_difference"].is_biased_by_design.any()


def test_group_time_atts_match_differences_package(enrollment, effect_rows):
    """Each country's ATT(g, t) equals differences.ATTgt (universal base period,
    not-yet-treated controls, no covariates) on the same creator panel of that
    country, and so does the pandas reference's standard error without the
    small-sample factor (the package divides by n; the mart's factor is checked
    against the same reference with it, test_group_time_atts_match_pandas). The
    package's never-treated are the creators enrolling after the analysed weeks;
    creators never enrolled are not in the panel."""
    differences = pytest.importorskip(
        "differences", reason="the `differences` package (Callaway-Sant'Anna reference) is not installed: "
        "pip install differences (requirements-dev.txt)")
    y, group, country = enrollment["y"], enrollment["group"], enrollment["country"]
    wh = effect_rows[effect_rows.estimate_kind == "group_time_att"].copy()
    start = enrollment["start"]
    wh["g"] = (pd.to_datetime(wh.enrollment_week_start) - start).dt.days // 7
    wh["t"] = (pd.to_datetime(wh.period_week_start) - start).dt.days // 7
    plain = _group_time_cells(y, group, country, small_sample=False).set_index(["country", "g", "t"])
    compared = 0
    for c, part in wh.groupby("country"):
        ids = y.index[group.notna() & (country == c)]
        long = y.loc[ids].stack().rename("y").reset_index()
        long.columns = ["creator_id", "week", "y"]
        long["week"] = long.week.astype(int)
        cohort = group[ids].where(group[ids] <= max(y.columns))
        long["cohort"] = long.creator_id.map(cohort)
        long["entity"] = pd.factorize(long.creator_id)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            att = differences.ATTgt(long.set_index(["entity", "week"])[["y", "cohort"]], cohort_column="cohort",
                                    base_period="universal")
            res = att.fit("y", control_group="not_yet_treated", progress_bar=False)
        ref = res.to_pandas()["ATTgtElements"]
        ref = pd.DataFrame({"att": ref[("", "ATT")], "se": ref[("analytic", "std_error")]}).reset_index()
        for r in part.itertuples():
            hit = ref[(ref.cohort == r.g) & (ref.time == r.t)]
            assert len(hit) == 1, (c, r.g, r.t)
            assert abs(hit.att.iloc[0] - r.estimate) < 1e-6, (c, r.g, r.t)
            assert abs(hit.se.iloc[0] - plain.loc[(c, r.g, r.t), "se"]) < 1e-6, (c, r.g, r.t)
            assert r.std_error > hit.se.iloc[0], (c, r.g, r.t)
            compared += 1
    assert compared == len(wh)



def test_default_preset_did_covers_truth_and_naive_does_not(default_build):
    """On the default preset (conftest.default_dataset): the overall DiD interval covers
    the true ATT averaged over the same weeks since enrollment, the naive interval
    does not (the simulator's selection on trend and level), the pre-trend check
    does not reject."""
    default_dataset, rows = default_build[:2]
    rows = rows[rows.estimate_kind != "group_time_att"]
    truth = pd.read_csv(default_dataset / "truth" / "enrollment_effects.csv")
    truth = truth[truth.metric_name == "videos_published_per_creator_day"].set_index("weeks_since_enrollment")
    events = rows[rows.estimate_kind == "event_time_att"].set_index("weeks_since_enrollment")
    post = events[events.index >= 0]
    assert len(post) >= 3
    # overall_att weighs each cell by its treated creators: so does its truth
    true_overall = float(np.average(truth.true_att.reindex(post.index.astype(int)).fillna(0.0),
                                    weights=post.treated_creators))
    overall = rows[rows.estimate_kind == "overall_att"].iloc[0]
    naive = rows[rows.estimate_kind == "naive_difference"].iloc[0]
    pre = rows[rows.estimate_kind == "pre_trend"].iloc[0]
    assert overall.ci_lower <= true_overall <= overall.ci_upper, (overall.estimate, true_overall)
    assert not naive.ci_lower <= true_overall <= naive.ci_upper, (naive.estimate, true_overall)
    assert pre.p_value >= 0.05, pre.estimate


ENROLLMENT_REPLAYS = 800


@pytest.mark.slow
def test_did_intervals_cover_over_replays(tmp_path):
    """ENROLLMENT_REPLAYS replays of the default preset's enrollment
    (simulator replicate_enrollment_panels: same world, fresh trends,
    enrolment draws and posting), each estimated by this file's reference
    implementation (equal to the mart to 1e-6, tests above): the overall
    ATT's 95% interval covers the replay's true ATT at a rate inside the 99%
    binomial band around 95%, its standard error is within 15% of the
    estimates' spread, the estimate is unbiased (mean error within 3 standard
    errors of the mean), and the pre-trend check rejects at a rate inside the
    99% band around 5%."""
    from simulator.config import make_config
    from simulator.enrollment_selection import replicate_enrollment_panels
    cfg = make_config(str(tmp_path), "default", seed=42)
    rows = []
    for y, group, country, truth in replicate_enrollment_panels(cfg, ENROLLMENT_REPLAYS):
        cells = _group_time_cells(y, group, country)
        aggregates = _aggregate(cells)
        overall, pre = aggregates[("overall_att", None)], aggregates[("pre_trend", None)]
        post = cells[cells.e >= 0].groupby("e").n_treated.sum()
        true_att = truth.set_index("weeks_since_enrollment").true_att.reindex(post.index).fillna(0.0)
        rows.append(dict(estimate=overall["att"], std_error=overall["se"],
                         truth=float(np.average(true_att, weights=post.values)),
                         pre_trend_z=pre["att"] / pre["se"]))
    replays = pd.DataFrame(rows)
    error = replays.estimate - replays.truth
    coverage = np.mean(np.abs(error) <= Z * replays.std_error)
    pre_rejections = np.mean(np.abs(replays.pre_trend_z) > Z)
    n = len(replays)
    cover_band = stats.binom.ppf([0.005, 0.995], n, 0.95) / n
    reject_band = stats.binom.ppf([0.005, 0.995], n, 0.05) / n
    print(f"\n{n} enrollment replays: coverage {coverage:.3f} (99% band {cover_band[0]:.3f}-{cover_band[1]:.3f}), "
          f"mean SE {replays.std_error.mean():.4f} vs SD of errors {error.std():.4f}, mean error {error.mean():+.4f}, "
          f"pre-trend rejections {pre_rejections:.3f} (band {reject_band[0]:.3f}-{reject_band[1]:.3f}), "
          f"mean truth {replays.truth.mean():.4f}")
    assert cover_band[0] <= coverage <= cover_band[1]
    assert abs(replays.std_error.mean() / error.std() - 1) < 0.15
    assert abs(error.mean()) < 3 * error.std() / np.sqrt(n)
    assert reject_band[0] <= pre_rejections <= reject_band[1]
