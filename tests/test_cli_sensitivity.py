"""``siteselect sensitivity`` and ``siteselect weights`` from the command line."""

from __future__ import annotations

import json

import pytest

from siteselect.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_sensitivity_json_has_the_documented_fields_and_repeats_with_a_seed(capsys):
    argv = ("sensitivity", "--draws", "3000", "--seed", "42", "--top-k", "5",
            "--format", "json")
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    data = json.loads(out)
    for key in ("draws", "seed", "spread", "concentration", "top_k", "alternatives",
                "stability", "tornado"):
        assert key in data
    assert (data["draws"], data["seed"], data["spread"], data["top_k"]) == (3000, 42,
                                                                           "dirichlet", 5)
    assert data["concentration"] == 100
    assert len(data["alternatives"]) == 51
    first = data["alternatives"][0]
    for key in ("state", "code", "name", "base_rank", "rank_min", "rank_max", "rank_p05",
                "rank_p95", "p_top_k", "p_first", "acceptability"):
        assert key in first
    assert sum(first["acceptability"]) == pytest.approx(1.0)
    assert sum(a["p_first"] for a in data["alternatives"]) == pytest.approx(1.0)
    assert sum(a["p_top_k"] for a in data["alternatives"]) == pytest.approx(5.0)
    assert "keeping their proportions" in data["stability"]["convention"]
    assert data["stability"]["exact"] is True
    assert data["tornado"]["state"] == first["state"]
    code, again, _ = run(capsys, *argv)
    assert json.loads(again) == data


def test_sensitivity_table_uniform_and_tornado_state(capsys):
    code, out, err = run(capsys, "sensitivity", "--draws", "500", "--spread", "uniform",
                         "--tornado", "la", "--method", "topsis", "--seed", "1")
    assert code == 0, err
    assert "uniform over all weightings" in out
    assert "Tornado for Louisiana (LA)" in out
    assert "numeric" in out


@pytest.mark.parametrize("argv", [
    ("--draws", "0"), ("--draws", "2000000"), ("--seed", "-1"), ("--concentration", "0"),
    ("--spread", "normal"), ("--tornado", "ZZ"), ("--spread", "uniform", "--concentration", "5"),
    ("--require", "energy_cost<=1"),
])
def test_sensitivity_bad_options_get_one_line_and_exit_2(capsys, argv):
    code, out, err = run(capsys, "sensitivity", *argv)
    assert code == 2
    assert err.count("\n") == 1 and "error" in err


def test_weights_ahp_prints_cr_and_a_weights_option(capsys, tmp_path):
    code, out, err = run(capsys, "weights", "ahp", "--judgment", "energy_cost>talent=3",
                         "energy_cost>regulation=5", "talent>regulation=3", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [w["id"] for w in data["weights"]] == ["energy_cost", "talent", "regulation"]
    assert [round(w["weight"], 3) for w in data["weights"]] == [0.637, 0.258, 0.105]
    assert data["cr"] == pytest.approx(0.033, abs=1e-3) and data["consistent"] is True
    assert data["random_index_table"].startswith("Saaty")
    assert data["weights_option"] == "energy_cost=63.7,talent=25.8,regulation=10.5"
    # The option is accepted by rank as it is.
    code, out, err = run(capsys, "rank", "--weights", data["weights_option"], "--top", "3")
    assert code == 0, err
    f = tmp_path / "j.json"
    f.write_text(json.dumps({"judgments": ["energy_cost>talent=3"]}), encoding="utf-8")
    code, out, err = run(capsys, "weights", "ahp", "--file", str(f))
    assert code == 0 and "CR n/a" in out
    code, out, err = run(capsys, "weights", "ahp", "--judgment", "energy_cost>talent=3",
                         "talent>regulation=3")
    assert code == 2 and "energy_cost/regulation" in err
    f.write_text("[1, 2]", encoding="utf-8")
    code, out, err = run(capsys, "weights", "ahp", "--file", str(f))
    assert code == 2 and "expected an object" in err


def test_weights_rank_order_and_objective(capsys):
    code, out, err = run(capsys, "weights", "roc", "energy_cost", "talent", "regulation",
                         "tax_incentives", "--format", "json")
    assert code == 0, err
    assert [round(w["weight"], 4) for w in json.loads(out)["weights"]] == [
        0.5208, 0.2708, 0.1458, 0.0625]
    code, out, err = run(capsys, "weights", "rank-sum", "energy_cost", "energy_cost")
    assert code == 2 and "twice" in err
    code, out, err = run(capsys, "weights", "critic", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["states"] == 51 and sum(w["weight"] for w in data["weights"]) == pytest.approx(1)
    code, out, err = run(capsys, "weights", "entropy")
    assert code == 2 and "positive figures" in err
    code, out, err = run(capsys, "weights", "entropy", "energy_cost", "talent",
                         "--require", "energy_cost<=9")
    assert code == 0, err
    assert "Entropy weights from the figures of" in out


def test_data_uncertainty_is_listed_in_the_output(capsys):
    code, out, err = run(capsys, "sensitivity", "--draws", "300", "--seed", "2",
                         "--data-uncertainty", "--format", "json")
    assert code == 0, err
    listed = {d["id"]: d for d in json.loads(out)["data_uncertainty"]}
    assert set(listed) == {"energy_cost", "talent", "water_stress"}  # the weighted ones
    assert listed["energy_cost"]["range"] == "\u00b13 %" and listed["energy_cost"]["basis"]
    code, out, err = run(capsys, "sensitivity", "--draws", "300", "--seed", "2",
                         "--data-uncertainty")
    assert "Figures also varied" in out and "Baseline water stress \u00b11 category" in out


def test_top_k_above_the_ranked_count_is_refused(capsys):
    from siteselect.cli import main

    assert main(["sensitivity", "--top-k", "60", "--draws", "50", "--seed", "1"]) == 2
    assert "--top-k 60 is more than the 51 ranked states" in capsys.readouterr().err
