"""Safe writing: atomic replacement, cancellation, unwritable paths, progress, no Qt in core."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from siteselect.errors import ExportError
from siteselect.exports import FORMATS, ExportCancelled, export, neutralise
from siteselect.exports.csv import metadata_path

ALL = list(FORMATS)


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".siteselect-export")]


class CancelAfter:
    """is_cancelled() that says yes from its n-th call on (so the export fails mid-write)."""

    def __init__(self, n):
        self.n = n
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls >= self.n


@pytest.mark.parametrize("fmt", ALL)
def test_cancel_mid_write_keeps_existing_file(tmp_path, rich_request, fmt):
    target = tmp_path / f"old{FORMATS[fmt][2]}"
    target.write_bytes(b"previous export")
    if fmt == "csv":
        metadata_path(target).write_bytes(b"previous metadata")
    # count the checkpoints of a full run, then cancel at the last one (inside the write)
    counter = CancelAfter(10**9)
    export(rich_request, fmt, tmp_path / f"probe{FORMATS[fmt][2]}", is_cancelled=counter)
    assert counter.calls >= 3
    with pytest.raises(ExportCancelled):
        export(rich_request, fmt, target, is_cancelled=CancelAfter(counter.calls))
    assert target.read_bytes() == b"previous export"
    if fmt == "csv":
        assert metadata_path(target).read_bytes() == b"previous metadata"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_cancel_at_once_writes_nothing(tmp_path, rich_request, fmt):
    target = tmp_path / f"new{FORMATS[fmt][2]}"
    with pytest.raises(ExportCancelled, match="cancelled"):
        export(rich_request, fmt, target, is_cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_failure_inside_writer_keeps_existing_file(tmp_path, rich_request):
    target = tmp_path / "r.pdf"
    target.write_bytes(b"keep me")

    def progress(fraction, message):
        if fraction > 0.5:
            raise RuntimeError("disk on fire")

    with pytest.raises(ExportError, match="RuntimeError: disk on fire") as info:
        export(rich_request, "pdf", target, progress=progress)
    assert "Traceback" in info.value.detail
    assert target.read_bytes() == b"keep me"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ALL)
def test_unwritable_paths(tmp_path, rich_request, fmt):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="plain.txt"):
        export(rich_request, fmt, a_file / f"out{FORMATS[fmt][2]}")
    with pytest.raises(ExportError, match="does not exist"):
        export(rich_request, fmt, tmp_path / "no" / "such" / f"out{FORMATS[fmt][2]}")
    with pytest.raises(ExportError, match="folder"):
        export(rich_request, fmt, tmp_path)
    assert a_file.read_text() == "x"


def test_overwrites_an_existing_file(tmp_path, rich_request):
    target = tmp_path / "r.csv"
    target.write_text("old")
    export(rich_request, "csv", target)
    assert target.read_text(encoding="utf-8-sig").startswith("rank,state,name,score")
    assert leftovers(tmp_path) == []


def test_progress_reaches_the_end(tmp_path, rich_request):
    seen = []
    export(rich_request, "xlsx", tmp_path / "p.xlsx", progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_unknown_format(tmp_path, rich_request):
    with pytest.raises(ExportError, match="Unknown export format 'doc'"):
        export(rich_request, "doc", tmp_path / "x.doc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-x", "'-x"), ("@A1", "'@A1"), ("\tcmd", "'\tcmd"),
     ("\rcmd", "'\rcmd"), ("Texas", "Texas"), ("", ""), (-2.5, -2.5), (3, 3), (None, None)],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_core_exports_run_without_qt(tmp_path):
    """CSV, XLSX, GeoJSON and PDF work with PySide6 unavailable."""
    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['pyqtgraph'] = None\n"
        "from siteselect.exports import make_request, export\n"
        "from siteselect.model.dataset import load_dataset\n"
        "from siteselect.model.settings import ScoringSettings\n"
        "req = make_request(load_dataset(), ScoringSettings(), top_n=5)\n"
        f"for fmt in ('csv', 'xlsx', 'geojson', 'gpkg', 'pdf'):\n"
        f"    export(req, fmt, r'{tmp_path}' + '/out.' + fmt)\n"
        "assert not any(m.startswith('PySide6') and sys.modules[m] for m in sys.modules)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in tmp_path.iterdir()} == {
        "out.csv", "out.meta.json", "out.xlsx", "out.geojson", "out.gpkg", "out.pdf"}


@pytest.mark.parametrize("fmt", ALL)
def test_preview_writes_nothing(tmp_path, monkeypatch, rich_request, fmt):
    from siteselect.exports.preview import preview

    monkeypatch.chdir(tmp_path)
    text = preview(rich_request, fmt)
    assert "Board draft — power first" in text and rich_request.dataset.version in text
    assert list(tmp_path.iterdir()) == []
    first = rich_request.result.alternatives[0]
    if fmt == "csv":
        assert "rank,state,name,score" in text
        assert f"\n1,{first},{rich_request.dataset.names[first]}," in text
    if fmt == "pdf":
        import pypdf

        out = export(rich_request, "pdf", tmp_path.parent / f"{tmp_path.name}-p.pdf")
        pages = len(pypdf.PdfReader(out).pages)
        assert f"{pages} pages" in text


# -- special files and abandoned temporary folders ----------------------------------------------
def special_targets(tmp_path):
    """A named pipe, a link to a device, a link to a folder and a dangling link."""
    fifo = tmp_path / "pipe.out"
    os.mkfifo(fifo)
    device = tmp_path / "null.out"
    device.symlink_to(os.devnull)
    folder_link = tmp_path / "folder.out"
    (tmp_path / "real-folder").mkdir()
    folder_link.symlink_to(tmp_path / "real-folder")
    dangling = tmp_path / "dangling.out"
    dangling.symlink_to(tmp_path / "nowhere")
    return {"pipe": fifo, "device": device, "folder": folder_link, "dangling": dangling}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("fmt", ALL)
def test_special_files_are_refused(tmp_path, rich_request, fmt):
    targets = special_targets(tmp_path)
    before = {p.name: (os.lstat(p).st_mode, os.path.islink(p)) for p in tmp_path.iterdir()}
    messages = {"pipe": "named pipe", "device": "device", "folder": "folder",
                "dangling": "does not exist"}
    for kind, target in targets.items():
        with pytest.raises(ExportError, match=messages[kind]):
            export(rich_request, fmt, target.with_name(target.name))
    after = {p.name: (os.lstat(p).st_mode, os.path.islink(p)) for p in tmp_path.iterdir()}
    assert after == before  # nothing replaced, no .meta.json beside, no temporary folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_check_target_is_the_one_rule(tmp_path):
    from siteselect.exports.common import check_target

    targets = special_targets(tmp_path)
    for target in targets.values():
        with pytest.raises(ExportError, match=str(target)):
            check_target(str(target))
    ro = tmp_path / "ro.json"
    ro.write_text("{}")
    ro.chmod(0o444)
    with pytest.raises(ExportError, match="read-only"):
        check_target(ro)
    link = tmp_path / "link.json"
    (tmp_path / "plain.json").write_text("{}")
    link.symlink_to(tmp_path / "plain.json")
    assert check_target(link) == link
    assert check_target(tmp_path / "new.json") == tmp_path / "new.json"


def test_killed_export_leaves_nothing_behind_the_next_one(tmp_path, rich_request):
    """An export killed mid-write leaves its hidden folder; the next export clears it."""
    code = (
        "import os, signal, sys\n"
        "from siteselect.exports.common import atomic_output\n"
        "with atomic_output([sys.argv[1]]) as (tmp,):\n"
        "    tmp.write_bytes(b'half a file')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    target = tmp_path / "r.csv"
    proc = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True)
    assert proc.returncode == -9
    assert len(leftovers(tmp_path)) == 1 and not target.exists()
    export(rich_request, "csv", target)
    assert leftovers(tmp_path) == []
    assert target.read_text(encoding="utf-8-sig").startswith("rank,state")


def test_running_exports_folder_is_kept(tmp_path):
    """Cleaning up never removes the folder of an export that is still writing."""
    from siteselect.exports.common import atomic_output, clean_stale_temporaries

    with atomic_output([tmp_path / "a.csv"]) as (tmp,):
        tmp.write_text("in progress")
        assert clean_stale_temporaries(tmp_path) == []
        assert tmp.read_text() == "in progress"
    assert (tmp_path / "a.csv").read_text() == "in progress"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ALL)
def test_preview_speaks_labels_and_units(dataset, fmt):
    """The preview a planner reads names criteria, gates and methods in words, not ids."""
    from siteselect.exports import make_request
    from siteselect.exports.preview import preview
    from siteselect.model.settings import Override, ScoringSettings, parse_gates

    settings = ScoringSettings(
        gates=parse_gates(["energy_cost<=9", "tax_incentives>=0.5"]),
        overrides=(Override("GA", "energy_cost", 5.5, ""),))
    text = preview(make_request(dataset, settings, top_n=5), fmt, size=(800, 500)
                   if fmt in ("png", "svg") else None)
    meta = text[text.index("Scenario:"):]
    for raw in ("energy_cost", "tax_incentives", "<=", ">=", "wsm", "minmax"):
        assert raw not in meta, raw
    assert "Energy cost (industrial) \u2264 9.00 cents/kWh" in meta
    assert "weighted sum" in meta and "min-max scaling" in meta
    # California fails both gates: both are named
    ca = next(line for line in meta.splitlines() if line.strip().startswith("California"))
    assert "fails 2 gates" in ca and "Data-center sales-tax exemption" in ca
    assert "Georgia: Energy cost (industrial) 5.5 cents/kWh" in meta


def test_a_link_to_a_file_is_written_through(tmp_path, rich_request):
    """-o LINK, where LINK points to a regular file: the file is updated, the link kept."""
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    real = real_dir / "board.csv"
    real.write_text("old")
    link = tmp_path / "board.csv"
    link.symlink_to(real)
    export(rich_request, "csv", link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8-sig").startswith("rank,state")
    assert leftovers(tmp_path) == [] and leftovers(real_dir) == []
