"""The roster file: what ``make hub`` accepts, and the message for what it does not."""

from __future__ import annotations

import pytest
from conftest import ROOT

from classroom.roster import Member, RosterError, read_roster, write_roster


def roster(tmp_path, text: str):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def test_the_example_roster_reads():
    members = read_roster(ROOT / "classroom" / "roster.example.csv")
    assert [m.role for m in members].count("instructor") == 1 and len(members) >= 3


def test_round_trip(tmp_path):
    members = [Member("teacher", "instructor", "Ada Lovelace"), Member("alice", "student", "Alice Martin")]
    write_roster(tmp_path / "r.csv", members)
    assert read_roster(tmp_path / "r.csv") == members


@pytest.mark.parametrize("text, message", [
    ("username,role\nteacher,instructor\nAlice,student\n", ":3: 'Alice' is not a valid login"),
    ("username,role\nteacher,instructor\nal+ice,student\n", ":3: 'al+ice' is not a valid login"),
    ("username,role\nteacher,instructor\nalice,ta\n", ":3: role 'ta' of alice must be one of instructor, student"),
    ("username,role\nteacher,instructor\nalice,student\nalice,student\n", ":4: alice is listed twice"),
    ("username,role\nalice,student\n", "exactly one instructor (the owner of the course directory), found 0"),
    ("username,role\na,instructor\nb,instructor\n", "exactly one instructor (the owner of the course directory), "
                                                      "found 2: a, b"),
    ("name,login\nx,y\n", "the first line must be the header 'username,role,name'"),
])
def test_bad_rosters_say_which_line_and_why(tmp_path, text, message):
    with pytest.raises(RosterError) as err:
        read_roster(roster(tmp_path, text))
    assert message in str(err.value)


def test_a_missing_roster_says_where_to_start(tmp_path):
    with pytest.raises(RosterError, match="copy classroom/roster.example.csv"):
        read_roster(tmp_path / "nope.csv")
