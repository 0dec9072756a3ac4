"""Commands come from the hooks: an area's register_commands adds its commands and groups to
``trellis`` with no list edited; a name cannot be taken twice."""

from __future__ import annotations

import pytest

from saas.cli import PLATFORM_COMMANDS
from saas.plugins.manager import build_manager, commands

FAKE_HOOKS = """
    import click
    from flask import current_app
    from flask.cli import with_appcontext

    from saas.plugins import hookimpl


    @click.group("zz-fake")
    def group():
        "The fake area."


    @group.command("hello")
    @click.option("--name", default="world")
    @with_appcontext
    def hello(name):
        click.echo(f"hello {name} from {current_app.name}")


    @click.command("zz-alone")
    def alone():
        click.echo("alone")


    @hookimpl
    def register_commands():
        return [group, alone]
"""


def test_core_commands_come_from_the_hooks_after_the_platforms(app):
    names = [command.name for command in commands(build_manager())]
    assert {"quotes", "purge-deleted"} <= set(names)
    assert not {command.name for command in PLATFORM_COMMANDS} & set(names)
    assert {"db", "tenant", "worker", "scheduler", "quotes", "purge-deleted"} <= set(
        app.cli.commands
    )


def test_a_new_areas_commands_appear_in_trellis(make_area, build_app):
    make_area("zz_fakecli", FAKE_HOOKS)
    application = build_app()
    runner = application.test_cli_runner()

    result = runner.invoke(args=["zz-fake", "hello", "--name", "ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello ada from saas\n"
    assert runner.invoke(args=["zz-alone"]).output == "alone\n"
    assert "zz-fake" in runner.invoke(args=["--help"]).output


def test_a_command_name_taken_twice_is_refused(make_area, build_app):
    make_area(
        "zz_clash",
        """
        import click

        from saas.plugins import hookimpl


        @click.command("db")
        def db():
            pass


        @hookimpl
        def register_commands():
            return [db]
        """,
    )
    with pytest.raises(ValueError, match=r"trellis db: core\.zz_clash\.hooks declares a command"):
        build_app()


def test_hooks_must_return_click_commands():
    pm = build_manager()

    class Broken:
        from saas.plugins import hookimpl

        @hookimpl
        def register_commands(self):
            return [lambda: None]

    pm.register(Broken(), name="broken")
    with pytest.raises(TypeError, match="register_commands must return Command objects"):
        commands(pm)
