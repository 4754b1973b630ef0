"""The paper ballot (PDF) and its data-entry template (xlsx), opened back as a user would."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import paper_ballot
from pingyi.campaigns.services import campaign_create
from pingyi.exports import paper, pdf
from pingyi.exports.paper import ENTRY_SHEET, HELP_SHEET, write_ballot_form, write_entry_template
from pingyi.exports.pdf import FontMissingError, cjk_font_path
from pingyi.inputs.p1_files import ballots_from_table
from pingyi.inputs.tables import read_table
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import UnitSpec
from tests.chinese import pdf_texts

UNITS = [
    UnitSpec("L01", "市委办公室", "地方管理部门", "local"),
    UnitSpec("L02", '=HYPERLINK("http://x")', "地方管理部门", "local"),
    UnitSpec("L03", '<img src="/etc/hostname"/>人防办', "地方", "local"),
    UnitSpec("V01", "国家税务总局某市税务局", "垂直管理部门", "vertical"),
    UnitSpec("F01", "中国人民银行某市分行", "金融部门", "financial", veto=True),
]
CODES = [u.code for u in UNITS]
MARKS = ["满意", "基本满意", "不满意", "弃权"]
GROUPS = ["服务对象", "干部和各界代表"]


@pytest.fixture
def campaign() -> Campaign:
    return campaign_create(
        organization_code="office",
        organization_name="市委组织部",
        series_code="qianren",
        series_name="千人评议机关",
        year=2024,
        name="2024年千人评议机关",
        scheme=builtin_scheme(),
        units=UNITS,
        actor=Actor.operator("test"),
    )


# ------------------------------------------------------------------------------ template


@pytest.mark.django_db
def test_template_header_is_ballot_number_and_group_in_chinese_then_unit_codes(
    campaign: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "entry.xlsx"
    write_entry_template(path, paper=paper_ballot(campaign), rows=50)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:2] == [ENTRY_SHEET, HELP_SHEET]
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == ["票号", "评议代表类别", *CODES]
    assert all(c.data_type == "s" for c in sheet[1])
    assert sheet.max_row == 1  # no data rows, not even formatted blanks
    assert sheet.freeze_panes == "C2"


@pytest.mark.django_db
def test_template_comments_name_each_unit_and_its_category(
    campaign: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "entry.xlsx"
    write_entry_template(path, paper=paper_ballot(campaign), rows=10)

    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["C1"].comment is not None
    assert sheet["C1"].comment.text == "1. 市委办公室\n类别：地方管理部门"
    assert sheet["F1"].comment is not None
    assert sheet["F1"].comment.text == "4. 国家税务总局某市税务局\n类别：垂直管理部门"


@pytest.mark.django_db
def test_template_offers_the_mark_labels_and_the_groups_as_drop_downs(
    campaign: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "entry.xlsx"
    write_entry_template(path, paper=paper_ballot(campaign), rows=30)

    sheet = openpyxl.load_workbook(path).worksheets[0]
    lists = {
        str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"
    }
    assert lists == {
        "C2:G31": '"' + ",".join(MARKS) + '"',
        "B2:B31": '"' + ",".join(GROUPS) + '"',
    }
    custom = [v for v in sheet.data_validations.dataValidation if v.type == "custom"]
    assert [str(v.sqref) for v in custom] == ["A2:A31"]  # the ballot number must not repeat


@pytest.mark.django_db
def test_template_reads_back_through_the_ballots_importer(
    campaign: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "entry.xlsx"
    write_entry_template(path, paper=paper_ballot(campaign), rows=10)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet.append(["0001", "服务对象", "满意", "基本满意", None, "不满意", "弃权"])
    workbook.save(path)

    rows = ballots_from_table(read_table(path), CODES, builtin_scheme())

    assert rows.ballot_nos == ["0001"]
    assert rows.groups == ["服务对象"]
    assert rows.marks.tolist() == [[0, 1, -1, 2, 3]]


@pytest.mark.django_db
def test_template_instructions_are_in_chinese_and_list_every_unit(
    campaign: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "entry.xlsx"
    write_entry_template(path, paper=paper_ballot(campaign), rows=10)

    sheet = openpyxl.load_workbook(path)[HELP_SHEET]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    assert "未填的格视为“弃权”" in joined
    assert "票号不能重复" in joined
    assert "每张纸质测评表录入一行" in joined
    assert "在评议活动页面的“导入纸质评议表”处上传" in joined
    assert "pingyi" not in joined  # a clerk has no command line
    assert '=HYPERLINK("http://x")' in texts


@pytest.mark.django_db
def test_a_long_group_list_moves_to_a_hidden_sheet(campaign: Campaign, tmp_path: Path) -> None:
    long_names = [f"第{i}组评议代表，含各界人士" for i in range(20)]
    for position, name in enumerate(long_names, start=10):
        campaign.groups.create(code=f"g{position}", name=name, position=position)
    path = tmp_path / "entry.xlsx"
    write_entry_template(path, paper=paper_ballot(campaign), rows=5)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == ENTRY_SHEET
    hidden = workbook[paper.LISTS_SHEET]
    assert hidden.sheet_state == "hidden"
    assert [c.value for c in hidden["A"]] == [*GROUPS, *long_names]
    group_rule = next(
        v for v in workbook.worksheets[0].data_validations.dataValidation if str(v.sqref) == "B2:B6"
    )
    assert group_rule.formula1 == f"'{paper.LISTS_SHEET}'!$A$1:$A$22"


@pytest.mark.django_db
def test_template_refuses_a_row_count_outside_the_sheet(campaign: Campaign, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rows must be between 1 and 1048575; got 0"):
        write_entry_template(tmp_path / "entry.xlsx", paper=paper_ballot(campaign), rows=0)


# ---------------------------------------------------------------------------------- form


@pytest.fixture
def form(campaign: Campaign, tmp_path: Path) -> Path:
    path = tmp_path / "form.pdf"
    write_ballot_form(path, paper=paper_ballot(campaign))
    return path


@pytest.mark.django_db
def test_form_is_a_pdf_with_the_cjk_font_embedded(form: Path) -> None:
    data = form.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(form)
    assert len(reader.pages) >= 1
    fonts = reader.pages[0]["/Resources"].get_object()["/Font"].get_object()  # type: ignore[index]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(str(font["/BaseFont"]))
    assert any("WenQuanYiZenHei" in name for name in embedded), embedded


@pytest.mark.django_db
def test_form_shows_title_instructions_groups_marks_and_units_in_chinese(form: Path) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(form).pages)
    for expected in (
        "2024年千人评议机关测评表",
        "打“√”",
        "不填视为弃权",
        "无记名",
        "票号",
        "服务对象",
        "干部和各界代表",
        "基本满意",
        "市委办公室",
        "国家税务总局某市税务局",
        "地方管理部门",
        "垂直管理部门",
        "金融部门",
        "第 1 页",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_form_prints_markup_in_a_unit_name_as_text_and_loads_nothing(form: Path) -> None:
    text = "".join(page.extract_text() for page in PdfReader(form).pages).replace(" ", "")
    assert '<imgsrc="/etc/hostname"/>人防办' in text
    assert b"/Subtype /Image" not in form.read_bytes()


@pytest.mark.django_db
def test_form_repeats_the_table_header_on_every_page(campaign: Campaign, tmp_path: Path) -> None:
    many = [UnitSpec(f"X{i:03}", f"测试单位{i}", "地方管理部门", "local") for i in range(90)]
    big = campaign_create(
        organization_code="office", organization_name="市委组织部", series_code="big",
        series_name="大", year=2024, name="大型评议", scheme=builtin_scheme(), units=many,
        actor=Actor.operator("test"),
    )  # fmt: skip
    path = tmp_path / "big.pdf"
    write_ballot_form(path, paper=paper_ballot(big))

    pages = PdfReader(path).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "单位名称" in text and "基本满意" in text
        assert f"第 {number} 页，共 {len(pages)} 页" in text


def test_missing_font_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf, "WQY_ZENHEI", tmp_path / "none.ttc")
    monkeypatch.setattr(pdf, "WQY_DIR", tmp_path)
    monkeypatch.setattr(pdf, "BUNDLED_FONTS", tmp_path / "venv" / "share" / "pingyi" / "fonts")
    monkeypatch.setattr(pdf, "_fc_match", lambda: [])
    with pytest.raises(FontMissingError, match="apt-get install fonts-wqy-zenhei"):
        cjk_font_path()


def test_the_offline_bundles_font_beside_the_virtualenv_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A machine without fonts-wqy-zenhei, where scripts/install.sh put the bundle's font in
    the virtualenv's share/pingyi/fonts: that one, before whatever fontconfig offers."""
    font = cjk_font_path()
    bundled = tmp_path / "venv" / "share" / "pingyi" / "fonts"
    bundled.mkdir(parents=True)
    shutil.copy2(font, bundled / font.name)
    monkeypatch.setattr(pdf, "WQY_ZENHEI", tmp_path / "none.ttc")
    monkeypatch.setattr(pdf, "WQY_DIR", tmp_path / "none")
    monkeypatch.setattr(pdf, "BUNDLED_FONTS", bundled)
    monkeypatch.setattr(pdf, "_fc_match", lambda: [tmp_path / "DejaVuSans.ttf"])
    assert cjk_font_path() == bundled / font.name


@pytest.mark.django_db
def test_form_page_one_renders_to_an_image(form: Path, tmp_path: Path) -> None:
    """Rasterizes page 1 (poppler), so a person can look at tmp_path/page-1.png."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: `make test` installs poppler-utils (scripts/system-deps)")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(form), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = next(tmp_path.glob("page-*.png"))
    assert image.read_bytes().startswith(b"\x89PNG")


def _cell_formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet") and b"<f>" in archive.read(name)
        ]


@pytest.mark.django_db
def test_form_prints_the_four_criteria_above_the_unit_tables(form: Path) -> None:
    lines = pdf_texts(form.read_bytes())
    text = "".join(lines)
    names = ["比依法行政", "比行政效能", "比工作实绩", "比工作机制"]
    assert "评议内容：" in text
    for criterion in builtin_scheme().criteria:
        assert criterion.name in text
        # the description may wrap: compare it without the line breaks
        assert criterion.description.replace("“", "").replace("”", "")[:20] in text.replace(
            "“", ""
        ).replace("”", "")
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions)
    assert positions[-1] < text.index("市委办公室")


@pytest.mark.django_db
def test_form_without_criteria_prints_none(campaign: Campaign, tmp_path: Path) -> None:
    campaign.scheme = {**campaign.scheme, "criteria": []}
    campaign.save(update_fields=["scheme"])
    path = tmp_path / "plain.pdf"
    write_ballot_form(path, paper=paper_ballot(campaign))
    assert "评议内容" not in "".join(pdf_texts(path.read_bytes()))
