"""Reading a company file (YAML or JSON): every problem at once, each with its path.

Numbers are read from their text as `Decimal` (a YAML 5.5 or a JSON 0.25 never passes
through a float); a YAML integer where a code is expected (PIN 400050) is read as text.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from loyalty_gst.company.checks import check
from loyalty_gst.company.model import CompanyFile, ItemSpec, Particulars, Registration, StoreSpec
from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.program import Program


class _DecimalLoader(yaml.SafeLoader):
    """safe_load, with floats as Decimal from their text and dates kept as dates."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def parse(text: str, *, fmt: str = "yaml") -> dict[str, Any]:
    try:
        data = (
            json.loads(text, parse_float=Decimal)
            if fmt == "json"
            else yaml.load(text, Loader=_DecimalLoader)
        )
    except (ValueError, yaml.YAMLError) as exc:
        raise InvalidInput.one("<file>", fmt, f"not valid {fmt}: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise InvalidInput.one("<file>", type(data).__name__, "a company file is a mapping")
    return data


_SECTIONS: dict[str, type[BaseModel]] = {
    "registrations": Registration,
    "stores": StoreSpec,
    "items": ItemSpec,
    "program": Program,
}


def _errors(exc: ValidationError, prefix: str) -> list[Problem]:
    out = []
    for e in exc.errors():
        path = ".".join([prefix, *(str(x) for x in e["loc"])]).strip(".") or "<file>"
        value = e.get("input")
        out.append(
            Problem(
                path, type(value).__name__ if isinstance(value, dict | list) else value, e["msg"]
            )
        )
    return out


def validate(data: dict[str, Any], *, base: Path | None = None) -> tuple[CompanyFile, bytes | None]:
    """The file as a CompanyFile (and the logo's bytes), or InvalidInput with every problem.

    Each entry is read on its own, so a broken item does not hide a duplicate SKU or an
    unknown registration elsewhere: the cross-field checks run over every entry that
    could be read."""
    try:
        return _whole(CompanyFile.model_validate(data), base)
    except ValidationError as exc:
        problems = [p for p in _errors(exc, "") if p.field.split(".")[0] not in _SECTIONS]
    parts: dict[str, Any] = {}
    for name, model in _SECTIONS.items():
        entries = data.get(name)
        if not isinstance(entries, list):
            if entries is not None or name != "items":
                problems.append(Problem(name, entries, "a list of entries"))
            continue
        good = []
        for i, entry in enumerate(entries):
            try:
                good.append(model.model_validate(entry))
            except ValidationError as exc:
                problems += _errors(exc, f"{name}.{i}")
        if name in ("registrations", "stores", "program") and not entries:
            problems.append(Problem(name, [], "at least one entry"))
        parts[name] = tuple(good)
    if not any(p.field.startswith("company") for p in problems):
        parts["company"] = Particulars.model_validate(data["company"])
        problems += check(CompanyFile.model_construct(**{**dict.fromkeys(_SECTIONS, ()), **parts}))
    raise InvalidInput(problems)


def _whole(cf: CompanyFile, base: Path | None) -> tuple[CompanyFile, bytes | None]:
    problems = check(cf)
    logo = None
    if cf.company.logo:
        file = (base or Path.cwd()) / cf.company.logo
        if not file.is_file():
            problems.append(Problem("company.logo", cf.company.logo, "no such image file"))
        else:
            logo = file.read_bytes()
            if not (logo.startswith(b"\x89PNG") or logo.startswith(b"\xff\xd8")):
                problems.append(Problem("company.logo", cf.company.logo, "a PNG or JPEG image"))
    if problems:
        raise InvalidInput(problems)
    return cf, logo


def read(path: str | Path) -> tuple[CompanyFile, bytes | None]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("<file>", str(path), f"cannot read it: {exc.strerror}") from None
    fmt = "json" if file.suffix == ".json" else "yaml"
    return validate(parse(text, fmt=fmt), base=file.parent)
