import os

import pytest

from digitalwell_ops import generate
from digitalwell_ops.environment import settings_of, settings_table
from digitalwell_ops.system import SERVICES
from tests.support.repository import ROOT


def test_every_generated_file_is_what_the_code_generates() -> None:
    stale = generate.out_of_date(ROOT)
    assert stale == [], (
        f"out of date: {stale}. These files are generated from the code (settings classes, "
        "event contracts, services' publishers and consumers): run `make generate` and commit."
    )


def test_the_readme_lists_every_environment_variable_of_every_service() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme
    for service in SERVICES:
        for setting in settings_of(service):
            shared = f"`<PREFIX>{setting.field.upper()}`"
            assert f"`{setting.env}`" in readme or shared in readme, setting.env


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_writing_out_the_defaults_reads_back_the_same_settings(service, monkeypatch) -> None:
    for name in list(os.environ):
        if name.startswith(service.env_prefix):
            monkeypatch.delenv(name)
    defaults = service.settings_class()
    for setting in settings_of(service):
        if setting.default is not None:
            monkeypatch.setenv(setting.env, setting.default)
    assert service.settings_class() == defaults


def test_generating_into_an_empty_folder_writes_every_file_and_then_nothing_is_stale(
    tmp_path,
) -> None:
    (tmp_path / "README.md").write_text(
        "x\n<!-- settings-table:start -->\n<!-- settings-table:end -->\n"
    )
    (tmp_path / "contracts/schemas").mkdir(parents=True)
    (tmp_path / "contracts/schemas/retired.v1.json").write_text("{}")
    written = generate.write(tmp_path)
    assert "docker-compose.yml" in written
    assert "contracts/schemas/retired.v1.json" in written  # removed: no event has that topic
    assert not (tmp_path / "contracts/schemas/retired.v1.json").exists()
    assert generate.out_of_date(tmp_path) == []
    assert generate.write(tmp_path) == []


def test_a_readme_without_the_markers_is_refused_before_anything_is_written(tmp_path) -> None:
    (tmp_path / "README.md").write_text("no markers\n")
    with pytest.raises(ValueError, match="settings-table:start"):
        generate.write(tmp_path)
    assert list(tmp_path.iterdir()) == [tmp_path / "README.md"]
