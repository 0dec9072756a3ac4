"""Formula fields: arithmetic over other fields of the same record, evaluated safely.

An expression uses field API names, numbers, ``+ - * /``, parentheses and the functions
``round(x, n)``, ``abs(x)``, ``min(a, b)``, ``max(a, b)``. Anything else is refused when the
field is defined. A missing operand or a division by zero gives an empty result.

Formulas compute numbers from numbers: the fields they use must be number, currency or
percent fields, other formulas, or roll-ups that count or sum (not the earliest / latest
date). A text, date or boolean operand is refused when the formula is defined, saying which
field, rather than giving an empty result on every record.

A formula shows what its operands hold: ``core.objects.records.hidden_fields`` hides it
from a role that cannot see one of them (``formula_fields`` names them).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation

from core.objects.types import FieldValueError
from saas.errors import NotFound

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS = {"round": round, "abs": abs, "min": min, "max": max}
MAX_LENGTH = 500
# The types a formula may use as operands (roll-ups: see numeric_operand).
NUMERIC_TYPES = ("number", "currency", "percent", "formula", "rollup")


def numeric_operand(spec) -> bool:
    """Whether a field (a FieldSpec) holds a number a formula can compute with."""
    if spec.type not in NUMERIC_TYPES:
        return False
    if spec.type == "rollup" and spec.options.get("function") in ("min", "max"):
        # The earliest / latest of a date field is a date.
        from core.objects.registry import object_for_tenant

        try:
            related = object_for_tenant(spec.options["related_object"])
            summarised = related.fields[spec.options["related_field"]]
        except (KeyError, NotFound):
            return False
        return summarised.type != "date"
    return True


def parse_formula(expression: str, known_fields) -> ast.Expression:
    """The checked syntax tree, or FieldValueError saying what is not allowed.

    ``known_fields`` names the fields the formula may use: a set of names, or a mapping of
    names to their FieldSpec, and then operands that do not hold numbers are refused.
    """
    if not expression or len(expression) > MAX_LENGTH:
        raise FieldValueError(f"Write a formula of 1 to {MAX_LENGTH} characters.")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise FieldValueError("The formula is not valid.") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            if isinstance(node, ast.operator) and type(node) not in _BINARY:
                raise FieldValueError("Use only + - * / in formulas.")
            continue
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise FieldValueError("Use only + - * / in formulas.")
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            continue
        if isinstance(node, ast.Name):
            if node.id not in known_fields and node.id not in _FUNCTIONS:
                raise FieldValueError(f"The formula uses an unknown field: {node.id}.")
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in _FUNCTIONS or node.keywords:
                raise FieldValueError(f"Unknown function in the formula: {node.func.id}.")
            continue
        raise FieldValueError("The formula uses something that is not allowed.")
    if isinstance(known_fields, Mapping):
        for name in sorted(formula_fields(tree)):
            spec = known_fields[name]
            if not numeric_operand(spec):
                raise FieldValueError(
                    f"A formula computes with numbers: {name} is a {spec.type.replace('_', ' ')} "
                    "field. Use number, currency or percent fields, other formulas or roll-ups "
                    "that count or sum."
                )
    return tree


def formula_fields(tree: ast.Expression) -> set[str]:
    """The field names a parsed formula reads (function names left out)."""
    functions = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and id(node) not in functions
    }


def expression_fields(expression: str) -> set[str]:
    """The field names an expression reads; empty when it does not parse (such a formula
    never gives a value)."""
    try:
        return formula_fields(ast.parse(expression or "", mode="eval"))
    except (SyntaxError, ValueError):
        return set()


def evaluate_formula(tree: ast.Expression, values: dict) -> float | int | None:
    try:
        result = _eval(tree.body, values)
    except (TypeError, ZeroDivisionError, DivisionByZero, InvalidOperation, _Missing):
        return None
    if isinstance(result, Decimal):
        return int(result) if result == result.to_integral_value() else float(round(result, 6))
    return result


class _Missing(Exception):
    pass


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None:
            raise _Missing
        return Decimal(str(value))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    if isinstance(node, ast.Call):
        args = [_eval(arg, values) for arg in node.args]
        if node.func.id == "round":
            return round(args[0], int(args[1]) if len(args) > 1 else 0)
        return _FUNCTIONS[node.func.id](*args)
    raise TypeError(node)
