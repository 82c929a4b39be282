"""No cell of any CSV Podium writes is a formula to a spreadsheet, however it is disguised.

A speaker's title, name or company lands in the organisers' proposals.csv and the accepted.csv and
sched.csv exports; each disguise below is neutralised (a quote in front) in all three.
"""
import csv
import io

import pytest

from tests.conftest import sign_in
from tests.export import build_world
from voting.extensions import db

DISGUISES = [" =1+1", "  +cmd|' /C calc'!A0", "\u3000-2+3", "\xa0@SUM(A1)", "\t=1", "\r=1", "\n=1",
             "＝HYPERLINK(\"http://evil\")", "＋1", "－1", "＠SUM(1)", " ＝1", "﹦1", "\u200b=1", "\ufeff=1"]
CSVS = ("/events/expo/manage/proposals.csv", "/events/expo/export/accepted.csv",
        "/events/expo/export/sched.csv")


def cells_of(client, path):
    with client.get(path) as response:
        assert response.status_code == 200, path
        return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]


@pytest.mark.parametrize("path", CSVS)
def test_disguised_formulas_are_neutralised_in_every_csv(app, client, path):
    world = build_world()
    talk = world.talks["placed"]
    for disguise in DISGUISES:
        talk.title = f"{disguise} title"
        talk.speakers[0].user.speaker_profile.company = f"{disguise} company"
        db.session.commit()
        sign_in(client, world.organiser)
        cells = cells_of(client, path)
        titles = [cell for cell in cells if cell.endswith(" title")]
        assert titles == [f"'{disguise} title"], f"{disguise!r} in {path}"
        companies = [cell for cell in cells if cell.endswith(" company")]
        assert all(cell.startswith("'") for cell in companies), f"{disguise!r} in {path}: {companies}"


def test_plain_text_and_numbers_keep_their_first_character(app, client):
    world = build_world()
    world.talks["placed"].title = "Ceph: 2 + 2 = 4"
    db.session.commit()
    sign_in(client, world.organiser)
    cells = cells_of(client, "/events/expo/export/accepted.csv")
    assert "Ceph: 2 + 2 = 4" in cells
