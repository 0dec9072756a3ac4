"""A real OpenID Connect provider for the tests, built with Authlib, served over HTTP.

It speaks the authorization code flow with PKCE and nonce, signs ID tokens with an RSA key
published at its JWKS endpoint, and has a discovery document and a userinfo endpoint. It
has no login screen: the test says who is signed in there (``sign_in``) and every
authorization request of that person is approved at once.

A few switches make it misbehave the way real providers can (a foreign signing key, wrong
claims, e-mail only in userinfo), so the client's checks are tested against real tokens.

    provider = OidcProvider().start()
    provider.add_client("trellis", "s3cret", redirect_uris=[...])
    provider.add_user("ana@example.com", email_verified=True)
    provider.sign_in("ana@example.com")
    ...
    provider.stop()
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants, list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, UserInfo, UserInfoEndpoint
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

SCOPES = "openid email profile"


@dataclass
class ProviderUser:
    sub: str
    email: str
    email_verified: bool = True
    name: str = ""


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    token_endpoint_auth_method: str = "client_secret_basic"
    client_metadata: dict = field(default_factory=dict)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        allowed = set(scope_to_list(SCOPES))
        return list_to_scope([s for s in scope_to_list(scope or "") if s in allowed])

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(self.client_secret, client_secret or "")

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method == self.token_endpoint_auth_method

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: ProviderUser
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    scope: str
    client: Client
    user: ProviderUser
    expires_at: int

    def check_client(self, client):
        return client.client_id == self.client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return max(0, self.expires_at - int(time.time()))

    def is_expired(self):
        return time.time() >= self.expires_at

    def is_revoked(self):
        return False

    def get_user(self):
        return self.user

    def get_client(self):
        return self.client


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class OidcProvider:
    """The provider and its state; ``reset()`` forgets clients, users and switches."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.app = self._build_app()
        self._server = None
        self._thread = None
        self.issuer = ""
        self.reset()

    # Test controls ------------------------------------------------------------------------

    def reset(self) -> None:
        self.clients: dict[str, Client] = {}
        self.users: dict[str, ProviderUser] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, Token] = {}
        self.signed_in: ProviderUser | None = None
        #: claims put into every ID token after the real ones (to forge aud, iss, exp...)
        self.id_token_overrides: dict[str, Any] = {}
        #: False: the ID token carries no e-mail; the client must ask the userinfo endpoint
        self.email_in_id_token = True
        #: sign ID tokens with a key that is not the one published at the JWKS endpoint
        self.sign_with_foreign_key = False
        #: extra or replaced members of the discovery document
        self.metadata_overrides: dict[str, Any] = {}
        #: every token request the provider received (form and whether Basic auth was used)
        self.token_requests: list[dict] = []

    def add_client(
        self,
        client_id: str,
        client_secret: str,
        *,
        redirect_uris: list[str],
        auth_method: str = "client_secret_basic",
    ) -> Client:
        client = Client(client_id, client_secret, list(redirect_uris), auth_method)
        self.clients[client_id] = client
        return client

    def add_user(self, email: str, *, email_verified: bool = True, name: str = "") -> ProviderUser:
        user = ProviderUser(
            sub=secrets.token_hex(8),
            email=email,
            email_verified=email_verified,
            name=name or email.split("@")[0].title(),
        )
        self.users[email] = user
        return user

    def sign_in(self, email: str | None) -> None:
        """Who is signed in at the provider (None: nobody, requests are denied)."""
        self.signed_in = self.users[email] if email else None

    # Serving --------------------------------------------------------------------------------

    def start(self) -> OidcProvider:
        self._server = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def url(self, path: str) -> str:
        return self.issuer + path

    # The Authlib server -------------------------------------------------------------------

    def _user_claims(self, user: ProviderUser, scope: str) -> UserInfo:
        return UserInfo(
            sub=user.sub,
            name=user.name,
            email=user.email,
            email_verified=user.email_verified,
        ).filter(scope)

    def _build_app(self) -> Flask:
        provider = self
        app = Flask("oidc_test_provider")
        app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 300}

        def query_client(client_id):
            return provider.clients.get(client_id)

        def save_token(token, request):
            provider.tokens[token["access_token"]] = Token(
                access_token=token["access_token"],
                scope=token.get("scope", ""),
                client=request.client,
                user=request.user,
                expires_at=int(time.time()) + int(token.get("expires_in", 300)),
            )

        server = AuthorizationServer(app, query_client=query_client, save_token=save_token)

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = AuthorizationCode(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.payload.scope,
                    user=request.user,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                if item is not None and item.client_id == client.get_client_id():
                    return item
                return None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdTokens(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return any(item.nonce == nonce for item in provider.codes.values())

            def resolve_client_private_key(self, client):
                if provider.sign_with_foreign_key:
                    return RSAKey.generate_key(2048, parameters={"kid": "test-key"})
                return provider.key

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "test-key"}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.get_client_id()]}

            def generate_user_info(self, user, scope):
                claims = dict(provider._user_claims(user, scope))
                if not provider.email_in_id_token:
                    claims.pop("email", None)
                    claims.pop("email_verified", None)
                claims.update(provider.id_token_overrides)
                return claims

        class UserInfoOfToken(UserInfoEndpoint):
            def generate_user_info(self, user, scope):
                return provider._user_claims(user, scope)

            def get_issuer(self):
                return provider.issuer

        class Bearer(BearerTokenValidator):
            def authenticate_token(self, token_string):
                return provider.tokens.get(token_string)

        protector = ResourceProtector()
        protector.register_token_validator(Bearer())
        server.register_grant(CodeGrant, [IdTokens(require_nonce=True), CodeChallenge()])
        server.register_endpoint(UserInfoOfToken(resource_protector=protector))

        @app.get("/.well-known/openid-configuration")
        def discovery():
            methods = sorted({c.token_endpoint_auth_method for c in provider.clients.values()})
            metadata = {
                "issuer": provider.issuer,
                "authorization_endpoint": provider.url("/authorize"),
                "token_endpoint": provider.url("/token"),
                "userinfo_endpoint": provider.url("/userinfo"),
                "jwks_uri": provider.url("/jwks"),
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": scope_to_list(SCOPES),
                "token_endpoint_auth_methods_supported": methods or ["client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "name", "email", "email_verified"],
            }
            metadata.update(provider.metadata_overrides)
            return jsonify(metadata)

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([provider.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            user = provider.signed_in
            try:
                grant = server.get_consent_grant(end_user=user)
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            return server.create_authorization_response(grant=grant, grant_user=user)

        @app.post("/token")
        def token():
            provider.token_requests.append(
                {"form": request.form.to_dict(), "basic": request.authorization is not None}
            )
            return server.create_token_response()

        @app.route("/userinfo", methods=["GET", "POST"])
        def userinfo():
            return server.create_endpoint_response("userinfo")

        return app
