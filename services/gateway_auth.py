"""The gateway's door: who a request acts for, from its bearer token, and whether that role may call.

The person found travels on with every RPC call the request makes (nameko context data), where
the services apply the finer rules (a unit's own assignments, accusations for inspectors only).
"""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from shared.access import Principal
from shared.persistence import ensure_database
from shared.settings import Settings
from shared.tokens import CachedTokens, TokenStore


def bearer_token(request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


class Door:
    def __init__(self, tokens: CachedTokens, worker_ctx):
        self.tokens, self.worker_ctx = tokens, worker_ctx

    def admit(self, request) -> Principal | None:
        """The request's person, now also the one every RPC call of this worker acts for."""
        token = bearer_token(request)
        principal = self.tokens.principal(token) if token else None
        if principal:
            self.act_as(principal)
        return principal

    def act_as(self, principal: Principal) -> None:
        """Every RPC call of this worker acts for `principal` (nameko context data)."""
        self.worker_ctx.data.update(principal.context_data())


class Authentication(DependencyProvider):
    def setup(self):
        ensure_database(Settings())  # the gateway may be the first process of the system to start
        store = TokenStore(Settings().postgres_conninfo())
        store.create_schema()
        self.tokens = CachedTokens(store, ttl=Settings().token_cache_seconds)

    def get_dependency(self, worker_ctx):
        return Door(self.tokens, worker_ctx)
