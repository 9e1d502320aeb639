"""The settings files economists edit, read one way: UTF-8, TOML, the line of every key, checked keys.

Kontoplan, layouts, periodisering, nyckeltal, the deviation comments, import.toml
and the huvudbok column mappings are TOML files written by hand and kept in git.
Each is read here, once:

- the bytes as UTF-8 (a leading BOM, as Windows editors write it, is dropped);
  a byte that is not UTF-8 is refused at its line;
- the text as TOML; a syntax error is refused at tomllib's line;
- one finder gives the line of every table and key (`Settings.line`), so that
  every message names `fil:rad`;
- `Settings.check` takes a table's schema (`Key`: required or not, what the value
  must be, the message when it is not) and refuses an unknown key with its line
  and the allowed keys.

Every refusal is one exception, raised as the reader's own error type (a
subclass of `SettingsError`, or any callable `(path, line, message)` such as
importers' SourceError), with a Swedish message that says what to do. What a
reader checks beyond its schema (cross-references, the kontoplan's codes) it
checks itself, with `Settings.fail` for the line.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from namndbok.fileio import os_reason

KeyPath = tuple  # ("verksamheter", "5731"), ("rader", 2, "namn"): tables by name, [[arrays]] by index


class SettingsError(Exception):
    """A settings file that cannot be used: path, line (0: the file as a whole) and a Swedish
    message; str() is `fil:rad: meddelande` (`fil: meddelande` without a line, unless the
    subclass shows line 0 as its messages always have)."""

    SHOWS_LINE_ZERO = False

    def __init__(self, path: str, line: int, message: str) -> None:
        shown = f"{path}:{line}: {message}" if line or self.SHOWS_LINE_ZERO else f"{path}: {message}"
        super().__init__(shown)
        self.path, self.line, self.message = str(path), line, message


ErrorType = Callable[[str, int, str], Exception]


def read_text(path: str | Path, error: ErrorType = SettingsError, noun: str = "Filen",
              missing: str = "Kontrollera sökvägen.") -> str:
    """The text of a settings file; `noun` names it in the messages ("Kontoplanen finns inte. …").
    Read through `namndbok.load_inputs`, so that a load records it (`load_cache` checks it)."""
    from namndbok.load_inputs import read_bytes

    try:
        data = read_bytes(path)
    except FileNotFoundError:
        raise error(str(path), 0, f"{noun} finns inte. {missing}") from None
    except OSError as err:
        raise error(str(path), 0, f"{noun} kan inte läsas ({os_reason(err)}). "
                    "Ge den användare som kör Nämndbok läsrätt till filen (t.ex. chmod a+r).") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise error(str(path), line, f"Filen är inte UTF-8 (byte {err.start}). Spara om den som UTF-8.") from None
    return text.removeprefix("\ufeff")


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")


class Settings:
    """A settings file's TOML: `data` as tomllib reads it, the line of each key, and its error type."""

    def __init__(self, text: str, path: str, error: ErrorType = SettingsError, noun: str = "Filen",
                 toml_hint: str = "Rätta raden.") -> None:
        self.path, self.error = str(path), error
        try:
            self.data: dict = tomllib.loads(text)
        except ValueError as err:  # TOMLDecodeError, or a plain ValueError (an integer past Python's digit limit)
            match = _TOML_POSITION.search(str(err))
            reason = _TOML_POSITION.sub("", str(err)).strip()
            raise error(self.path, int(match.group(1)) if match else 0,
                        f"{noun} är inte giltig TOML ({reason}). {toml_hint}") from None
        self.lines = key_lines(text)

    def line(self, *keys) -> int:
        """The line of a key (by its path), or of the nearest table above it that is written; 0 when none is."""
        path = tuple(keys)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 0)

    def fail(self, keys: KeyPath | str, message: str) -> Exception:
        """The error to raise about `keys` (a path, or one top-level key), at its line."""
        return self.error(self.path, self.line(*((keys,) if isinstance(keys, str) else keys)), message)

    def check(self, keys: KeyPath, table: Mapping, schema: Mapping[str, Key], unknown: str) -> None:
        """Check `table` (at `keys`) against its schema: an unknown key is refused with
        `unknown`, a missing required key or a value that does not fit with the key's
        message — each at its line. The messages have {key}, {value}, {allowed} and
        {code} (the table's own name, e.g. "5731") filled in."""
        code = str(keys[-1]) if keys else ""
        for key in table:
            if key not in schema:
                raise self.fail((*keys, key), _filled(unknown, key=key, allowed=", ".join(schema), code=code))
        for key, spec in schema.items():
            value = table.get(key)
            if (value is None and spec.required) or (value is not None and not spec.fits(value)):
                raise self.fail((*keys, key), _filled(spec.message, key=key, value=shown_value(value), code=code))


def _filled(template: str, **values: str) -> str:
    """`template` with {name} replaced (str.format would take the braces of `{ namn = "…" }`)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def shown_value(value) -> str:
    """A value as it is written in TOML (true, "mnkr", ["kr"]), for a message."""
    return json.dumps(value, ensure_ascii=False, default=str)


def read_settings(path: str | Path, error: ErrorType = SettingsError, noun: str = "Filen",
                  missing: str = "Kontrollera sökvägen.") -> Settings:
    """A settings file read and parsed (`read_text`, `Settings`)."""
    return Settings(read_text(path, error, noun, missing), str(path), error)


# ---------------------------------------------------------------------------
# The schema of a table: what each key's value must be.

class Key(NamedTuple):
    """One key of a table: whether it must be there, what its value must be (`fits`), and
    the Swedish message when it is missing or does not fit ({key} and {value} filled in)."""

    fits: Callable[[Any], bool]
    message: str
    required: bool = False


def is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def is_bool(value) -> bool:
    return isinstance(value, bool)


def is_table(value) -> bool:
    return isinstance(value, dict)


def is_tables(value) -> bool:
    """An array of tables (`[[name]]`)."""
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def anything(value) -> bool:
    return True


def one_of(*choices) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, (str, int)) and not isinstance(value, bool) and value in choices


# ---------------------------------------------------------------------------
# The line of every key: one finder for all the files.

_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_ARRAY_LINE = re.compile(rf"\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_LINE = re.compile(rf"\s*\[\s*({_DOTTED})\s*\]")
_KEY_LINE = re.compile(rf"\s*({_DOTTED})\s*=")
_MULTILINE_STRING = re.compile(r'"""|\'\'\'')


def key_lines(text: str) -> dict[KeyPath, int]:
    """The first line (from 1) of each table and key, by path: ("konton",), ("konton", "4610"),
    ("rader",) and ("rader", 0), ("rader", 0, "namn") for the first `[[rader]]` and its keys.
    Lines inside a multi-line string are not keys."""
    lines: dict[KeyPath, int] = {}
    arrays: dict[KeyPath, int] = {}  # how many [[name]] tables so far
    table: KeyPath = ()
    in_string = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        if match := _ARRAY_LINE.match(line):
            name = _path(match.group(1))
            index = arrays[name] = arrays.get(name, -1) + 1
            table = (*name, index)
            lines.setdefault(name, number)
            lines[table] = number
        elif match := _TABLE_LINE.match(line):
            table = _path(match.group(1))
            lines.setdefault(table, number)
        elif match := _KEY_LINE.match(line):
            lines.setdefault((*table, *_path(match.group(1))), number)
            quotes = _MULTILINE_STRING.findall(line[match.end():])
            if len(quotes) % 2:
                in_string = quotes[-1]
    return lines


def _path(expression: str) -> KeyPath:
    parts = re.findall(_PART, expression)
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in parts)
