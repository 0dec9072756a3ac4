"""The tenant's security log: record an event, read and filter the log, verify its chain.

Entries are written when the caller's transaction commits, not when ``record`` is called:

- an event belongs to the change it describes, so a change that rolls back (a refused
  form, a savepoint given up) leaves no entry, and one that commits always has its entry;
- the chain's lock (the tenant's ``security_log`` counter row, held until COMMIT on
  PostgreSQL) is taken last, just before the commit, so two transactions never wait for
  each other while one of them holds it (no deadlock, and a short wait).

Each entry's hash is the SHA-256 of its canonical form (``canonical_form``), which holds the
previous entry's hash: changing, removing or reordering an entry breaks the chain at that
entry, which ``verify`` reports. See docs/decisions/0016-security-log-hash-chain.md for
what this protects and what it does not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator

from flask import Flask, g, has_request_context, request
from sqlalchemy import event as sa_event
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from saas import clock
from saas.auth.actors import SYSTEM
from saas.db import db
from saas.errors import ValidationFailed
from saas.security_log.events import EVENT_TYPES
from saas.security_log.models import SecurityLogEntry
from tenants import counters
from tenants.scoping import require_tenant_id, tenant_scope

COUNTER = "security_log"
GENESIS = "0" * 64
# Version 2 added ``user_agent``; an entry without one is hashed in the version 1 form, so
# entries written before the column existed verify unchanged.
FORMAT_VERSION = 2
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_EXPORT_ROWS = 100_000
EXPORT_PAGE = 1_000
_PENDING = "trellis_security_log_pending"
_VERIFY_BATCH = 1000
HASHED_FIELDS = (
    "tenant_id",
    "seq",
    "at",
    "event",
    "actor_id",
    "actor",
    "target",
    "ip",
    "user_agent",
    "details",
    "prev_hash",
)
# Fields added after version 1: hashed only when set.
_LATER_FIELDS = ("user_agent",)
USER_AGENT_LENGTH = 400


class _Current(enum.Enum):
    ACTOR = "the signed-in user or the API token's user"


CURRENT_ACTOR = _Current.ACTOR


@dataclasses.dataclass
class _Pending:
    tenant_id: uuid.UUID
    event: str
    actor_id: uuid.UUID | None
    actor: str
    target: str
    ip: str | None
    user_agent: str | None
    details: dict
    transaction: SessionTransaction


# Recording --------------------------------------------------------------------------------


def record(
    event: str,
    *,
    tenant=None,
    actor=CURRENT_ACTOR,
    target: str | None = None,
    details: dict | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> None:
    """Log ``event`` for ``tenant`` (a Tenant or its id; default: the current scope's).

    ``actor`` is a User, a label (``"operator"``, ``"Stripe"``, an e-mail typed at sign-in)
    or None for the system; by default the user signed in to the request (or the API
    token's user). ``target`` names what the event is about; ``details`` is a JSON-able
    dict (what changed; :func:`changes` gives before -> after). ``ip`` and ``user_agent``
    default to the request's address and User-Agent header. The entry is written
    when the transaction commits, and not at all if it rolls back.
    """
    if event not in EVENT_TYPES:
        raise ValueError(f"unknown security log event {event!r}: add it to events.py")
    tenant_id = _tenant_id(tenant)
    actor_id, actor_label = _actor(actor)
    if has_request_context():
        ip = ip if ip is not None else request.remote_addr
        user_agent = user_agent if user_agent is not None else request.headers.get("User-Agent")
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    pending = session.info.setdefault(_PENDING, [])
    pending.append(
        _Pending(
            tenant_id=tenant_id,
            event=event,
            actor_id=actor_id,
            actor=_text(actor_label, 254),
            target=_text(target or "", 300),
            ip=_text(ip, 45) or None,
            user_agent=_text(user_agent, USER_AGENT_LENGTH) or None,
            details=_json_value(details or {}),
            transaction=transaction,
        )
    )


def changes(before: dict, after: dict, *, prefix: str = "") -> dict:
    """What differs from ``before`` to ``after``: ``{"key": {"from": old, "to": new}}``, a
    dotted path into nested objects (``"week.mon"``); a key absent on one side is None."""
    found = {}
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        path = f"{prefix}{key}"
        if isinstance(old, dict) and isinstance(new, dict):
            found |= changes(old, new, prefix=f"{path}.")
        else:
            found[path] = {"from": old, "to": new}
    return found


def _tenant_id(tenant) -> uuid.UUID:
    if tenant is None:
        return require_tenant_id()
    if isinstance(tenant, uuid.UUID):
        return tenant
    return tenant.id


def _actor(actor) -> tuple[uuid.UUID | None, str]:
    if actor is CURRENT_ACTOR:
        actor = _current_user()
    if actor is None or actor is SYSTEM:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor.id, actor.email


def _current_user():
    if not has_request_context():
        return None
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    from flask_login import current_user

    return current_user if current_user and current_user.is_authenticated else None


def _text(value: str | None, limit: int) -> str:
    # PostgreSQL stores no NUL character in text or JSONB.
    return (value or "").replace("\x00", "\ufffd")[:limit]


def _json_value(value):
    """``value`` as plain JSON that reads back the same from every engine (the hash is
    computed before the round trip): strings, integers, booleans, null, lists and
    string-keyed objects; anything else (floats included) as its text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text(value, 10_000)
    if isinstance(value, dict):
        return {_text(str(key), 200): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_json_value(item) for item in items]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal | float):
        return str(value)
    return _text(str(value), 10_000)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """Events recorded in a transaction (or savepoint) that rolled back did not happen."""
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [
            entry for entry in pending if not _within(entry.transaction, previous_transaction)
        ]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


@sa_event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    """Chain and insert the transaction's events, tenant by tenant, just before COMMIT."""
    if session.in_nested_transaction():
        return  # a savepoint: its events wait for the real commit
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # the rest of the transaction first, in its own scope
    by_tenant: dict[uuid.UUID, list[_Pending]] = {}
    for entry in pending:
        by_tenant.setdefault(entry.tenant_id, []).append(entry)
    for tenant_id, entries in by_tenant.items():
        with tenant_scope(tenant_id):
            for entry in entries:
                _append(tenant_id, entry)
            session.flush()


def _append(tenant_id: uuid.UUID, entry: _Pending) -> SecurityLogEntry:
    seq = counters.next_value(COUNTER)  # locks the tenant's chain until COMMIT
    prev_hash = GENESIS
    if seq > 1:
        prev_hash = db.session.scalar(
            select(SecurityLogEntry.hash).where(SecurityLogEntry.seq == seq - 1)
        )
        if prev_hash is None:  # the previous entry is gone: chain on, verify says where
            prev_hash = GENESIS
    row = SecurityLogEntry(
        tenant_id=tenant_id,
        seq=seq,
        at=clock.now(),
        event=entry.event,
        actor_id=entry.actor_id,
        actor=entry.actor,
        target=entry.target,
        ip=entry.ip,
        user_agent=entry.user_agent,
        details=entry.details,
        prev_hash=prev_hash,
    )
    row.hash = entry_hash(_fields(row))
    db.session.add(row)
    return row


# The chain --------------------------------------------------------------------------------


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _fields(row) -> dict:
    """The hashed fields of an entry (a model or a row of its columns), as exported."""
    return {
        "tenant_id": str(row.tenant_id),
        "seq": row.seq,
        "at": _at_text(row.at),
        "event": row.event,
        "actor_id": str(row.actor_id) if row.actor_id else None,
        "actor": row.actor,
        "target": row.target,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "details": row.details,
        "prev_hash": row.prev_hash,
    }


def canonical_form(fields: dict) -> bytes:
    """The bytes an entry's hash is computed over: its fields (with the previous hash) as
    JSON with sorted keys, no spaces, UTF-8, and a format version. A field added after
    version 1 is left out when empty, and the entry is then in the version 1 form."""
    payload = {key: fields[key] for key in HASHED_FIELDS if key not in _LATER_FIELDS}
    payload |= {key: fields[key] for key in _LATER_FIELDS if fields.get(key) is not None}
    later = any(key in payload for key in _LATER_FIELDS)
    payload["v"] = FORMAT_VERSION if later else 1
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_form(fields)).hexdigest()


@dataclasses.dataclass(frozen=True)
class ChainStatus:
    """What ``verify`` found: ``ok``, how many entries, the head, and the first break."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "broken_at": self.broken_at,
            "problem": self.problem or None,
        }


def verify_entries(
    entries: Iterable[dict],
    *,
    expected_count: int | None = None,
    expected_head: tuple[int, str] | None = None,
) -> ChainStatus:
    """Walk entries (dicts of the exported fields plus ``hash``) in ``seq`` order from 1.

    Reports the first entry whose sequence number, link to the previous hash or own hash
    is wrong; with ``expected_count`` (the tenant's counter) a missing tail is a break too;
    with ``expected_head`` (a sequence number and hash an admin kept) a chain rewritten
    from the start is caught as well.
    """
    previous_hash, count, seen_head = GENESIS, 0, None
    for fields in entries:
        seq = fields["seq"]
        expected_seq = count + 1
        if seq != expected_seq:
            return _broken(count, previous_hash, expected_seq, _gap(expected_seq, seq))
        if fields["prev_hash"] != previous_hash:
            return _broken(
                count, previous_hash, seq, "it does not link to the entry before it (changed?)"
            )
        if entry_hash(fields) != fields["hash"]:
            return _broken(
                count, previous_hash, seq, "its content does not match its hash (changed)"
            )
        if expected_head and seq == expected_head[0] and fields["hash"] != expected_head[1]:
            return _broken(
                count, previous_hash, seq, "its hash differs from the head hash kept earlier"
            )
        if expected_head and seq == expected_head[0]:
            seen_head = seq
        previous_hash, count = fields["hash"], seq
    if expected_count is not None and expected_count > count:
        missing = count + 1
        return _broken(
            count,
            previous_hash,
            missing,
            f"entries {missing} to {expected_count} are missing (removed)"
            if expected_count > missing
            else f"entry {missing} is missing (removed)",
        )
    if expected_head and seen_head is None:
        return _broken(
            count,
            previous_hash,
            expected_head[0],
            f"the log has no entry {expected_head[0]}, which was kept as a head",
        )
    return ChainStatus(ok=True, entries=count, head_seq=count, head_hash=previous_hash)


def _gap(expected: int, seq: int) -> str:
    if seq > expected:
        if seq == expected + 1:
            return f"entry {expected} is missing (removed)"
        return f"entries {expected} to {seq - 1} are missing (removed)"
    return f"entry {seq} comes again or out of order (reordered?)"


def _broken(count: int, head_hash: str, at: int, problem: str) -> ChainStatus:
    return ChainStatus(
        ok=False,
        entries=count,
        head_seq=count,
        head_hash=head_hash,
        broken_at=at,
        problem=problem,
    )


def _all_in_order() -> Iterator[dict]:
    """Every entry of the current tenant, ascending, in batches of plain rows (not ORM
    objects, which the session would keep: memory stays bounded however long the log)."""
    columns = [getattr(SecurityLogEntry, name) for name in (*HASHED_FIELDS, "hash")]
    after = 0
    while True:
        rows = db.session.execute(
            select(*columns)
            .where(SecurityLogEntry.seq > after)
            .order_by(SecurityLogEntry.seq)
            .limit(_VERIFY_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            yield export_fields(row)
        after = rows[-1].seq


def verify(tenant=None, *, expected_head: tuple[int, str] | None = None) -> ChainStatus:
    """Check the whole chain of ``tenant`` (default: the current scope's)."""
    tenant_id = _tenant_id(tenant)
    with tenant_scope(tenant_id):
        return verify_entries(
            _all_in_order(),
            expected_count=counters.peek_value(COUNTER),
            expected_head=expected_head,
        )


def head(tenant=None) -> tuple[int, str]:
    """The sequence number and hash of the tenant's last entry ((0, GENESIS) when empty)."""
    with tenant_scope(_tenant_id(tenant)):
        row = db.session.execute(
            select(SecurityLogEntry.seq, SecurityLogEntry.hash)
            .order_by(SecurityLogEntry.seq.desc())
            .limit(1)
        ).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def parse_head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as written on the log page, or ValidationFailed."""
    seq, _, digest = (text or "").strip().partition(":")
    digest = digest.strip().lower()
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValidationFailed(
            "Give the head as <entry number>:<64 hexadecimal characters>, as the log shows it.",
            field="head",
        )
    return int(seq), digest


# Reading ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LogFilter:
    """Which entries: event types (any of), an actor, a time range [since, until), and a
    text found in the target or the actor's name (case-insensitive)."""

    events: tuple[str, ...] = ()
    actor_id: uuid.UUID | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    text: str = ""

    def conditions(self) -> list:
        conditions = []
        if self.events:
            conditions.append(SecurityLogEntry.event.in_(self.events))
        if self.actor_id is not None:
            conditions.append(SecurityLogEntry.actor_id == self.actor_id)
        if self.since is not None:
            conditions.append(SecurityLogEntry.at >= self.since)
        if self.until is not None:
            conditions.append(SecurityLogEntry.at < self.until)
        if self.text:
            pattern = "%" + _like_escaped(self.text.lower()) + "%"
            conditions.append(
                or_(
                    func.lower(SecurityLogEntry.target).like(pattern, escape="\\"),
                    func.lower(SecurityLogEntry.actor).like(pattern, escape="\\"),
                )
            )
        return conditions


def _like_escaped(text: str) -> str:
    """``text`` with LIKE's wildcards taken literally (``50%`` finds "50%", not "50…")."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


MAX_TEXT = 200


def clean_filter(
    *,
    events: Iterable[str] = (),
    actor_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    text: str | None = None,
) -> LogFilter:
    """A LogFilter from what a person or a program asked for, or ValidationFailed."""
    wanted = tuple(dict.fromkeys(name.strip() for name in events if name and name.strip()))
    unknown = [name for name in wanted if name not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(
            f"Unknown event type: {', '.join(unknown)}. The types are listed in docs/api.md.",
            field="event",
        )
    actor = None
    if actor_id:
        try:
            actor = uuid.UUID(str(actor_id))
        except ValueError:
            raise ValidationFailed("Give the actor as a user id.", field="actor") from None
    if since is not None and until is not None and until <= since:
        raise ValidationFailed("The end of the range must come after its start.", field="to")
    text = " ".join((text or "").split())
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"Search for at most {MAX_TEXT} characters.", field="q")
    return LogFilter(events=wanted, actor_id=actor, since=since, until=until, text=text)


def parse_cursor(cursor: str | None) -> int | None:
    if cursor in (None, ""):
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise ValidationFailed("The cursor is not valid.", field="cursor")
    return int(cursor)


def list_entries(
    log_filter: LogFilter = LogFilter(),  # noqa: B008  (frozen, so safe to share)
    *,
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[SecurityLogEntry], str | None]:
    """A page of the current tenant's entries, newest first, and the next page's cursor
    (None on the last page). The cursor is the sequence number to continue below."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"Give a limit from 1 to {MAX_PAGE_SIZE}.", field="limit")
    query = select(SecurityLogEntry).where(*log_filter.conditions())
    if cursor is not None:
        query = query.where(SecurityLogEntry.seq < cursor)
    rows = list(db.session.scalars(query.order_by(SecurityLogEntry.seq.desc()).limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, str(rows[-1].seq)
    return rows, None


def count_entries(log_filter: LogFilter = LogFilter()) -> int:  # noqa: B008
    """How many of the current tenant's entries the filter matches."""
    return db.session.scalar(
        select(func.count()).select_from(SecurityLogEntry).where(*log_filter.conditions())
    )


def check_export_size(log_filter: LogFilter = LogFilter()) -> int:  # noqa: B008
    """The number of entries an export of the filter holds, or ValidationFailed when there
    are more than MAX_EXPORT_ROWS (checked before the first byte is sent)."""
    count = count_entries(log_filter)
    if count > MAX_EXPORT_ROWS:
        raise ValidationFailed(
            f"An export holds at most {MAX_EXPORT_ROWS:,} entries ({count:,} match); narrow "
            "the date range and export it in parts."
        )
    return count


def iter_export(
    log_filter: LogFilter,
    tenant_id: uuid.UUID,
    *,
    app: Flask,
    page_size: int | None = None,
    limit: int = MAX_EXPORT_ROWS,
) -> Iterator[dict]:
    """The exported fields of every entry of the filtered range, oldest first (as the chain
    runs), read a page at a time so an export of any size holds one page in memory.

    Each page is read in an app context of its own and the scope of ``tenant_id``: a
    streamed response is read after its view has returned and its request's context is
    gone, so the pages must not rely on the request's session or scope.
    At most ``limit`` entries (the count checked before streaming began; entries logged
    while the export runs are left for the next one)."""
    page_size = page_size or EXPORT_PAGE
    after, sent = 0, 0
    while sent < limit:
        with app.app_context(), tenant_scope(tenant_id):
            # Through the model, never its bare table: the ORM's tenant filter (the only
            # wall on SQLite, which has no RLS) applies to ORM entities only.
            rows = db.session.scalars(
                select(SecurityLogEntry)
                .where(*log_filter.conditions(), SecurityLogEntry.seq > after)
                .order_by(SecurityLogEntry.seq)
                .limit(min(page_size, limit - sent))
            )
            fields = [export_fields(row) for row in rows]
        yield from fields
        if len(fields) < page_size:
            return
        after, sent = fields[-1]["seq"], sent + len(fields)


def export_fields(row) -> dict:
    """An entry as exported and as the API shows it: the hashed fields and the hash."""
    return _fields(row) | {"hash": row.hash}
