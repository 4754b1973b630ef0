"""The message catalogs: Chinese complete and faithful to every placeholder, English falling back.

Reads the .po files with a small stdlib parser; the compiled .mo files come from
`make messages`, which `make test` runs first.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import call_pingyi

LOCALE = Path(__file__).resolve().parents[1] / "src" / "pingyi" / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %(name)r, %(share).1f, %s, %d and the escaped percent %%; {{ var }} of a template.
PLACEHOLDER = re.compile(r"%%|%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|\{\{\s*[\w.]+\s*\}\}")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None
    msgstrs: list[str]
    flags: set[str]


def parse_po(path: Path) -> list[Entry]:
    """Every entry of a .po file but the header and the obsolete (#~) ones."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text("utf-8")):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            elif line.strip():
                key, _space, literal = line.partition(" ")
                fields[key] = ast.literal_eval(literal)
        if fields.get("msgid"):
            msgstrs = [text for name, text in fields.items() if name.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], fields.get("msgid_plural"), msgstrs, flags))
    return entries


def placeholders(text: str) -> set[str]:
    return {re.sub(r"\s+", "", found) for found in PLACEHOLDER.findall(text)}


ZH = parse_po(ZH_PO)


def test_the_chinese_catalog_is_complete_and_nothing_is_fuzzy() -> None:
    untranslated = [e.msgid for e in ZH if not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in ZH if "fuzzy" in e.flags]
    assert len(ZH) > 100
    assert untranslated == []
    assert fuzzy == []
    assert "fuzzy" not in ZH_PO.read_text("utf-8").split('msgid ""', 1)[0]  # nor the header


def test_chinese_has_one_plural_form() -> None:
    header = ZH_PO.read_text("utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    plurals = [e for e in ZH if e.msgid_plural is not None]
    assert plurals and all(len(e.msgstrs) == 1 for e in plurals)


def test_the_placeholder_pattern_finds_each_kind() -> None:
    found = placeholders("%(n)s %(code)r %(share).1f%% {{ name }} %s, 90%)")
    assert found == {"%(n)s", "%(code)r", "%(share).1f", "%%", "{{name}}", "%s"}


def test_every_translation_keeps_the_placeholders_of_its_msgid() -> None:
    mismatched = [
        (entry.msgid, msgstr)
        for entry in ZH
        for msgstr in entry.msgstrs
        if placeholders(msgstr) != placeholders(entry.msgid_plural or entry.msgid)
    ]
    assert mismatched == []


def test_the_english_catalog_lists_the_same_messages_and_falls_back_to_them() -> None:
    english = parse_po(EN_PO)
    assert [e.msgid for e in english] == [e.msgid for e in ZH]
    assert all(s == "" for e in english for s in e.msgstrs)
    assert not any("fuzzy" in e.flags for e in english)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("zh-hans", ["评议码", "无记名评议", "查询回执", 'lang="zh-hans"'], ["Ballot code"]),
        ("zh-CN,zh;q=0.9", ["评议码", 'lang="zh-hans"'], ["Ballot code"]),  # as phones ask
        ("en", ["Ballot code", "Anonymous appraisal ballot", 'lang="en"'], ["评议码"]),
    ],
)
def test_the_ballot_page_speaks_the_language_the_browser_asks_for(
    language: str, shown: list[str], not_shown: list[str]
) -> None:
    response = Client().get("/v/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    for text in shown:
        assert text in html
    for text in not_shown:
        assert text not in html


def test_a_bad_units_file_is_reported_in_chinese_with_its_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("code,name,category\nA,x,nowhere\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("ballot_no,A\n1,x\n", encoding="utf-8")
    command = ["tally", "--units", "u.csv", "--ballots", "b.csv", "--json", "o.json"]
    done = call_pingyi(*command, cwd=tmp_path, lang="zh-hans")
    assert done.returncode == 1
    assert "u.csv" in done.stderr and "第 2 行" in done.stderr
    assert "C 列（category）" in done.stderr
    assert "类别 'nowhere' 不在评议方案中" in done.stderr
    assert not (tmp_path / "o.json").exists()


def test_a_list_in_a_refusal_is_joined_as_its_language_joins_a_list() -> None:
    from django.utils import translation

    from pingyi.rules.errors import Listing, RuleError

    refusal = RuleError("%(codes)s have no explanation", codes=Listing(["D002", "D007", "D012"]))
    assert str(refusal) == "D002, D007, D012 have no explanation"
    with translation.override("zh-hans"):
        assert refusal.message(translation.gettext).startswith("D002、D007、D012")
    with translation.override("en"):
        assert refusal.message(translation.gettext).startswith("D002, D007, D012")
    assert RuleError("%(codes)s", codes=Listing(["D002"])).message(translation.gettext) == "D002"
