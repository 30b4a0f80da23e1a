"""fct_experiment_health and fct_experiment_health_by_segment (contracts/public_marts.md sections
2 and 5) against pandas + scipy: SRM per segment value on the small build, and, in a sandbox
whose landing zone has three extra experiments, SRM over 12 variants, an exposed variant
missing from the configuration, and first exposures outside [started_at, ended_at)."""
from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import SANDBOX_DUCKDB, run_sandbox, sandbox_env

SEGMENTS = ["country", "platform", "tier"]


def test_segment_health_matches_pandas_and_scipy(warehouse):
    """Every experiment x segment value x variant of fct_experiment_health (0 units included),
    the analysed units counted from int_experiment_unit_metrics_computed's attributes, and the
    chi-square p-value of scipy.stats.chisquare, to 1e-9."""
    units = warehouse.execute(
        "select distinct experiment_id, unit_id, variant, country, platform, tier "
        "from int_experiment_unit_metrics_computed").df()
    health = warehouse.execute(
        "select experiment_id, variant, expected_share from fct_experiment_health "
        "where data_source = 'platform'").df()
    by_segment = warehouse.execute("select * from fct_experiment_health_by_segment").df()
    expected_rows, zero_rows = 0, 0
    for (experiment_id, segment, value), got in by_segment.groupby(["experiment_id", "segment_name", "segment_value"]):
        shares = health[health["experiment_id"] == experiment_id].set_index("variant")["expected_share"]
        got = got.set_index("variant").loc[shares.index]  # KeyError: a variant missing
        seg = units[(units["experiment_id"] == experiment_id) & (units[segment] == value)]
        observed = seg["variant"].value_counts().reindex(shares.index, fill_value=0).to_numpy()
        assert (got["exposed_units"].to_numpy() == observed).all(), (experiment_id, segment, value)
        p = stats.chisquare(observed, observed.sum() * shares.to_numpy() / shares.sum()).pvalue
        assert (abs(got["srm_p_value"] - p) < 1e-9).all(), (experiment_id, segment, value, got["srm_p_value"].iloc[0], p)
        assert (got["has_srm"] == (p < 0.001)).all()
        expected_rows += len(shares)
        zero_rows += int((observed == 0).sum())
    assert len(by_segment) == expected_rows
    # every segment value with units in the simulated data has its row
    for segment in SEGMENTS:
        values = units.dropna(subset=[segment]).groupby(["experiment_id", segment]).size()
        got = by_segment[by_segment["segment_name"] == segment].groupby(["experiment_id", "segment_value"]).size()
        assert len(values) == len(got) > 0, segment
    assert zero_rows > 0  # the zero-unit rows exist in this data, so their presence is tested
    assert by_segment["has_srm"].any()  # exp_004's injected SRM shows in its segments


# --- a sandbox with three extra experiments landed beside the small dataset -------------------

TWELVE = [f"v{k:02d}" for k in range(1, 13)]
TWELVE_SHARES = [0.05, 0.05, 0.1, 0.1, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
TWELVE_UNITS = [40, 31, 86, 71, 52, 40, 77, 95, 80, 69, 84, 90]  # a mild imbalance: 0 < p < 1


def _extra_landing() -> tuple[pd.DataFrame, pd.DataFrame]:
    """exp_912: 12 variants. exp_913: control/treatment plus units exposed in `ghost`, a variant
    not configured, and units first exposed before started_at and at ended_at. exp_914: open
    (ended_at null), one unit first exposed before its start."""
    experiments = pd.DataFrame([
        dict(experiment_id="exp_912", experiment_name="twelve_way_split", domain="engagement",
             randomization_unit="user", control_variant="v01", variants=",".join(TWELVE),
             traffic_shares=",".join(f"{s:g}" for s in TWELVE_SHARES), started_at="2026-08-10 00:00:00",
             ended_at="2026-09-05 00:00:00", primary_metric="watch_seconds_per_user",
             hypothesis="Twelve arms.", _loaded_at="2026-08-10 00:30:00"),
        dict(experiment_id="exp_913", experiment_name="unexpected_variant", domain="engagement",
             randomization_unit="user", control_variant="control", variants="control,treatment",
             traffic_shares="0.5,0.5", started_at="2026-08-12 00:00:00", ended_at="2026-09-01 00:00:00",
             primary_metric="watch_seconds_per_user", hypothesis="A client logs a variant that is not configured.",
             _loaded_at="2026-08-12 00:30:00"),
        dict(experiment_id="exp_914", experiment_name="open_ended", domain="engagement",
             randomization_unit="user", control_variant="control", variants="control,treatment",
             traffic_shares="0.5,0.5", started_at="2026-08-15 00:00:00", ended_at=None,
             primary_metric="watch_seconds_per_user", hypothesis="Still running.",
             _loaded_at="2026-08-15 00:30:00"),
    ])
    rows = []

    def expose(experiment_id, unit, variant, at):
        rows.append(dict(exposure_id=f"xpo_{90000000 + len(rows)}", experiment_id=experiment_id,
                         unit_id=unit, variant=variant, exposed_at=at,
                         _loaded_at=str(pd.Timestamp(at) + pd.Timedelta(hours=1))))

    day = pd.Timestamp("2026-08-11 09:00:00")
    unit = 9000000
    for variant, n in zip(TWELVE, TWELVE_UNITS):
        for i in range(n):
            unit += 1
            expose("exp_912", f"usr_{unit}", variant, str(day + pd.Timedelta(minutes=7 * i)))
    for variant, n in [("control", 60), ("treatment", 55), ("ghost", 4)]:
        for i in range(n):
            unit += 1
            expose("exp_913", f"usr_{unit}", variant, str(pd.Timestamp("2026-08-14 10:00:00") + pd.Timedelta(minutes=i)))
    # first exposed before the start (then again inside: the first exposure decides)
    expose("exp_913", "usr_9100001", "control", "2026-08-11 20:00:00")
    expose("exp_913", "usr_9100001", "control", "2026-08-13 20:00:00")
    expose("exp_913", "usr_9100002", "control", "2026-08-11 21:00:00")
    # first exposed exactly at ended_at: outside the half-open window
    expose("exp_913", "usr_9100003", "treatment", "2026-09-01 00:00:00")
    # open experiment: inside however late, outside before the start
    expose("exp_914", "usr_9100004", "control", "2026-09-06 12:00:00")
    expose("exp_914", "usr_9100005", "treatment", "2026-08-16 12:00:00")
    expose("exp_914", "usr_9100006", "treatment", "2026-08-14 12:00:00")
    return experiments, pd.DataFrame(rows)


def _write_parquet(df: pd.DataFrame, path, timestamps: list[str]) -> None:
    """The raw contract's types: text columns VARCHAR, timestamps TIMESTAMP (microseconds)."""
    casts = ", ".join(f"cast({c} as timestamp) as {c}" if c in timestamps else f"cast({c} as varchar) as {c}"
                      for c in df.columns)
    con = duckdb.connect()
    con.register("frame", df)
    con.execute(f"copy (select {casts} from frame) to '{path}' (format parquet)")
    con.close()


def _landing_with_extras(sim_raw, root):
    """root/raw: symlinks to the small dataset's tables, with the extra rows as one more file
    in experimentation/experiments and experimentation/exposures."""
    raw = root / "raw"
    for system in sim_raw.iterdir():
        if system.name != "experimentation":
            (raw / system.name).parent.mkdir(parents=True, exist_ok=True)
            (raw / system.name).symlink_to(system)
    for table in (sim_raw / "experimentation").iterdir():
        target = raw / "experimentation" / table.name
        target.mkdir(parents=True)
        for landed in table.glob("*.parquet"):
            (target / landed.name).symlink_to(landed)
    experiments, exposures = _extra_landing()
    _write_parquet(experiments, raw / "experimentation" / "experiments" / "landed_2026-08-15_extra.parquet",
                   ["started_at", "ended_at", "_loaded_at"])
    _write_parquet(exposures, raw / "experimentation" / "exposures" / "landed_2026-09-06_extra.parquet",
                   ["exposed_at", "_loaded_at"])
    return raw, exposures


IMPORT_UNITS = {"a": 40, "b": 25, "c": 16}
IMPORT_SHARES = {"a": 0.5, "b": 0.25, "c": 0.25}


def _import_csv(path) -> None:
    """An imported three-arm experiment (contracts/public_marts.md section 3) with traffic shares."""
    lines = ["experiment_id,unit_id,variant,is_control,metric_name,numerator,traffic_share"]
    unit = 0
    for variant, n in IMPORT_UNITS.items():
        for _ in range(n):
            unit += 1
            lines.append(f"imp_three_arms,unit{unit},{variant},{str(variant == 'a').lower()},m,{unit % 7},"
                         f"{IMPORT_SHARES[variant]}")
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def extras(new_sandbox, warehouse_path, sim_dir):
    """The experimentation models rebuilt in full over a copy of the small build, with the
    extra experiments landed."""
    root = new_sandbox("experiment_health")
    shutil.copy(warehouse_path, root / SANDBOX_DUCKDB)
    raw, exposures = _landing_with_extras(sim_dir / "raw", root)
    imports = root / "imports"
    (imports / "experiments").mkdir(parents=True)
    _import_csv(imports / "experiments" / "imp_three_arms.csv")
    models = ["int_experiment_imports_validated", "base_experimentation__experiments", "base_experimentation__exposures", "stg_experimentation__experiments",
              "stg_experimentation__exposures", "int_experiment_exposures_deduplicated",
              "int_experiment_unit_days_aggregated", "int_experiment_unit_activity_summed",
              "int_experiment_unit_metrics_computed", "fct_experiment_health",
              "fct_experiment_health_by_segment"]
    result = run_sandbox(root, ["run", "--full-refresh", "--select", *models],
                         sandbox_env(root, raw, SV_IMPORTS_PATH=str(imports)))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    con = duckdb.connect(str(root / SANDBOX_DUCKDB), read_only=True)
    yield con, exposures
    con.close()


def _health(con, experiment_id) -> pd.DataFrame:
    return con.execute("select * from fct_experiment_health where experiment_id = ? order by variant",
                       [experiment_id]).df().set_index("variant")


def test_twelve_variants_get_every_row_and_scipys_p_value(extras):
    con, _ = extras
    health = _health(con, "exp_912")
    assert list(health.index) == TWELVE
    assert health["is_configured_variant"].all()
    assert (health["exposed_units"].to_numpy() == TWELVE_UNITS).all()
    assert np.allclose(health["expected_share"].to_numpy(), TWELVE_SHARES)
    observed = np.array(TWELVE_UNITS)
    shares = np.array(TWELVE_SHARES)
    p = stats.chisquare(observed, observed.sum() * shares / shares.sum()).pvalue
    assert 1e-6 < p < 0.5  # a p-value the test can tell from 0 and 1
    assert (abs(health["srm_p_value"] - p) < 1e-9).all(), (health["srm_p_value"].iloc[0], p)


def test_unconfigured_variant_is_counted_and_flags_srm(extras):
    con, _ = extras
    health = _health(con, "exp_913")
    assert list(health.index) == ["control", "ghost", "treatment"]
    ghost = health.loc["ghost"]
    assert not ghost["is_configured_variant"] and ghost["expected_share"] == 0 and ghost["exposed_units"] == 4
    assert health.loc[["control", "treatment"], "is_configured_variant"].all()
    # an expected count of 0 with units observed: the statistic is infinite, p = 0, flagged
    assert (health["srm_p_value"] == 0).all() and health["has_srm"].all() and health["srm_chi_square"].isna().all()
    segments = con.execute("select * from fct_experiment_health_by_segment where experiment_id = 'exp_913'").df()
    # the extra units are no app users: no attribute, no segment rows (nothing to test per segment)
    assert segments.empty


def test_first_exposures_outside_the_window_are_counted_and_not_analysed(extras):
    con, exposures = extras
    health = _health(con, "exp_913")
    assert health["exposures_outside_window"].to_dict() == {"control": 2, "ghost": 0, "treatment": 1}
    assert health["exposed_units"].to_dict() == {"control": 60, "ghost": 4, "treatment": 55}
    open_ended = _health(con, "exp_914")
    assert open_ended["exposures_outside_window"].to_dict() == {"control": 0, "treatment": 1}
    assert open_ended["exposed_units"].to_dict() == {"control": 1, "treatment": 1}
    outside = ["usr_9100001", "usr_9100002", "usr_9100003", "usr_9100006"]
    flagged = con.execute("select unit_id from int_experiment_exposures_deduplicated where is_outside_window "
                          "order by unit_id").df()["unit_id"].tolist()
    assert flagged == outside
    for model in ["int_experiment_unit_metrics_computed", "int_experiment_unit_activity_summed"]:
        analysed = set(con.execute(f"select distinct unit_id from {model} "
                                   "where experiment_id in ('exp_912', 'exp_913', 'exp_914')").df()["unit_id"])
        assert analysed.isdisjoint(outside), model
        # the others are analysed, the unconfigured variant's too (health flags the experiment)
        assert analysed == set(exposures["unit_id"]) - set(outside), model


def test_platform_experiments_unchanged_by_the_extras(extras, warehouse):
    """The extra landings touch only their own experiments (same end of data, same rows)."""
    con, _ = extras
    query = ("select * from fct_experiment_health where data_source = 'platform' "
             "and experiment_id not in ('exp_912', 'exp_913', 'exp_914') "
             "order by experiment_id, variant")
    pd.testing.assert_frame_equal(con.execute(query).df(), warehouse.execute(query).df())


def test_imports_are_configured_and_have_no_window(extras):
    """The import path: every variant of the file is configured, nothing is outside a window,
    and the SRM p-value is scipy's against the file's traffic_share."""
    con, _ = extras
    health = _health(con, "imp_three_arms")
    assert list(health.index) == list(IMPORT_UNITS)
    assert (health["data_source"] == "import").all()
    assert health["is_configured_variant"].all() and (health["exposures_outside_window"] == 0).all()
    observed = np.array(list(IMPORT_UNITS.values()))
    assert (health["exposed_units"].to_numpy() == observed).all()
    shares = np.array(list(IMPORT_SHARES.values()))
    p = stats.chisquare(observed, observed.sum() * shares).pvalue
    assert (abs(health["srm_p_value"] - p) < 1e-9).all()
