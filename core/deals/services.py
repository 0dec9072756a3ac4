"""Deal services: pipelines and their stages (admin set-up), the rules every deal write
follows, and the forecast. They flush and never commit.

Deals themselves are created, moved and closed through the generic record services
(``core.objects.records``): moving a deal is changing its ``stage_id``. The engine calls
``apply_deal_rules`` (the deal object's ``before_write``) before each write.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, or_, select

from core.deals.models import STAGE_KINDS, Deal, Pipeline, PipelineStage
from core.objects.choices import Choice, ChoiceGroup, MetadataChoices
from core.objects.permissions import require_right, visibility_condition
from core.objects.types import FIELD_TYPES
from saas import clock
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, NotFound, ValidationFailed

DEFAULT_PIPELINE_NAME = "Sales"
DEFAULT_STAGES = (
    ("Qualification", 10, "open"),
    ("Needs analysis", 25, "open"),
    ("Proposal", 50, "open"),
    ("Negotiation", 75, "open"),
    ("Won", 100, "won"),
    ("Lost", 0, "lost"),
)
CENT = Decimal("0.01")
MAX_POSITION = 1_000_000  # positions are 32-bit integers in the database


# Pipelines and stages -----------------------------------------------------------------


def _key(value, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def _clean_name(name, *, field: str = "name") -> str:
    if not isinstance(name, str) or not " ".join(name.split()):
        raise ValidationFailed("Enter a name.", field=field)
    name = " ".join(name.split())
    if len(name) > 100:
        raise ValidationFailed("Use at most 100 characters.", field=field)
    return name


def _clean_probability(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationFailed("Give a whole number from 0 to 100.", field="probability")
    return value


def _clean_kind(value) -> str:
    if value not in STAGE_KINDS:
        raise ValidationFailed(f"Choose one of: {', '.join(STAGE_KINDS)}.", field="kind")
    return value


def _clean_position(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POSITION:
        raise ValidationFailed(f"Give a position from 0 to {MAX_POSITION:,}.", field="position")
    return value


def list_pipelines() -> list[Pipeline]:
    return list(db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.name)))


def stages_by_pipeline(pipeline_ids) -> dict[uuid.UUID, list[PipelineStage]]:
    """The stages of each pipeline, in order, in one query."""
    result: dict[uuid.UUID, list[PipelineStage]] = {key: [] for key in pipeline_ids}
    if not result:
        return result
    stages = db.session.scalars(
        select(PipelineStage)
        .where(PipelineStage.pipeline_id.in_(list(result)))
        .order_by(PipelineStage.position, PipelineStage.name)
    )
    for stage in stages:
        result[stage.pipeline_id].append(stage)
    return result


def pipeline_choices() -> MetadataChoices:
    """The pipelines a deal's pipeline field offers, the default first."""
    pipelines = sorted(list_pipelines(), key=lambda p: not p.is_default)
    return MetadataChoices([ChoiceGroup(None, "", [Choice(str(p.id), p.name) for p in pipelines])])


def stage_choices() -> MetadataChoices:
    """The stages a deal's stage field offers, grouped by pipeline (won and lost coloured)."""
    pipelines = sorted(list_pipelines(), key=lambda p: not p.is_default)
    stages = stages_by_pipeline([p.id for p in pipelines])
    kind_colors = {"won": "green", "lost": "red"}
    groups = [
        ChoiceGroup(
            str(pipeline.id),
            pipeline.name,
            [
                Choice(str(s.id), s.name, kind_colors.get(s.kind), closed=s.kind != "open")
                for s in stages[pipeline.id]
            ],
        )
        for pipeline in pipelines
    ]
    return MetadataChoices(groups, group_field="pipeline_id")


def list_stages(pipeline_id: uuid.UUID) -> list[PipelineStage]:
    return stages_by_pipeline([pipeline_id])[pipeline_id]


def get_pipeline(pipeline_id) -> Pipeline:
    """A pipeline of the current tenant, or NotFound."""
    pipeline = db.session.scalar(
        select(Pipeline).where(Pipeline.id == _key(pipeline_id, "pipeline"))
    )
    if pipeline is None:
        raise NotFound("No such pipeline.")
    return pipeline


def get_stage(pipeline_id, stage_id) -> PipelineStage:
    """A stage of the given pipeline, or NotFound."""
    pipeline = get_pipeline(pipeline_id)
    stage = db.session.scalar(
        select(PipelineStage).where(
            PipelineStage.id == _key(stage_id, "stage"),
            PipelineStage.pipeline_id == pipeline.id,
        )
    )
    if stage is None:
        raise NotFound("No such stage in this pipeline.")
    return stage


def find_default_pipeline() -> Pipeline | None:
    return db.session.scalar(
        select(Pipeline).order_by(
            Pipeline.is_default.desc(), Pipeline.position, Pipeline.created_at
        )
    )


def _name_taken(model, name: str, *, exclude: uuid.UUID | None = None, **scope) -> bool:
    # The same name exactly, too: SQLite's lower() leaves non-ASCII letters as they are.
    same = or_(model.name == name, func.lower(model.name) == name.lower())
    query = select(func.count()).select_from(model).where(same)
    for column, value in scope.items():
        query = query.where(getattr(model, column) == value)
    if exclude is not None:
        query = query.where(model.id != exclude)
    return db.session.scalar(query) > 0


def _next_position(model, **scope) -> int:
    query = select(func.max(model.position))
    for column, value in scope.items():
        query = query.where(getattr(model, column) == value)
    highest = db.session.scalar(query)
    return 0 if highest is None else highest + 1


def _make_default(pipeline: Pipeline) -> None:
    for other in db.session.scalars(select(Pipeline).where(Pipeline.is_default.is_(True))):
        if other.id != pipeline.id:
            other.is_default = False
    pipeline.is_default = True


def create_pipeline(
    *, name, is_default: bool = False, position=None, stages: list | None = None
) -> Pipeline:
    """A new pipeline, with ``stages`` given as [{"name", "probability", "kind"}, ...].

    The first pipeline of a workspace is its default.
    """
    name = _clean_name(name)
    if not isinstance(is_default, bool):
        raise ValidationFailed("Use true or false.", field="is_default")
    if stages is not None and not isinstance(stages, list):
        raise ValidationFailed("Give the stages as a list.", field="stages")
    cleaned_stages = [_clean_new_stage(stage, index) for index, stage in enumerate(stages or [])]
    names = [stage["name"].lower() for stage in cleaned_stages]
    if len(set(names)) != len(names):
        raise ValidationFailed("Give each stage its own name.", field="stages")
    if _name_taken(Pipeline, name):
        raise Conflict("A pipeline with this name exists.", field="name")
    first = find_default_pipeline() is None
    pipeline = Pipeline(
        name=name,
        is_default=False,
        position=_next_position(Pipeline) if position is None else _clean_position(position),
    )
    db.session.add(pipeline)
    db.session.flush()
    if is_default or first:
        _make_default(pipeline)
    for index, stage in enumerate(cleaned_stages):
        db.session.add(PipelineStage(pipeline_id=pipeline.id, position=index, **stage))
    db.session.flush()
    return pipeline


def create_default_pipeline() -> Pipeline:
    """The "Sales" pipeline every new workspace starts with."""
    return create_pipeline(
        name=DEFAULT_PIPELINE_NAME,
        is_default=True,
        stages=[
            {"name": name, "probability": probability, "kind": kind}
            for name, probability, kind in DEFAULT_STAGES
        ],
    )


def update_pipeline(pipeline_id, *, changes: dict) -> Pipeline:
    """Rename, reorder, or make the default (``is_default: true``)."""
    pipeline = get_pipeline(pipeline_id)
    unknown = set(changes) - {"name", "is_default", "position"}
    if unknown:
        raise ValidationFailed(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    if "name" in changes:
        name = _clean_name(changes["name"])
        if _name_taken(Pipeline, name, exclude=pipeline.id):
            raise Conflict("A pipeline with this name exists.", field="name")
        pipeline.name = name
    if "position" in changes:
        pipeline.position = _clean_position(changes["position"])
    if "is_default" in changes:
        if changes["is_default"] is not True:
            raise ValidationFailed("Make another pipeline the default instead.", field="is_default")
        _make_default(pipeline)
    db.session.flush()
    return pipeline


def _clean_new_stage(values, index: int | None = None) -> dict:
    where = "stages" if index is not None else None
    if not isinstance(values, dict):
        raise ValidationFailed('Give a stage as {"name", "probability", "kind"}.', field=where)
    unknown = set(values) - {"name", "probability", "kind", "position"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.", field=where)
    kind = _clean_kind(values.get("kind", "open"))
    probability = values.get("probability")
    if probability is None:
        if kind == "open":
            raise ValidationFailed("Give the stage's probability.", field="probability")
        probability = 100 if kind == "won" else 0
    return {
        "name": _clean_name(values.get("name")),
        "probability": _clean_probability(probability),
        "kind": kind,
    }


def _move_stage(pipeline_id: uuid.UUID, stage: PipelineStage, position: int) -> None:
    """Put ``stage`` at ``position`` among its pipeline's stages; number them 0, 1, ..."""
    others = [s for s in list_stages(pipeline_id) if s.id != stage.id]
    others.insert(min(position, len(others)), stage)
    for index, each in enumerate(others):
        each.position = index


def add_stage(pipeline_id, *, values: dict) -> PipelineStage:
    """A new stage, last unless ``position`` is given."""
    pipeline = get_pipeline(pipeline_id)
    cleaned = _clean_new_stage(values)
    if _name_taken(PipelineStage, cleaned["name"], pipeline_id=pipeline.id):
        raise Conflict("This pipeline has a stage with this name.", field="name")
    position = values.get("position")
    stage = PipelineStage(
        pipeline_id=pipeline.id,
        position=_next_position(PipelineStage, pipeline_id=pipeline.id),
        **cleaned,
    )
    db.session.add(stage)
    db.session.flush()
    if position is not None:
        _move_stage(pipeline.id, stage, _clean_position(position))
        db.session.flush()
    return stage


def update_stage(pipeline_id, stage_id, *, changes: dict) -> PipelineStage:
    """Rename, reorder, change the default probability or the kind of a stage.

    The probability of deals already in the stage stays as it is (it was theirs to
    change); the kind cannot change while deals are in the stage, since their status and
    closing date follow it.
    """
    stage = get_stage(pipeline_id, stage_id)
    unknown = set(changes) - {"name", "probability", "kind", "position"}
    if unknown:
        raise ValidationFailed(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    if "name" in changes:
        name = _clean_name(changes["name"])
        if _name_taken(PipelineStage, name, exclude=stage.id, pipeline_id=stage.pipeline_id):
            raise Conflict("This pipeline has a stage with this name.", field="name")
        stage.name = name
    if "probability" in changes:
        stage.probability = _clean_probability(changes["probability"])
    if "kind" in changes and _clean_kind(changes["kind"]) != stage.kind:
        in_stage = db.session.scalar(
            select(func.count()).select_from(Deal).where(Deal.stage_id == stage.id)
        )
        if in_stage:
            raise Conflict(
                f"{in_stage} deal(s) are in this stage (the recycle bin included). "
                "Move them to another stage first.",
                field="kind",
            )
        stage.kind = changes["kind"]
    if "position" in changes:
        _move_stage(stage.pipeline_id, stage, _clean_position(changes["position"]))
    db.session.flush()
    return stage


# The rules of a deal ------------------------------------------------------------------


def _first_stage(pipeline_id: uuid.UUID) -> PipelineStage | None:
    """The stage a new deal starts in: the first open stage, or else the first stage."""
    stages = list_stages(pipeline_id)
    return next((s for s in stages if s.kind == "open"), stages[0] if stages else None)


def _stage(key: str | uuid.UUID) -> PipelineStage | None:
    return db.session.scalar(select(PipelineStage).where(PipelineStage.id == uuid.UUID(str(key))))


def _default_pipeline_for_new_deal() -> Pipeline:
    """The default pipeline; a workspace created before pipelines existed gets "Sales" now."""
    return find_default_pipeline() or create_default_pipeline()


def apply_deal_rules(record: Deal | None, cleaned: dict, actor: User | None) -> None:
    """Complete and check a deal write (``record`` is None on create); see the engine's
    ``ObjectSpec.before_write``.

    - Pipeline and stage: the default pipeline and its first open stage when omitted on
      create; the first open stage of the new pipeline when only the pipeline changes; a
      given stage must belong to the deal's (new) pipeline.
    - Probability: the stage's whenever the stage changes, unless given with the change.
    - Status follows the stage's kind (open, won, lost); ``closed_at`` is set when the deal
      is won or lost and cleared when it is reopened.
    - A lost deal needs a lost reason.
    """
    creating = record is None
    errors: dict[str, list[str]] = {}
    for name in ("pipeline_id", "stage_id"):
        if not creating and name in cleaned and cleaned[name] is None:
            errors[name] = ["A deal is always in a pipeline and a stage."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=errors)

    given_stage = _stage(cleaned["stage_id"]) if cleaned.get("stage_id") else None
    if cleaned.get("pipeline_id"):
        pipeline_id = uuid.UUID(cleaned["pipeline_id"])
    elif not creating:
        pipeline_id = record.pipeline_id
    elif given_stage is not None:
        pipeline_id = given_stage.pipeline_id
    else:
        pipeline_id = _default_pipeline_for_new_deal().id

    if given_stage is not None:
        if given_stage.pipeline_id != pipeline_id:
            raise ValidationFailed(
                "Choose a stage of the deal's pipeline.",
                errors={"stage_id": ["This stage is not in the deal's pipeline."]},
            )
        stage = given_stage
    elif creating or pipeline_id != record.pipeline_id:
        stage = _first_stage(pipeline_id)
        if stage is None:
            raise ValidationFailed("This pipeline has no stages yet.", field="pipeline_id")
    else:
        stage = _stage(record.stage_id)

    stage_changed = creating or stage.id != record.stage_id
    cleaned["pipeline_id"] = str(pipeline_id)
    cleaned["stage_id"] = str(stage.id)
    given_probability = cleaned.get("probability")
    if given_probability is None and (stage_changed or "probability" in cleaned):
        cleaned["probability"] = stage.probability

    lost_reason = cleaned.get("lost_reason", None if creating else record.lost_reason)
    if stage.kind == "lost" and not lost_reason:
        raise ValidationFailed(
            "Say why the deal was lost.",
            errors={"lost_reason": ["Required when the deal is lost."]},
        )
    if creating or stage.kind != record.status:
        cleaned["status"] = stage.kind
        closed = stage.kind != "open"
        cleaned["closed_at"] = FIELD_TYPES["datetime"].clean(clock.now(), {}) if closed else None


# Forecast -----------------------------------------------------------------------------


def _money(value) -> str:
    """A total in the corporate currency, rounded to its minor units (two decimals shown)."""
    from core.currencies.services import corporate_currency, round_money

    return str(round_money(Decimal(str(value or 0)), corporate_currency()).quantize(CENT))


def forecast_pipeline(*, pipeline_id=None, actor: User | None) -> dict:
    """Per stage: deal count, amount and weighted amount (amount x the deal's probability),
    in the corporate currency (each deal's amount at the rate of its date); totals per
    status and the win rate, won / (won + lost) by count (None before the first closed
    deal). Only the deals ``actor`` may see count; ``unconverted`` counts those whose amount
    has no rate for its day (counted, but adding nothing to the amounts).
    """
    rights = require_right(actor, "deals", "read", "deals")
    if pipeline_id:
        pipeline = get_pipeline(pipeline_id)
    else:
        pipeline = find_default_pipeline()
        if pipeline is None:
            raise NotFound("This workspace has no pipeline yet.")
    query = (
        select(
            Deal.stage_id,
            func.count(),
            func.sum(Deal.amount_corporate),
            func.sum(Deal.amount_corporate * Deal.probability),
            func.count(Deal.amount) - func.count(Deal.amount_corporate),
        )
        .where(Deal.pipeline_id == pipeline.id, Deal.deleted_at.is_(None))
        .group_by(Deal.stage_id)
    )
    condition = visibility_condition(Deal, actor, rights["visibility"])
    if condition is not None:
        query = query.where(condition)
    figures, unconverted = {}, 0
    for stage_id, count, amount, weighted, missing in db.session.execute(query):
        figures[stage_id] = (count, Decimal(str(amount or 0)), Decimal(str(weighted or 0)) / 100)
        unconverted += missing or 0
    stages, totals = [], {kind: [0, Decimal(0), Decimal(0)] for kind in STAGE_KINDS}
    for stage in list_stages(pipeline.id):
        count, amount, weighted = figures.get(stage.id, (0, Decimal(0), Decimal(0)))
        stages.append(
            {
                "id": str(stage.id),
                "name": stage.name,
                "kind": stage.kind,
                "probability": stage.probability,
                "position": stage.position,
                "count": count,
                "amount": _money(amount),
                "weighted_amount": _money(weighted),
            }
        )
        total = totals[stage.kind]
        total[0] += count
        total[1] += amount
        total[2] += weighted
    won, lost = totals["won"][0], totals["lost"][0]
    return {
        "pipeline": {"id": str(pipeline.id), "name": pipeline.name},
        "stages": stages,
        "totals": {
            kind: {"count": c, "amount": _money(a), "weighted_amount": _money(w)}
            for kind, (c, a, w) in totals.items()
        },
        "win_rate": round(won / (won + lost), 4) if won + lost else None,
        "unconverted": unconverted,
    }
