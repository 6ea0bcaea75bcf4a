"""`python -m dashboard.users hash`: prints a hash only for a password worth hashing."""

from __future__ import annotations

import io

import pytest

from dashboard.users import MIN_PASSWORD_LENGTH, User, _main, check_password


def run(monkeypatch, capsys, argv: list[str], typed: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    code = _main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("typed", ["", "\n", "Tr0ub4dor\n", "x" * (MIN_PASSWORD_LENGTH - 1) + "\n"])
def test_an_empty_or_short_password_is_refused_and_nothing_is_printed(monkeypatch, capsys, typed):
    code, out, err = run(monkeypatch, capsys, ["hash"], typed)
    assert code != 0
    assert out == ""
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in err
    assert typed.strip() == "" or typed.strip() not in err  # the password is never echoed


@pytest.mark.parametrize("argv", [["hash", "--help"], ["--help"], ["-h"], ["hash", "-h"]])
def test_help_shows_usage_and_hashes_nothing(monkeypatch, capsys, argv):
    code, out, err = run(monkeypatch, capsys, argv, "correct horse battery staple\n")
    assert code == 0
    assert out.startswith("usage: python -m dashboard.users hash")
    assert "scrypt" not in out and "pbkdf2" not in out


@pytest.mark.parametrize("argv", [[], ["hsah"], ["hash", "extra"]])
def test_a_wrong_command_shows_usage_and_fails(monkeypatch, capsys, argv):
    code, out, err = run(monkeypatch, capsys, argv, "correct horse battery staple\n")
    assert code == 2 and out == "" and "usage:" in err


def test_a_long_enough_password_gets_a_hash_that_checks(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["hash"], "correct horse battery staple\n")
    assert code == 0 and err == ""
    hashed = out.strip()
    assert check_password(User("u", "viewer", None, hashed), "correct horse battery staple")
    assert not check_password(User("u", "viewer", None, hashed), "")
