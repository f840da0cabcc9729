"""URL tables: method + path template → the name of a responses method."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/monitors/{id}" — parameters arrive by name
    operation: str  # responses method name, snake_case of the official operationId
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", self.template.rstrip("/"))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}/?$"))


def match(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """First route whose method and template match; path parameters by name."""
    for route in routes:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route, found.groupdict()
    return None


def allowed_methods(routes: list[Route], path: str) -> list[str]:
    """The methods some route takes at ``path`` (for a 405's ``Allow`` header). A template without
    parameters that matches names the resource, so only such routes count then: the Allow of
    ``/monitors/storm-protection`` is its own GET and PATCH, not also ``/monitors/{id}``'s DELETE."""
    matching = [route for route in routes if route.pattern.match(path)]
    literal = [route for route in matching if "{" not in route.template]
    return sorted({route.method for route in literal or matching})
