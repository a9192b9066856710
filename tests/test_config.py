from __future__ import annotations

import dataclasses

import pytest

from dashboard.config import SETTINGS, Settings


def test_every_setting_has_a_default_and_help():
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert set(fields) == {s.name for s in SETTINGS}
    for s in SETTINGS:
        assert s.help and fields[s.name] == s.default


def test_environment_overrides_defaults():
    settings = Settings.from_env(
        {"DATABASE_URL": "sqlite:///x.db", "PATHWAYS_SUPPRESSION_THRESHOLD": "10", "PATHWAYS_DEBUG": "yes"}
    )
    assert (settings.database_url, settings.suppression_threshold, settings.debug) == ("sqlite:///x.db", 10, True)


def test_bad_environment_value_is_named():
    with pytest.raises(ValueError, match="PATHWAYS_PORT"):
        Settings.from_env({"PATHWAYS_PORT": "eighty"})


@pytest.mark.parametrize(("raw", "expected"), [("on", True), ("OFF", False), ("1", True), ("no", False)])
def test_sign_in_is_on_unless_turned_off(raw, expected):
    assert Settings().auth is True and Settings().public is False
    assert Settings.from_env({"PATHWAYS_AUTH": raw}).auth is expected


def test_a_mistyped_switch_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="PATHWAYS_AUTH"):
        Settings.from_env({"PATHWAYS_AUTH": "of"})


def test_the_secret_key_is_never_printed():
    assert "s3cret" not in repr(Settings(secret_key="s3cret"))
