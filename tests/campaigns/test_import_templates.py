"""Every import has a template to download beside its upload form: Chinese headers that the
reader takes back, drop-downs for the enumerated columns; and files as clerks save them
(GBK CSV from Chinese Excel or WPS, .xls) go through the staff pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from openpyxl.worksheet.worksheet import Worksheet

from pingyi.campaigns.models import Campaign
from tests.cast import make_campaign
from tests.jobs.conftest import finish_jobs
from tests.stored import ballot_count
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(response: HttpResponse) -> openpyxl.Workbook:
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def header(sheet: Worksheet) -> list[object]:
    return [c.value for c in sheet[1]]


def drop_downs(sheet: Worksheet) -> dict[str, str | None]:
    """Each list validation's first column letter → its inline list."""
    return {
        str(v.sqref)[0]: v.formula1
        for v in sheet.data_validations.dataValidation
        if v.type == "list"
    }


def new_campaign(cast: Cast, name: str, content: bytes, series: str = "new") -> HttpResponse:
    return client_for(cast.alice).post(
        "/staff/new",
        {
            "organization": cast.campaign.series.organization.pk,
            "series_code": series,
            "series_name": "千人评议机关",
            "year": 2027,
            "name": "2027年千人评议",
            "units": SimpleUploadedFile(name, content),
        },
    )


def test_the_units_template_has_chinese_headers_and_drop_downs_and_reads_back(
    cast: Cast,
) -> None:
    alice = client_for(cast.alice)
    page = alice.get("/staff/new", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'href="/staff/units-template.xlsx" id="units-template">下载模板</a>' in page

    book = workbook_of(alice.get("/staff/units-template.xlsx"))
    sheet = book.worksheets[0]
    assert header(sheet) == ["编码", "名称", "类别", "一票否决"]
    assert drop_downs(sheet) == {"C": '"地方管理部门,垂直管理部门,金融部门"', "D": '"是,否"'}
    assert book.sheetnames[1] == "填表说明"

    for row in (["L01", "财政局", "地方管理部门", "否"], ["F01", "人行", "金融部门", "是"]):
        sheet.append(row)
    filled = io.BytesIO()
    book.save(filled)
    new_campaign(cast, "被评单位.xlsx", filled.getvalue())
    finish_jobs()
    units = Campaign.objects.get(code="new-2027").units.order_by("position")
    assert [(u.code, u.category.code, u.veto) for u in units] == [
        ("L01", "local", False),
        ("F01", "financial", True),
    ]


def test_a_units_csv_saved_in_gbk_is_uploaded_through_the_staff_page(cast: Cast) -> None:
    text = (
        "编码,名称,类别,一票否决\r\n"
        "L01,县财政局,地方管理部门,否\r\n"
        "V01,县税务局,垂直管理部门,是\r\n"
    )

    response = new_campaign(cast, "被评单位.csv", text.encode("gbk"))
    finish_jobs()

    created = Campaign.objects.get(code="new-2027")
    assert [(u.name, u.veto) for u in created.units.order_by("position")] == [
        ("县财政局", False),
        ("县税务局", True),
    ]
    job = client_for(cast.alice).get(response["Location"]).content.decode()
    assert 'href="/staff/c/new-2027/"' in job


def test_a_csv_in_neither_encoding_is_refused_naming_what_was_tried(cast: Cast) -> None:
    response = new_campaign(cast, "units.csv", b"code,name,category\n\xff\xfe,x,y\n")
    finish_jobs()

    page = client_for(cast.alice).get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "UTF-8, UTF-8 with BOM, GB18030/GBK" in page.content.decode()
    assert not Campaign.objects.filter(code="new-2027").exists()


def test_the_paper_template_is_linked_beside_the_upload_and_reads_back(cast: Cast) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    page = alice.get(f"/staff/c/{code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'href="/staff/c/{code}/template.xlsx" id="paper-template">下载模板</a>' in page

    book = workbook_of(alice.get(f"/staff/c/{code}/template.xlsx"))
    sheet = book.worksheets[0]
    assert header(sheet) == ["票号", "评议代表类别", "L1", "L2", "V1", "F1"]
    assert drop_downs(sheet)["B"] == '"服务对象,干部和各界代表"'
    assert drop_downs(sheet)["C"] == '"满意,基本满意,不满意,弃权"'
    help_text = "\n".join(str(c.value) for row in book["说明"].iter_rows() for c in row)
    assert "pingyi ballots import" not in help_text and "导入纸质评议表" in help_text

    sheet.append(["0001", "服务对象", "满意", "不满意", "基本满意", None])
    filled = io.BytesIO()
    book.save(filled)
    upload = SimpleUploadedFile("纸质评议表.xlsx", filled.getvalue())
    alice.post(f"/staff/c/{code}/paper", {"file": upload})
    finish_jobs()
    assert ballot_count(cast.campaign.pk) == 1


def test_a_paper_file_with_bad_marks_and_an_unknown_group_lists_both_at_once(
    cast: Cast,
) -> None:
    text = "票号,组别,L1,L2\n1,服务对象,好,满意\n2,游客,满意,\n"
    upload = SimpleUploadedFile("paper.csv", text.encode("gbk"))
    alice = client_for(cast.alice)

    response = alice.post(f"/staff/c/{cast.campaign.code}/paper", {"file": upload})
    finish_jobs()

    page = alice.get(response["Location"]).content.decode()
    assert "paper.csv, row 2, column C (L1): unknown mark &#x27;好&#x27;" in page
    assert "paper.csv, row 3, column B (组别): unknown evaluator group &#x27;游客&#x27;" in page
    assert ballot_count() == 0


def test_a_viewer_gets_no_template(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    bob = client_for(cast.bob)
    assert bob.get("/staff/units-template.xlsx").status_code == 403
    assert bob.get(f"/staff/c/{draft.code}/template.xlsx").status_code == 403
