"""Every ``trellis ...`` command and option written in a fenced code block of docs/*.md or
README.md exists in the click CLI, so an operator copying a documented command never meets
"No such command" or "No such option"."""

import re
import shlex
from pathlib import Path

import click
from flask.cli import ScriptInfo

from saas.cli import main

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


def _documented_invocations():
    for path in sorted([*ROOT.glob("docs/*.md"), ROOT / "README.md"]):
        for block in FENCE.findall(path.read_text()):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.strip().removeprefix("$ ")
                if not re.match(r"^([A-Z_][A-Z0-9_]*=\S*\s+)*trellis\s", line + " "):
                    continue
                words = shlex.split(line, comments=True)
                while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
                    words.pop(0)  # VAR=value prefixes
                if words and words[0] == "trellis":
                    yield path.name, words[1:]


def _resolve(words):
    """The click command the words name, and the options they use."""
    # Resolving a command loads the app and pushes its context onto the click context; the
    # ``with`` pops it again, or every later CLI test would run against this app.
    with click.Context(main, obj=ScriptInfo(create_app=main.create_app)) as ctx:
        command = main
        options = []
        for word in words:
            if word.startswith("-"):
                options.append(word.split("=", 1)[0])
            elif isinstance(command, click.Group) and not options:
                sub = command.get_command(ctx, word)
                if sub is None:
                    return None, word
                command = sub
    known = {name for param in command.params for name in param.opts + param.secondary_opts}
    known.add("--help")
    return command, [option for option in options if option not in known]


def test_docs_show_trellis_commands():
    assert any(words[:2] == ["db", "upgrade"] for _, words in _documented_invocations())


def test_every_documented_command_and_option_exists():
    problems = []
    for doc, words in _documented_invocations():
        command, rest = _resolve(words)
        if command is None:
            problems.append(f"{doc}: trellis {' '.join(words)}: no command {rest!r}")
        elif rest:
            problems.append(f"{doc}: trellis {' '.join(words)}: no option {rest}")
    assert problems == []
