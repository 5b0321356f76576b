#!/usr/bin/env python3
"""Writes the sample certificate PDFs in this folder (fictitious people, real PDF structure).

Run from this folder: python3 make_certificates.py. Uses only Python's standard library.
Each PDF has a catalog, a page, a Helvetica font and one content stream (Flate-compressed unless
noted), with a correct cross-reference table, so CertGate's validator and text reader see what
a certificate generator's output looks like. The odd ones are described in README.md.
"""
import zlib


def pdf(objects, trailer_extra=""):
    """Serializes numbered objects (bytes) with a cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra.encode(), xref)
    return bytes(out)


def stream(content, compress=True, extra=b""):
    data = zlib.compress(content) if compress else content
    filter_ = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s%s >>\nstream\n" % (len(data), filter_, extra) + data + b"\nendstream"


def escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def certificate(lines, compress=True, catalog_extra=b""):
    content = b"BT /F1 18 Tf 72 720 Td 22 TL\n" + b"".join(b"(" + escape(line) + b") Tj T*\n" for line in lines) + b"ET\n"
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(content, compress),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ])


def write(name, data):
    with open(name, "wb") as handle:
        handle.write(data)


write("ava-obrien-mos-excel.pdf", certificate([
    "Microsoft Office Specialist", "This certifies that", "Ava O'Brien",
    "has successfully completed the requirements for", "Microsoft Office Specialist: Excel (Microsoft 365 Apps)",
    "Exam MO-200   Date 01/06/2026", "Verification code: wNMEx-2FNW"]))
write("jean-luc-allen-comptia-itf.pdf", certificate([
    "CompTIA", "Jean-Luc Allen", "has earned the", "CompTIA IT Fundamentals+ (ITF+) certification",
    "Exam FC0-U61   Date 01/27/2026", "Verification code: COMP001022938"], compress=False))
write("mary-kate-king-aplus-core1.pdf", certificate([
    "CompTIA A+ Core 1 (220-1101)", "Candidate: Mary Kate King", "Passed on 11/18/2025", "Verification code: COMP001019011"]))
write("mary-kate-king-aplus-core2.pdf", certificate([
    "CompTIA A+ Core 2 (220-1102)", "Candidate: Mary Kate King", "Passed on 01/22/2026", "Verification code: COMP001022101"]))
write("wrong-name-comptia-itf.pdf", certificate([
    "CompTIA", "Morgan Ashford", "has earned the", "CompTIA IT Fundamentals+ (ITF+) certification",
    "Exam FC0-U61", "Verification code: COMP009999999"]))

# A scan: one grey image and no text at all.
pixels = bytes([200]) * (40 * 40)
write("scanned-certificate.pdf", pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
    stream(b"q 400 0 0 400 100 200 cm /Im1 Do Q\n"),
    stream(pixels, True, b" /Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceGray /BitsPerComponent 8"),
]))

# Opens with JavaScript: refused (or quarantined) whatever its text says.
write("javascript-certificate.pdf", certificate(
    ["CompTIA", "Jean-Luc Allen", "CompTIA IT Fundamentals+ (ITF+)", "Exam FC0-U61"],
    catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert\\('hello'\\)) >> "))

# Cut off in the middle of a download.
whole = certificate(["CompTIA", "Jean-Luc Allen", "CompTIA IT Fundamentals+ (ITF+)"])
write("truncated-certificate.pdf", whole[: len(whole) // 2])
