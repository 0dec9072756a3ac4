"""Formula fields: arithmetic over other fields of the same record, evaluated safely.

An expression uses field API names, numbers, ``+ - * /``, parentheses and the functions
``round(x, n)``, ``abs(x)``, ``min(a, b)``, ``max(a, b)``. Anything else is refused when the
field is defined. A missing operand or a division by zero gives an empty result.
"""

from __future__ import annotations

import ast
import operator
from decimal import Decimal, DivisionByZero, InvalidOperation

from core.objects.types import FieldValueError

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS = {"round": round, "abs": abs, "min": min, "max": max}
MAX_LENGTH = 500


def parse_formula(expression: str, known_fields: set[str]) -> ast.Expression:
    """The checked syntax tree, or FieldValueError saying what is not allowed."""
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
    return tree


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
