"""Who acts: a person (a ``User``) or the system itself (``SYSTEM``).

Every service that checks rights takes an ``actor``. A job, a workflow run, the seeding of a
new workspace or the demo, and a command-line tool act as ``SYSTEM``, explicitly: it has
every right, sees every record and field, and is written in the history as no person
(``actor_id`` None, "system" in the security log). ``None`` is not an actor: a service that
gets it raises ``MissingActor``, so that forgetting to pass the person never quietly gives
all rights (it used to).
"""

from __future__ import annotations

from saas.auth.roles import ADMIN


class MissingActor(TypeError):
    """A service that checks rights was called without an actor: a bug of the caller."""

    def __init__(self, what: str = "this service") -> None:
        super().__init__(
            f"{what} needs an actor: the person acting, or saas.auth.actors.SYSTEM for the "
            "system itself (a job, a workflow, seeding, a command); None is refused"
        )


class SystemActor:
    """The system itself as an actor: every right, every record, no person."""

    id = None
    role = ADMIN
    is_admin = True
    is_active = True
    is_authenticated = False
    name = "Trellis"
    email = "system"
    locale = None
    timezone = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self):  # one instance, also when copied or pickled
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    """True for ``SYSTEM``; ``MissingActor`` for None."""
    if actor is None:
        raise MissingActor()
    return actor is SYSTEM


def person_id(actor):
    """The id of the person acting, None for the system (``MissingActor`` for None)."""
    return None if is_system(actor) else actor.id
