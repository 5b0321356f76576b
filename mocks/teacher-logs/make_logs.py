#!/usr/bin/env python3
"""Writes the sample teachers' logs (.xlsx) and the hostile workbooks the reader must refuse.

No dependencies: an .xlsx is a zip of XML parts, written here by hand, the way Excel lays them
out (shared strings, dates as serial numbers, several sheets, a merged title row above the
headers, styled empty rows at the end). Run from the repository root:

    python3 mocks/teacher-logs/make_logs.py

Writes mocks/teacher-logs/*.xlsx (District A style logs for the bundled roster) and
Tests/Fixtures/spreadsheets/*.xlsx (a zip bomb, a DTD with entity expansion, an external
entity, a sheet with 1,048,576 rows, a file that is not a zip).
"""
import datetime
import os
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "spreadsheets")


def serial(day):
    """Excel's 1900 date system: days since 1899-12-30 (for dates after February 1900)."""
    return (day - datetime.date(1899, 12, 30)).days


def column(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def workbook(path, sheets, date1904=False, extra_parts=None):
    """sheets: [(name, rows, merges)], rows a list of lists of str / int / float / None."""
    strings, index = [], {}

    def shared(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    parts = {}
    for number, (name, rows, merges) in enumerate(sheets, 1):
        xml = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
        for r, row in enumerate(rows, 1):
            cells = []
            for c, value in enumerate(row):
                ref = f"{column(c)}{r}"
                if value is None:
                    cells.append(f'<c r="{ref}" s="1"/>')  # styled but empty, as Excel leaves them
                elif isinstance(value, (int, float)):
                    cells.append(f'<c r="{ref}" s="2"><v>{value}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>')
            xml.append(f'<row r="{r}">{"".join(cells)}</row>')
        xml.append("</sheetData>")
        if merges:
            xml.append(f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
        xml.append("</worksheet>")
        parts[f"xl/worksheets/sheet{number}.xml"] = "".join(xml)
    sheet_list = "".join(f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, (name, _, _) in enumerate(sheets, 1))
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        + (f'<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>")
        + f"<sheets>{sheet_list}</sheets></workbook>")
    parts["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                  f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(sheets) + 1))
        + "</Relationships>")
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>')
    parts.update(extra_parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


HEADERS = ["State Student Number", "Student Name", "Certificate or Component Earned", "Exam Date", "Exam Proctor",
           "CTE Course Teacher", "Course Name"]


def logs():
    d = datetime.date
    # Ana Rivera's log (District A style): a title merged across the columns, a blank row, the
    # headers, her rows on two sheets, styled empty rows at the end.
    rivera_mos = [
        ["Industry Certification Log 2025-26: Rivera, Ana", None, None, None, None, None, None],
        [None] * 7,
        HEADERS,
        ["FL001000000000", "Ava O'Brien", "MOS-EXCEL", serial(d(2026, 1, 6)), "Lopez, Maria", "Rivera, Ana", "Digital Information Technology"],
        ["FL001000023757", "Noah Johnson", "Microsoft Office Specialist: Word (Microsoft 365 Apps)", serial(d(2026, 1, 7)), "Lopez, Maria",
         "Rivera, Ana", "Foundations of Web Design"],
        ["FL001000031676", "Mia Nguyen", "Microsft Office Specialist: Excel", serial(d(2026, 1, 8)), "Lopez, Maria", "Rivera, Ana",
         "Digital Information Technology"],
        ["FL001999999999", "Nobody Known", "MOS-WORD", serial(d(2026, 1, 9)), "Lopez, Maria", "Rivera, Ana", "Digital Information Technology"],
        [None] * 7,
        [None] * 7,
    ]
    rivera_other = [
        HEADERS,
        ["FL001000000000", "Ava O'Brien", "COMPTIA-ITF", serial(d(2026, 1, 27)), "Lopez, Maria", "Rivera, Ana", "Digital Information Technology"],
        ["FL001000000000", "Ava O'Brien", "IC3-DL1", "not a date", "Lopez, Maria", "Rivera, Ana", "Digital Information Technology"],
    ]
    workbook(os.path.join(HERE, "rivera-2025-26.xlsx"),
             [("Microsoft Office", rivera_mos, ["A1:G1"]), ("Other certifications", rivera_other, [])])


def hostile():
    os.makedirs(FIXTURES, exist_ok=True)
    header = [HEADERS]
    # A zip bomb: 100 MB of shared strings inside a small file.
    workbook(os.path.join(FIXTURES, "zip-bomb.xlsx"), [("Log", header, [])],
             extra_parts={"xl/sharedStrings.xml": "<sst>" + "<si><t>aaaaaaaaaa</t></si>" * 4_000_000 + "</sst>"})
    # Entity expansion (billion laughs) in the shared strings.
    laughs = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + ']><sst><si><t>&j;</t></si></sst>'
    workbook(os.path.join(FIXTURES, "entity-expansion.xlsx"), [("Log", header, [])], extra_parts={"xl/sharedStrings.xml": laughs})
    # An external entity that would read a local file.
    external = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]><sst><si><t>&x;</t></si></sst>'
    workbook(os.path.join(FIXTURES, "external-entity.xlsx"), [("Log", header, [])], extra_parts={"xl/sharedStrings.xml": external})
    # Excel's largest sheet: 1,048,576 rows (without row numbers, which Excel may leave out, so
    # the file stays small).
    rows = "<row><c><v>1</v></c></row>" * 1_048_576
    workbook(os.path.join(FIXTURES, "million-rows.xlsx"), [("Log", header, [])],
             extra_parts={"xl/worksheets/sheet1.xml": f"<worksheet><sheetData>{rows}</sheetData></worksheet>"})
    with open(os.path.join(FIXTURES, "not-a-workbook.xlsx"), "w") as f:
        f.write("State Student Number,Student Name\n")


if __name__ == "__main__":
    logs()
    hostile()
