"""`digitalwell staff-key`: a key pair whose tokens every service verifies."""

from __future__ import annotations

import pytest

from digitalwell_intake.staff_tokens import TokenIssuer
from digitalwell_ops.cli import main
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import Role, StaffAuth


def test_a_new_staff_key_signs_tokens_its_public_half_verifies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["staff-key", "--key-id", "k2027"])
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    issuer = TokenIssuer(lines["INTAKE_STAFF_SIGNING_KEY"], session_minutes=480, idle_minutes=30)
    auth = StaffAuth(
        ServiceSettings(
            mongodb_database="x",
            http_port=1,
            staff_verify_keys=lines["<PREFIX>STAFF_VERIFY_KEYS"],
        )
    )

    token = issuer.issue(staff_id="s", email="a@example.org", name="A", roles=[Role.ADMINISTRATOR])

    assert done.value.code == 0
    assert lines["<PREFIX>STAFF_VERIFY_KEYS"].startswith("k2027:")
    assert auth.verify(token.token).roles == {Role.ADMINISTRATOR}
