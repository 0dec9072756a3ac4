"""The translation catalogues keep up with the code (docs/i18n.md):

- ``saas/translations/messages.pot`` has exactly the strings the code marks today (run
  ``trellis i18n update`` after changing a marked string), and every language's catalogue
  has the same ones;
- every Simplified Chinese entry is translated, not fuzzy, and keeps the msgid's
  placeholders (a missing ``%(name)s`` would raise when the page is shown);
- no template shows text that is not marked for translation (every template of every
  package, a new one included).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from saas.i18n import POT_FILE, SUPPORTED_LOCALES, TRANSLATIONS_DIR, extract_messages

ROOT = Path(__file__).resolve().parents[2]

# Every template of the product: each shows only text marked for translation. A template that
# cannot be parsed would be skipped without a word by the extractor: it fails here instead.
TEMPLATE_ROOTS = ("saas", "tenants", "core", "admin", "plugins")
TEMPLATES = sorted(
    str(path.relative_to(ROOT))
    for root in TEMPLATE_ROOTS
    for path in (ROOT / root).glob("**/templates/**/*.html")
)
# Words that are the same in every language (the product's name, keys on a keyboard).
UNTRANSLATED_WORDS = {"Trellis", "Ctrl", "PDF", "IP", "HTTP"}
# Attributes a person reads or hears.
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "data-busy",
    "data-confirm",
    "data-label",
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]")
# Attributes written as text, in a ``{% set %}`` block that a tag then takes in
# (``aria-describedby="…"``): markup, not words a person reads.
_ATTRIBUTE_TEXT = re.compile(r'[\w-]+="[^"]*"')


def _catalogue(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def _ids(catalog) -> set[str]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
    }


@pytest.fixture(scope="module")
def fresh_pot(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("i18n") / "messages.pot"
    extract_messages(path)
    return path


def test_the_committed_template_is_not_stale_against_the_code(fresh_pot):
    committed, fresh = _ids(_catalogue(POT_FILE)), _ids(_catalogue(fresh_pot))
    assert not sorted(fresh - committed), (
        "marked in the code, missing from messages.pot: run `trellis i18n update`"
    )
    assert not sorted(committed - fresh), (
        "in messages.pot, no longer in the code: run `trellis i18n update`"
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_language_has_every_string_of_the_template(locale):
    po = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"{po} is missing"
    assert _ids(_catalogue(po)) == _ids(_catalogue(POT_FILE)), (
        f"run `trellis i18n update` ({locale})"
    )


def test_every_chinese_entry_is_translated_not_fuzzy_and_keeps_its_placeholders():
    catalog = _catalogue(TRANSLATIONS_DIR / "zh_Hans" / "LC_MESSAGES" / "messages.po")
    untranslated, fuzzy, placeholders = [], [], []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(strings):
            untranslated.append(ids[0])
        if message.fuzzy:
            fuzzy.append(ids[0])
        wanted = set().union(*(_PLACEHOLDER.findall(text) for text in ids))
        for text in strings:
            if text and set(_PLACEHOLDER.findall(text)) != wanted:
                placeholders.append(ids[0])
    assert not untranslated, f"not translated into zh_Hans: {untranslated}"
    assert not fuzzy, f"fuzzy in zh_Hans: {fuzzy}"
    assert not placeholders, f"placeholders differ from the msgid: {placeholders}"


def test_the_catalogues_compile_and_the_app_reads_them(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context("/"), force_locale("zh_Hans"):
        assert gettext("Sign in") == "登录"
    with app.test_request_context("/"), force_locale("en"):
        assert gettext("Sign in") == "Sign in"


def test_every_menu_items_label_is_in_the_catalogue(app):
    """Menu labels come from the hooks and are translated where the menus are drawn."""
    from saas.plugins.menus import collect_menu_items

    ids = _ids(_catalogue(POT_FILE))
    items = collect_menu_items(app.extensions["trellis_plugins"])
    missing = sorted({item.label for menu in items.values() for item in menu} - ids)
    assert not missing, f"menu labels the catalogue lacks (pass the label second): {missing}"


def test_every_standard_objects_label_is_in_the_catalogue(app):
    """Object, field and section labels of the standard objects are shown translated (lazy
    strings of the registry), and so are their picklists' value labels (in the "picklist
    value" context: core/objects/labels.py lists them)."""
    from core.objects.registry import standard_objects

    catalog = _catalogue(POT_FILE)
    ids = _ids(catalog)
    in_context = {(m.context, m.id) for m in catalog if m.id and m.context}
    missing, values = set(), set()
    with app.app_context():
        for spec in standard_objects().values():
            missing |= {str(spec.label), str(spec.label_plural)} - ids
            for field in spec.fields.values():
                missing |= {str(field.label), *([field.section] if field.section else [])} - ids
                for entry in (field.options or {}).get("values") or []:
                    if isinstance(entry, dict) and entry.get("label"):
                        values.add(("picklist value", entry["label"]))
    assert not sorted(missing), f"labels the catalogue lacks (mark them where written): {missing}"
    assert not sorted(values - in_context), (
        f"picklist labels missing from core/objects/labels.py: {sorted(values - in_context)}"
    )


class _VisibleText(HTMLParser):
    """The literal text a person would read in a template's static parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.found.append(f"{name}={value}")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


# Blocks that hold a CSS class, not text.
_CLASS_BLOCKS = {"main_class", "body_class"}


def _static_parts(node):
    """The template's literal pieces in order, without those of class-name blocks."""
    if isinstance(node, nodes.Block) and node.name in _CLASS_BLOCKS:
        return
    if isinstance(node, nodes.TemplateData):
        yield node.data
        return
    for child in node.iter_child_nodes():
        yield from _static_parts(child)


def untranslated_text(source: str) -> list[str]:
    """Words in a template's literal text (outside ``{{ _() }}`` and ``{% trans %}``)."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    tree = env.parse(source)
    # Each dynamic part becomes a space, so static pieces are never glued into one word
    # and a tag with a conditional attribute (``<summary{% if %} class=..{% endif %}>``)
    # stays a tag.
    static = " ".join(_static_parts(tree))
    parser = _VisibleText()
    parser.feed(static)
    parser.close()
    found = []
    for text in parser.found:
        name, _, value = text.partition("=")
        shown = value if name in VISIBLE_ATTRIBUTES and value else _ATTRIBUTE_TEXT.sub(" ", text)
        words = set(re.findall(r"[A-Za-z][A-Za-z'’-]+", shown)) - UNTRANSLATED_WORDS
        if words:
            found.append(" ".join(text.split())[:80])
    return found


def test_the_guard_finds_text_that_is_not_marked():
    assert untranslated_text("<p>{{ _('Fine') }}</p>") == []
    assert untranslated_text("<p>{% trans %}Fine too{% endtrans %}</p>") == []
    assert untranslated_text('<a href="{{ url }}">{{ name }}</a> · Trellis') == []
    assert untranslated_text("<p>Not marked</p>")
    assert untranslated_text('<input placeholder="Search">')
    assert untranslated_text("{% if x %}<span>Shown</span>{% endif %}")
    assert untranslated_text('{% set a %} aria-invalid="true"{% endset %}<p{{ a }}>x</p>') == []


def test_the_guard_sees_the_templates():
    assert "saas/templates/base.html" in TEMPLATES
    assert "core/objects/templates/records/show.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_have_no_unmarked_text(template):
    source = (ROOT / template).read_text(encoding="utf-8")
    assert not untranslated_text(source), f"{template}: text not marked for translation"
    # ``{% set _ = … %}`` would hide the translation function from the rest of the template.
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    stored = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "store"}
    assert "_" not in stored, f"{template}: assigns _, which is the translation function"
