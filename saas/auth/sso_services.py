"""Single sign-on with OpenID Connect, configured per tenant by its admins.

Provider administration and the two halves of the sign-in flow (authorization code with
PKCE, state and nonce). Like every service, these functions flush and never commit.

Outbound HTTP goes to addresses an admin typed, so it is fenced: https only, no private or
loopback addresses (``TRELLIS_SSO_ALLOW_PRIVATE_ISSUERS`` lifts both, for development and
tests), no redirects followed, and a timeout on every request.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import select

from saas import clock, security_log
from saas.auth import encryption
from saas.auth import services as accounts
from saas.auth.models import SsoProvider, User
from saas.auth.roles import MEMBER
from saas.billing.features import require_feature
from saas.db import db
from saas.errors import Conflict, NotFound, UserError, ValidationFailed
from saas.ids import parse_id
from tenants.scoping import require_tenant_id

log = logging.getLogger(__name__)

ALLOW_PRIVATE_ISSUERS = "TRELLIS_SSO_ALLOW_PRIVATE_ISSUERS"
SCOPE = "openid email profile"
TIMEOUT = (5, 10)  # seconds: connect, read
FLOW_TTL_SECONDS = 10 * 60
CLOCK_LEEWAY_SECONDS = 60
# Signatures checked with the provider's published keys; never "none", never HMAC.
SIGNING_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)


class SsoFailed(UserError):
    """The sign-in could not be completed (expired attempt, provider error, bad token)."""

    status = 400
    code = "sso_failed"


class SsoRefused(UserError):
    """The provider vouched for someone this workspace does not let in."""

    status = 403
    code = "sso_refused"


# The client secret at rest ----------------------------------------------------------------


_SECRET_KEY_SALT = b"trellis-sso-client-secret"
_SECRET_KEY_INFO = b"sso_providers.client_secret_encrypted v1"


def encrypt_secret(secret: str) -> str:
    return encryption.encrypt(secret, salt=_SECRET_KEY_SALT, info=_SECRET_KEY_INFO)


def decrypt_secret(token: str) -> str:
    try:
        return encryption.decrypt(token, salt=_SECRET_KEY_SALT, info=_SECRET_KEY_INFO)
    except encryption.UnreadableSecret:
        raise SsoFailed(
            "The client secret of this provider can no longer be read (the server key "
            "changed). An admin must enter it again under Single sign-on."
        ) from None


# Administration ---------------------------------------------------------------------------


def _private_issuers_allowed() -> bool:
    return bool(current_app.config.get(ALLOW_PRIVATE_ISSUERS))


def _clean_text(value: str | None, *, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"Enter the {label}.", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"Use at most {max_length} characters.", field=field)
    return value


def clean_issuer(issuer: str | None) -> str:
    """The issuer URL as the provider spells it (it must match the tokens' ``iss`` exactly)."""
    issuer = _clean_text(issuer, field="issuer", label="issuer URL", max_length=500)
    try:
        parts = urlsplit(issuer)
    except ValueError:
        raise ValidationFailed("Enter a URL.", field="issuer") from None
    allowed = ("https", "http") if _private_issuers_allowed() else ("https",)
    if parts.scheme not in allowed:
        raise ValidationFailed("The issuer URL must start with https://.", field="issuer")
    if not parts.hostname:
        raise ValidationFailed("Enter a URL.", field="issuer")
    if parts.query or parts.fragment:
        raise ValidationFailed(
            "The issuer URL has no ? or # part. Copy it from the provider's settings.",
            field="issuer",
        )
    return issuer


def list_providers() -> list[SsoProvider]:
    return list(db.session.scalars(select(SsoProvider).order_by(SsoProvider.name)))


def get_provider(*, provider_id: uuid.UUID | str, enabled_only: bool = False) -> SsoProvider:
    """A provider of the current tenant, or NotFound (another tenant's id is not found)."""
    key = parse_id(provider_id)
    provider = db.session.get(SsoProvider, (require_tenant_id(), key)) if key else None
    if provider is None or (enabled_only and not provider.enabled):
        raise NotFound("No such single sign-on provider.")
    return provider


def _apply(
    provider: SsoProvider,
    *,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    allow_signup: bool,
    default_role: str,
    enabled: bool,
) -> None:
    """Validate everything first, then write: a refused change leaves the row untouched."""
    name = _clean_text(name, field="name", label="button label", max_length=100)
    issuer = clean_issuer(issuer)
    client_id = _clean_text(client_id, field="client_id", label="client ID", max_length=500)
    secret = None
    if client_secret:
        secret = _clean_text(
            client_secret, field="client_secret", label="client secret", max_length=1000
        )
    elif not provider.client_secret_encrypted:
        raise ValidationFailed("Enter the client secret.", field="client_secret")
    accounts.check_role(default_role)

    provider.name = name
    provider.issuer = issuer
    provider.client_id = client_id
    if secret is not None:
        provider.client_secret_encrypted = encrypt_secret(secret)
    provider.allow_signup = bool(allow_signup)
    provider.default_role = default_role
    provider.enabled = bool(enabled)


def create_provider(
    *,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    allow_signup: bool = False,
    default_role: str = MEMBER,
    enabled: bool = True,
    provider_id: uuid.UUID | str | None = None,
) -> SsoProvider:
    """Add a provider. ``provider_id`` lets the admin page show the redirect URI before saving."""
    if enabled:
        require_feature("sso")  # on a plan without single sign-on only a disabled one
    key = parse_id(provider_id) if provider_id else None
    if provider_id and key is None:
        raise ValidationFailed("Reload the page and try again.")
    if key is not None and db.session.get(SsoProvider, (require_tenant_id(), key)) is not None:
        raise Conflict("This provider was already saved. Reload the page to add another one.")
    provider = SsoProvider(client_secret_encrypted="")
    if key is not None:
        provider.id = key
    _apply(
        provider,
        name=name,
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        allow_signup=allow_signup,
        default_role=default_role,
        enabled=enabled,
    )
    db.session.add(provider)
    db.session.flush()
    security_log.record("sso.provider_created", target=provider.name, details=_logged(provider))
    return provider


def _logged(provider: SsoProvider) -> dict:
    """What the security log keeps of a provider's settings (never the secret)."""
    return {
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "allow_signup": provider.allow_signup,
        "default_role": provider.default_role,
        "enabled": provider.enabled,
    }


def update_provider(
    *,
    provider: SsoProvider,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    allow_signup: bool,
    default_role: str,
    enabled: bool,
) -> SsoProvider:
    """Change a provider; a blank ``client_secret`` keeps the stored one."""
    if enabled:
        require_feature("sso")  # on a plan without single sign-on it can only be disabled
    before = {"name": provider.name, **_logged(provider)}
    _apply(
        provider,
        name=name,
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        allow_signup=allow_signup,
        default_role=default_role,
        enabled=enabled,
    )
    db.session.flush()
    after = {"name": provider.name, **_logged(provider)}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if client_secret:
        changes["client_secret"] = "replaced"
    if changes:
        security_log.record("sso.provider_changed", target=provider.name, details=changes)
    return provider


def delete_provider(*, provider: SsoProvider) -> None:
    security_log.record("sso.provider_deleted", target=provider.name, details=_logged(provider))
    db.session.delete(provider)
    db.session.flush()


# Talking to the provider ------------------------------------------------------------------


def _check_url(url: Any, *, provider: SsoProvider, what: str, resolve: bool = True) -> str:
    """Refuse URLs Trellis should not send people or requests to."""
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:
        parts = None
    if parts is None or not parts.hostname or parts.scheme not in ("http", "https"):
        raise SsoFailed(f"{provider.name} gave an invalid {what} address.")
    if _private_issuers_allowed():
        return url
    if parts.scheme != "https":
        raise SsoFailed(f"The {what} address of {provider.name} does not use https; refused.")
    if resolve:
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise SsoFailed(f"We could not find the server of {provider.name}.") from None
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global:
                raise SsoFailed(
                    f"The {what} address of {provider.name} is on a private network; "
                    "Trellis does not connect there."
                )
    return url


def _get_json(url: str, *, provider: SsoProvider, what: str) -> dict:
    _check_url(url, provider=provider, what=what)
    try:
        response = requests.get(
            url, timeout=TIMEOUT, allow_redirects=False, headers={"Accept": "application/json"}
        )
        response.raise_for_status()
        data = response.json()
    except requests.RequestException as exc:
        log.info("sso %s: %s unreachable: %s", provider.id, what, exc)
        raise SsoFailed(
            f"We could not reach {provider.name} ({what}). Try again in a moment."
        ) from None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SsoFailed(f"{provider.name} answered with something that is not its {what}.")
    return data


def fetch_metadata(*, provider: SsoProvider) -> dict:
    """The provider's discovery document, checked against the configured issuer."""
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    metadata = _get_json(url, provider=provider, what="OpenID configuration")
    if metadata.get("issuer") != provider.issuer:
        raise SsoFailed(
            f"{provider.name} calls itself “{metadata.get('issuer')}”, not "
            f"“{provider.issuer}”. An admin must enter its issuer URL exactly as the provider "
            "spells it."
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(key):
            raise SsoFailed(f"The OpenID configuration of {provider.name} has no {key}.")
    return metadata


@dataclass(frozen=True)
class LoginStart:
    """Where to send the browser, and what to keep in its session until it comes back."""

    url: str
    state: str
    flow: dict


def begin_login(*, provider: SsoProvider, redirect_uri: str) -> LoginStart:
    require_feature("sso")  # a plan without single sign-on refuses it
    metadata = fetch_metadata(provider=provider)
    endpoint = _check_url(
        metadata["authorization_endpoint"],
        provider=provider,
        what="authorization endpoint",
        resolve=False,  # the browser goes there, not the server
    )
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)
    with OAuth2Session(
        client_id=provider.client_id,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    ) as client:
        url, _ = client.create_authorization_url(
            endpoint, state=state, code_verifier=code_verifier, nonce=nonce
        )
    flow = {
        "provider_id": str(provider.id),
        "nonce": nonce,
        "code_verifier": code_verifier,
        "started_at": int(clock.now().timestamp()),
    }
    return LoginStart(url=url, state=state, flow=flow)


def _auth_method(metadata: dict, provider: SsoProvider) -> str:
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    for method in ("client_secret_basic", "client_secret_post"):
        if method in supported:
            return method
    raise SsoFailed(
        f"{provider.name} accepts none of the ways Trellis signs in to it "
        "(client_secret_basic, client_secret_post)."
    )


def _key_set(metadata: dict, provider: SsoProvider) -> KeySet:
    data = _get_json(metadata["jwks_uri"], provider=provider, what="signing keys")
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, KeyError, TypeError):
        raise SsoFailed(f"The signing keys of {provider.name} could not be read.") from None


def _validate_id_token(
    *, id_token: Any, metadata: dict, provider: SsoProvider, nonce: str, access_token: Any
) -> dict:
    """The ID token's claims: signature (provider's JWKS), iss, aud, exp, iat, nonce, azp."""
    if not isinstance(id_token, str) or not id_token:
        raise SsoFailed(f"{provider.name} did not send an ID token.")
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in SIGNING_ALGORITHMS if alg in offered]
    if not algorithms:
        raise SsoFailed(f"{provider.name} signs its ID tokens in a way Trellis does not accept.")
    keys = _key_set(metadata, provider)
    try:
        token = jwt.decode(
            id_token,
            keys,
            registry=JWSRegistry(algorithms=algorithms, strict_check_header=False),
        )
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
                "sub": {"essential": True},
            },
            {
                "nonce": nonce,
                "client_id": provider.client_id,
                "access_token": access_token if isinstance(access_token, str) else None,
            },
        )
        claims.validate(leeway=CLOCK_LEEWAY_SECONDS)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        log.info("sso %s: ID token refused: %r", provider.id, exc)
        raise SsoFailed(
            f"The sign-in answer from {provider.name} did not pass our checks. Try again; "
            "if it keeps failing, ask an admin to check the single sign-on settings."
        ) from None
    return dict(claims)


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _identity(
    *, client: OAuth2Session, claims: dict, metadata: dict, provider: SsoProvider
) -> dict:
    """E-mail, verification and name: from the ID token, else from the userinfo endpoint."""
    identity = {k: claims.get(k) for k in ("email", "email_verified", "name")}
    userinfo_url = metadata.get("userinfo_endpoint")
    if (not identity["email"] or not _is_true(identity["email_verified"])) and userinfo_url:
        _check_url(userinfo_url, provider=provider, what="userinfo endpoint")
        try:
            response = client.get(userinfo_url, timeout=TIMEOUT, allow_redirects=False)
            response.raise_for_status()
            info = response.json()
        except (requests.RequestException, OAuthError, ValueError) as exc:
            log.info("sso %s: userinfo failed: %r", provider.id, exc)
            raise SsoFailed(f"We could not read your profile from {provider.name}.") from None
        if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
            raise SsoFailed(f"{provider.name} sent a profile of someone else; refused.")
        if info.get("email"):
            identity["email"] = info.get("email")
            identity["email_verified"] = info.get("email_verified")
        identity["name"] = identity["name"] or info.get("name")
        if not identity["name"]:
            given = " ".join(str(info.get(k) or "") for k in ("given_name", "family_name"))
            identity["name"] = given.strip() or None
    if not identity["name"]:
        given = " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))
        identity["name"] = given.strip() or None
    return identity


def complete_login(
    *,
    provider: SsoProvider,
    flow: Mapping | None,
    params: Mapping[str, str],
    redirect_uri: str,
) -> User:
    """Finish the flow the browser came back from: the signed-in user, or SsoFailed/Refused.

    ``flow`` is what ``begin_login`` asked to keep for the returned ``state`` (None when the
    browser brought a state this session never started).
    """
    require_feature("sso")  # a plan without single sign-on refuses it
    if (
        not flow
        or flow.get("provider_id") != str(provider.id)
        or not isinstance(flow.get("started_at"), int)
        or clock.now().timestamp() - flow["started_at"] > FLOW_TTL_SECONDS
    ):
        raise SsoFailed(
            "This sign-in attempt has expired or was started elsewhere. Start again from the "
            "sign-in page."
        )
    if params.get("error"):
        detail = params.get("error_description") or params.get("error")
        raise SsoFailed(f"{provider.name} did not sign you in: {detail[:200]}")
    code = params.get("code")
    if not code:
        raise SsoFailed(f"{provider.name} sent no authorization code. Start again.")

    metadata = fetch_metadata(provider=provider)
    token_url = _check_url(metadata["token_endpoint"], provider=provider, what="token endpoint")
    with OAuth2Session(
        client_id=provider.client_id,
        client_secret=decrypt_secret(provider.client_secret_encrypted),
        token_endpoint_auth_method=_auth_method(metadata, provider),
        redirect_uri=redirect_uri,
        scope=SCOPE,
        default_timeout=TIMEOUT,
    ) as client:
        try:
            token = client.fetch_token(
                token_url,
                grant_type="authorization_code",
                code=code,
                code_verifier=flow["code_verifier"],
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        except OAuthError as exc:
            log.info("sso %s: token endpoint refused: %s", provider.id, exc.error)
            raise SsoFailed(
                f"{provider.name} refused to complete the sign-in ({exc.error}). Start again; "
                "if it keeps failing, ask an admin to check the client ID and secret."
            ) from None
        except (requests.RequestException, ValueError) as exc:
            log.info("sso %s: token endpoint failed: %r", provider.id, exc)
            raise SsoFailed(f"We could not reach {provider.name}. Try again in a moment.") from None
        claims = _validate_id_token(
            id_token=token.get("id_token"),
            metadata=metadata,
            provider=provider,
            nonce=flow["nonce"],
            access_token=token.get("access_token"),
        )
        identity = _identity(client=client, claims=claims, metadata=metadata, provider=provider)

    user = _match_user(provider=provider, identity=identity)
    accounts.record_login(user)
    security_log.record("auth.sso_sign_in", actor=user, details={"provider": provider.name})
    log.info("sso %s: signed in user %s", provider.id, user.id)
    return user


def _match_user(*, provider: SsoProvider, identity: dict) -> User:
    raw_email = identity.get("email")
    if not raw_email or not isinstance(raw_email, str):
        raise SsoRefused(f"{provider.name} did not tell us your e-mail address.")
    if not _is_true(identity.get("email_verified")):
        raise SsoRefused(
            f"{provider.name} has not verified the e-mail address {raw_email}, so it cannot be "
            "used to sign in here. Verify it with the provider, or sign in with your password."
        )
    try:
        email = accounts.normalize_email(raw_email)
    except ValidationFailed:
        raise SsoRefused(f"{provider.name} sent an e-mail address we cannot use.") from None
    user = accounts.find_user_by_email(email)
    if user is not None:
        if not user.is_active:
            raise SsoRefused(
                "This account is deactivated. Ask an admin of your workspace to reactivate it."
            )
        return user
    if not provider.allow_signup:
        raise SsoRefused(
            f"No account here uses {email}. Ask an admin of your workspace to invite you, "
            f"then sign in with {provider.name} again."
        )
    name = " ".join(str(identity.get("name") or "").split())[:200] or email.split("@")[0]
    try:
        return accounts.create_user(
            email=email,
            name=name,
            role=provider.default_role,
            log_details={"via": f"single sign-on ({provider.name})"},
        )
    except UserError:
        raise SsoRefused("We could not create your account. Ask an admin to invite you.") from None
