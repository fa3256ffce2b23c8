"""Access tokens from the region's OpenID Connect provider, checked against its published keys."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import NotSignedInError, Role, StaffAuth, member_from_provider
from tests.support.oidc import FakeProvider, fake_provider
from tests.support.staff import staff_token

PERSON = {
    "sub": "user-42",
    "name": "Lena Region",
    "email": "lena@region.example",
    "email_verified": True,
    "realm_access": {"roles": ["council_member", "offline_access"]},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    with fake_provider(PERSON) as running:
        yield running


def _auth(provider: FakeProvider) -> StaffAuth:
    return StaffAuth(
        ServiceSettings(
            mongodb_database="x",
            http_port=1,
            staff_oidc_issuer=provider.issuer,
            staff_oidc_audience="digitalwell",
            staff_oidc_roles_claim="realm_access.roles",
        )
    )


def test_a_provider_token_signs_in_with_the_roles_from_its_claim(provider: FakeProvider) -> None:
    member = _auth(provider).verify(provider.sign(provider.claims("digitalwell")))

    assert member.name == "Lena Region"
    assert member.roles == {Role.COUNCIL_MEMBER}
    assert member.id == f"{provider.issuer.rstrip('/')}|user-42"
    assert member.email == "lena@region.example"


def test_a_provider_address_counts_only_when_the_provider_verified_it(
    provider: FakeProvider,
) -> None:
    claims = provider.claims("digitalwell", email="chair@example.org", email_verified=False)

    member = _auth(provider).verify(provider.sign(claims))

    assert member.email == ""
    assert member.name == "Lena Region"
    assert member.id.endswith("|user-42")  # the subject, not the address


def test_the_same_subject_at_another_issuer_is_another_person(provider: FakeProvider) -> None:
    here = member_from_provider({"iss": provider.issuer, "sub": "user-42"}, "roles")
    elsewhere = member_from_provider({"iss": "https://other.example", "sub": "user-42"}, "roles")

    assert here.id != elsewhere.id


@pytest.mark.parametrize(
    "changes",
    [{"aud": "someone-else"}, {"exp": int(time.time()) - 10}],
    ids=["another audience", "expired"],
)
def test_a_provider_token_for_someone_else_or_expired_is_refused(
    provider: FakeProvider, changes: dict[str, object]
) -> None:
    with pytest.raises(NotSignedInError):
        _auth(provider).verify(provider.sign(provider.claims("digitalwell", **changes)))


def test_a_token_signed_with_another_key_is_refused(provider: FakeProvider) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(NotSignedInError):
        _auth(provider).verify(provider.sign(provider.claims("digitalwell"), key=forger))


def test_digitalwell_tokens_still_work_beside_the_provider(provider: FakeProvider) -> None:
    auth = _auth(provider)
    own = staff_token(ServiceSettings(mongodb_database="x", http_port=1), Role.ADMINISTRATOR)

    assert auth.verify(own).roles == {Role.ADMINISTRATOR}
