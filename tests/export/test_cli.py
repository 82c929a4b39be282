"""`flask export`: every format to standard output or to a file, the public's view, and its errors."""
import json

import pytest
from icalendar import Calendar

from tests.export import build_world
from tests.export.test_formats import SCHED_HEADER, validate_json, validate_xml
from voting.export.formats import FORMATS


def run(runner, *args):
    return runner.invoke(args=["export", "--event", "expo", *args])


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda fmt: fmt.option)
def test_each_format_goes_to_standard_output(app, runner, fmt):
    build_world()
    result = run(runner, "--format", fmt.option)
    assert result.exit_code == 0, result.output
    assert "Ceph at scale" in result.stdout
    assert "Wrote" not in result.stdout


def test_a_file_gets_the_export_and_stdout_stays_empty(app, runner, tmp_path):
    build_world()
    target = tmp_path / "schedule.xml"
    result = run(runner, "--format", "xml", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Wrote schedule.xml of expo (version 2)" in result.stderr
    validate_xml(target.read_bytes())


def test_json_and_ics_files_are_valid(app, runner, tmp_path):
    build_world()
    assert run(runner, "--format", "json", "--output", str(tmp_path / "s.json")).exit_code == 0
    validate_json((tmp_path / "s.json").read_text())
    assert run(runner, "--format", "ics", "-o", str(tmp_path / "s.ics")).exit_code == 0
    events = Calendar.from_ical((tmp_path / "s.ics").read_bytes()).walk("VEVENT")
    assert len(events) == 4  # the organisers' view: the unpublished acceptance too


def test_csv_files_keep_their_line_endings(app, runner, tmp_path):
    build_world()
    assert run(runner, "--format", "sched-csv", "-o", str(tmp_path / "sched.csv")).exit_code == 0
    raw = (tmp_path / "sched.csv").read_bytes()
    assert raw.startswith(",".join(SCHED_HEADER).encode() + b"\r\n")


def test_public_gives_what_the_public_sees(app, runner):
    build_world()
    organisers = json.loads(run(runner, "--format", "accepted-json").stdout)
    public = json.loads(run(runner, "--format", "accepted-json", "--public").stdout)
    assert "quiet" in {talk["slug"] for talk in organisers["talks"]}
    assert "quiet" not in {talk["slug"] for talk in public["talks"]}


def test_public_refuses_an_unpublished_schedule(app, runner):
    build_world(published=False)
    result = run(runner, "--format", "xml", "--public")
    assert result.exit_code == 1
    assert "not published yet" in result.stderr


def test_an_unknown_event_or_format_is_refused(app, runner):
    result = runner.invoke(args=["export", "--event", "nowhere", "--format", "xml"])
    assert result.exit_code == 1 and "No event is called 'nowhere'" in result.stderr
    result = run(runner, "--format", "pdf")
    assert result.exit_code == 2 and "pdf" in result.stderr


def test_a_large_export_shows_a_progress_bar_on_stderr_only(app, runner, tmp_path, monkeypatch):
    build_world()
    monkeypatch.setattr("voting.export.cli.PROGRESS_FROM", 1)
    result = run(runner, "--format", "accepted-csv")
    assert result.exit_code == 0
    assert "expo accepted.csv" in result.stderr
    assert "expo accepted.csv" not in result.stdout
