"""``siteselect snapshot``: a PNG of the window at the requested size, clear errors otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from siteselect.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_snapshot_writes_a_png_of_the_requested_size(tmp_path, qapp, capsys):
    out = tmp_path / "window.png"
    assert main(["snapshot", str(out), "--size", "1200x800", "--require", "energy_cost<=9",
                 "--select", "tx"]) == 0
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1200, 800)
    # Not a blank image: the map and panels put many distinct colours on it.
    colours = {image.pixel(x, y) for x in range(0, 1200, 37) for y in range(0, 800, 29)}
    assert len(colours) > 20
    assert "wrote" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.tmp.png"))


def test_file_name_after_require_is_still_the_output(tmp_path, qapp):
    out = tmp_path / "gated.png"
    assert main(["snapshot", "--size", "900x600", "--require", "energy_cost<=9",
                 "tax_incentives>=0.5", str(out)]) == 0
    assert QImage(str(out)).size().width() == 900


def test_missing_output_name_is_one_clear_line(capsys):
    assert main(["snapshot"]) == 2
    assert "Name the PNG file" in capsys.readouterr().err


def test_snapshot_runs_without_a_display(tmp_path):
    out = tmp_path / "headless.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                            "QT_QPA_PLATFORM")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "snapshot", str(out), "--size", "900x600",
         "--weights", "energy_cost=3,talent=1"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["{tmp}/no/such/folder/x.png"], "does not exist"),
        (["{tmp}/x.jpg"], "must end in .png"),
        (["{tmp}/x.png", "--size", "big"], "WIDTHxHEIGHT"),
        (["{tmp}/x.png", "--size", "10x10"], "out of range"),
        (["{tmp}/x.png", "--weights", "nonsense=1"], "Unknown criterion"),
        (["{tmp}/x.png", "--require", "energy_cost<<9"], "The gate"),
        (["{tmp}/x.png", "--exclude", "XX"], "Unknown state"),
    ],
)
def test_bad_paths_and_options_give_one_line_and_status_2(tmp_path, capsys, args, needle):
    argv = ["snapshot"] + [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_headless_commands_do_not_import_qt():
    code = ("import sys, siteselect.cli as c; c.build_parser(); "
            "import siteselect.cli.snapshot, siteselect.cli.gui; "
            "assert not any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules), "
            "sorted(m for m in sys.modules if m.startswith('PySide6'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_colour_by_a_criterion_and_a_saved_scenario(tmp_path, qapp, capsys):
    """--colour-by paints the map by one criterion; --scenario/--db start from a saved one."""
    by_score, by_cost = tmp_path / "score.png", tmp_path / "cost.png"
    assert main(["snapshot", str(by_score), "--size", "1000x700"]) == 0
    assert main(["snapshot", str(by_cost), "--size", "1000x700",
                 "--colour-by", "energy_cost"]) == 0
    assert QImage(str(by_score)) != QImage(str(by_cost))
    db = tmp_path / "s.db"
    assert main(["scenario", "save", "Cheap power only", "--weights", "energy_cost=1",
                 "--db", str(db)]) == 0
    from_scenario, from_options = tmp_path / "scen.png", tmp_path / "opts.png"
    assert main(["snapshot", str(from_scenario), "--size", "1000x700",
                 "--scenario", "cheap power only", "--db", str(db)]) == 0
    assert main(["snapshot", str(from_options), "--size", "1000x700",
                 "--weights", "energy_cost=1"]) == 0
    assert QImage(str(from_scenario)) == QImage(str(from_options))
    capsys.readouterr()
    assert main(["snapshot", str(tmp_path / "x.png"), "--colour-by", "nonsense"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nonsense" in err
    assert not (tmp_path / "x.png").exists()
    assert main(["snapshot", str(tmp_path / "y.png"), "--scenario", "No such",
                 "--db", str(db)]) == 2
    assert "No such" in capsys.readouterr().err


def test_a_read_only_snapshot_file_is_refused_and_kept(tmp_path, qapp, capsys):
    target = tmp_path / "board.png"
    target.write_bytes(b"keep me")
    target.chmod(0o444)  # mode bits, so the refusal holds even for root
    assert main(["snapshot", str(target), "--size", "800x500"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "read-only" in err[0]
    assert target.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["board.png"]  # no temporary file left


def test_snapshot_of_the_counties_of_texas_shows_the_county_map(tmp_path, qapp, capsys):
    out = tmp_path / "texas.png"
    assert main(["snapshot", str(out), "--size", "1200x800", "--level", "county",
                 "--within", "TX", "--select", "48453"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    colours = {image.pixel(x, y) for x in range(0, 1200, 13) for y in range(0, 800, 11)}
    assert len(colours) > 60  # 254 counties in many shades, not one fill per state
    assert main(["snapshot", str(tmp_path / "x.png"), "--within", "TX"]) == 2
    assert "--level county" in capsys.readouterr().err
