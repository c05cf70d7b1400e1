"""Upload checks shared by assurance evidence and review terms of reference (moved here from both apps'
rule tests): type by extension, size, emptiness and the first bytes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import uploads

MB = 1024 * 1024
EVIDENCE = {"max_bytes": 10 * MB, "extensions": ("pdf", "docx", "csv")}  # as assurance passes them
TERMS_OF_REFERENCE = ("pdf", "docx", "odt", "doc")  # as reviews passes them


def problem(name, size, head=b"", **limits):
    return uploads.upload_problem(name, size, head, **(limits or EVIDENCE))


def tor_problem(name, size, head, max_bytes):
    return uploads.upload_problem(name, size, head, max_bytes=max_bytes, extensions=TERMS_OF_REFERENCE)


class TestEvidenceFiles:
    def test_size_boundary(self):
        assert problem("a.pdf", 10 * MB, b"%PDF-1.7") is None
        assert "largest allowed is 10 MB" in problem("a.pdf", 10 * MB + 1, b"%PDF-1.7")
        assert problem("a.pdf", 0) == "The file is empty."

    def test_type_is_checked_by_extension(self):
        assert problem("Report.PDF", 10, b"%PDF-1.7") is None
        assert "cannot be uploaded" in problem("run.exe", 10, b"MZ")
        assert "cannot be uploaded" in problem("noextension", 10, b"text")
        assert "type 'none'" in problem("noextension", 10, b"text")

    def test_the_type_is_checked_before_the_size_and_the_size_before_the_content(self):
        assert "cannot be uploaded" in problem("run.exe", 20 * MB, b"MZ")
        assert "largest allowed" in problem("a.pdf", 20 * MB, b"MZ")
        assert problem("a.pdf", 0, b"MZ") == "The file is empty."


class TestContent:
    def test_the_content_must_match_the_extension(self):
        assert uploads.content_problem("a.pdf", b"%PDF-1.7 ...") is None
        assert uploads.content_problem("a.pdf", b"MZ\x90\x00") == "The file's content is not a PDF file."
        assert uploads.content_problem("a.docx", b"PK\x03\x04rest") is None
        assert uploads.content_problem("a.png", b"\x89PNG\r\n\x1a\nIHDR") is None
        assert uploads.content_problem("a.jpg", b"GIF89a") is not None
        assert uploads.content_problem("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") is None
        assert uploads.content_problem("a.doc", b"PK\x03\x04") is not None

    def test_text_files_must_be_text(self):
        assert uploads.content_problem("a.csv", b"code,rating\nS11-1,fully_met\n") is None
        assert uploads.content_problem("a.txt", b"MZ\x00\x00") is not None

    def test_upload_problem_checks_the_content_too(self):
        assert problem("a.pdf", 10, b"MZ\x90\x00") == "The file's content is not a PDF file."
        assert problem("a.csv", 10, b"a,b\x00") == "The file's content is not a CSV text file."

    @given(st.sampled_from(sorted(ext for ext, kind in uploads.FILE_TYPES.items() if kind.signatures)), st.binary())
    def test_a_file_with_a_signature_passes_only_when_it_starts_with_it(self, extension, rest):
        signatures = uploads.FILE_TYPES[extension].signatures
        assert uploads.content_problem(f"f.{extension}", signatures[0] + rest) is None
        head = rest if not any(rest.startswith(s) for s in signatures) else b"MZ" + rest
        assert uploads.content_problem(f"f.{extension}", head) is not None


class TestTermsOfReferenceFile:
    def test_pdf_and_word_files_within_the_limit_are_accepted(self):
        assert tor_problem("tor.pdf", 1000, b"%PDF-1.7", 10 * MB) is None
        assert tor_problem("ToR.DOCX", 1000, b"PK\x03\x04rest", 10 * MB) is None
        assert tor_problem("tor.odt", 1000, b"PK\x03\x04rest", 10 * MB) is None

    def test_other_types_too_large_empty_or_disguised_files_are_refused(self):
        assert "PDF, Word" in tor_problem("tor.exe", 10, b"MZ", MB)
        assert "must be a PDF" in tor_problem("tor.exe", 10, b"MZ", MB)
        # Was "larger than 1 MB" in reviews: the shared message names the limit the way assurance's did.
        assert "largest allowed is 1 MB" in tor_problem("tor.pdf", MB + 1, b"%PDF", MB)
        assert tor_problem("tor.pdf", MB, b"%PDF", MB) is None
        assert "empty" in tor_problem("tor.pdf", 0, b"", MB)
        # Was "not a .pdf" in reviews.
        assert "not a PDF file" in tor_problem("tor.pdf", 10, b"<html>", MB)


class TestMessages:
    def test_allowed_types_are_named_as_people_know_them(self):
        assert (
            tor_problem("tor.exe", 10, b"MZ", MB) == "A file of type 'exe' cannot be uploaded: "
            "it must be a PDF, Word (.docx, .doc) or OpenDocument (.odt) file."
        )
        assert uploads.describe_types(("pdf",)) == "PDF"
        assert (
            uploads.describe_types(("xlsx", "jpg", "jpeg", "txt")) == "Excel (.xlsx), JPEG (.jpg, .jpeg) or text (.txt)"
        )
        assert uploads.describe_types((".PDF", "heic")) == "PDF or HEIC"
        assert "an Excel (.xlsx) file" in problem("a.pdf", 10, b"%PDF", max_bytes=MB, extensions=("xlsx",))

    @pytest.mark.parametrize(
        "size, text",
        [
            (0, "0 bytes"),
            (1, "1 byte"),
            (1023, "1023 bytes"),
            (1024, "1 KB"),
            (1025, "1.1 KB"),
            (MB, "1 MB"),
            (MB + 1, "1.1 MB"),
            (10 * MB, "10 MB"),
        ],
    )
    def test_sizes_are_rounded_up_so_a_file_over_the_limit_never_reads_as_the_limit(self, size, text):
        assert uploads.format_size(size) == text

    @given(st.integers(1, 100 * MB), st.integers(1, 100 * MB))
    def test_a_file_is_refused_for_size_exactly_when_it_is_over_the_limit(self, limit, size):
        message = uploads.upload_problem("a.pdf", size, b"%PDF", max_bytes=limit, extensions=("pdf",))
        assert (message is not None) == (size > limit)


def test_read_head_leaves_the_file_where_it_was():
    import io

    upload = io.BytesIO(b"%PDF-1.7 synthetic")
    upload.seek(3)
    assert uploads.read_head(upload, 4) == b"%PDF"
    assert upload.tell() == 3


# --- The content must open as what the extension claims ----------------------------------------------


def image_bytes(kind, size=(2, 2)):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, kind)
    return buffer.getvalue()


def zip_bytes(parts):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
ODT = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document/>"})
ALL_TYPES = tuple(uploads.FILE_TYPES)


def file_problem(name, content, max_bytes=10 * MB):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return uploads.uploaded_file_problem(SimpleUploadedFile(name, content), max_bytes=max_bytes, extensions=ALL_TYPES)


class TestContentOpens:
    def test_a_real_file_of_each_kind_is_accepted(self):
        from core.testing import pdf_bytes
        from core.tests.workbooks import workbook

        assert file_problem("policy.pdf", pdf_bytes()) is None
        assert file_problem("photo.png", image_bytes("PNG")) is None
        assert file_problem("photo.JPG", image_bytes("JPEG")) is None
        assert file_problem("photo.jpeg", image_bytes("JPEG")) is None
        assert file_problem("chart.gif", image_bytes("GIF")) is None
        assert file_problem("letter.docx", DOCX) is None
        assert file_problem("letter.odt", ODT) is None
        assert file_problem("figures.xlsx", workbook({"Data": [["a", 1]]})) is None
        assert file_problem("notes.txt", "Notes: café, £5".encode()) is None
        assert file_problem("data.csv", "\ufeffcode,rating\nS11-1,met\n".encode()) is None

    def test_a_pdf_that_is_really_a_png_is_refused(self):
        assert file_problem("policy.pdf", image_bytes("PNG")) == "The file's content is not a PDF file."

    def test_a_pdf_that_only_starts_like_one_is_refused(self):
        assert file_problem("policy.pdf", b"%PDF-1.4 synthetic") == "The file's content is not a readable PDF file."
        from core.testing import pdf_bytes

        truncated = pdf_bytes()[:200]
        assert file_problem("policy.pdf", truncated) == "The file's content is not a readable PDF file."

    def test_a_password_protected_pdf_is_refused(self):
        import io

        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(width=100, height=100)
        writer.encrypt(user_password="secret", owner_password="owner")
        buffer = io.BytesIO()
        writer.write(buffer)
        assert "protected by a password" in file_problem("policy.pdf", buffer.getvalue())

    def test_an_image_must_decode_as_its_own_kind(self):
        assert file_problem("photo.png", image_bytes("PNG")[:30]) == "The file's content is not a readable PNG image."
        assert file_problem("photo.jpg", b"\xff\xd8\xff" + b"\x00" * 50) is not None
        assert file_problem("photo.gif", image_bytes("GIF")[:6] + b"rubbish") is not None

    def test_a_zip_that_is_not_the_document_it_claims_is_refused(self):
        assert file_problem("letter.docx", zip_bytes({"other.xml": "<x/>"})) == (
            "This file is not a readable Word file."
        )
        assert file_problem("figures.xlsx", DOCX) == "This file is not a readable Excel file."
        assert file_problem("letter.odt", zip_bytes({"mimetype": "text/plain", "content.xml": "<x/>"})) == (
            "The file's content is not a readable OpenDocument file."
        )
        broken_workbook = zip_bytes({"xl/workbook.xml": "not xml"})
        assert file_problem("figures.xlsx", broken_workbook) == "The file's content is not a readable Excel file."

    def test_a_zip_bomb_dressed_as_a_document_is_refused_unread(self, monkeypatch):
        monkeypatch.setattr(uploads, "EVIDENCE_MAX_UNCOMPRESSED_BYTES", 1 * MB)
        at_limit = zip_bytes({"word/document.xml": b"\0" * MB})
        assert file_problem("letter.docx", at_limit) is None
        over = zip_bytes({"word/document.xml": b"\0" * (MB + 1)})
        assert file_problem("letter.docx", over).startswith("This file unpacks to 1.1 MB")

    def test_text_and_csv_must_be_utf8(self):
        windows = "code,name\nS11-1,Café\n".encode("cp1252")
        assert "not UTF-8 text" in file_problem("data.csv", windows)
        assert "not UTF-8 text" in file_problem("notes.txt", windows)

    def test_the_cheap_checks_run_first(self):
        assert "cannot be uploaded" in file_problem("run.exe", b"MZ")
        assert "largest allowed" in file_problem("policy.pdf", b"x" * 11, max_bytes=10)


class TestNames:
    LONG_STEM = "Safeguarding policy " * 15  # 300 characters

    @pytest.mark.parametrize("extension", ["pdf", "docx", "xlsx", "jpeg"])
    def test_a_300_character_name_keeps_its_extension(self, extension):
        name = f"{self.LONG_STEM}.{extension}"
        assert len(name) > 300
        shown = uploads.shorten_name(name, uploads.DISPLAY_NAME_LENGTH)
        assert len(shown) == 200 and shown.endswith(f".{extension}") and shown.startswith("Safeguarding policy")
        stored = uploads.stored_name(name)
        assert len(stored) == 60 and stored.endswith(f".{extension}") and " " not in stored

    def test_names_within_the_limit_are_kept_and_the_limit_is_exact(self):
        assert uploads.shorten_name("a" * 196 + ".pdf", 200) == "a" * 196 + ".pdf"
        assert uploads.shorten_name("a" * 197 + ".pdf", 200) == "a" * 196 + ".pdf"
        assert uploads.shorten_name("C:\\Users\\someone\\policy.pdf", 200) == "policy.pdf"
        assert uploads.shorten_name("no-extension" * 30, 200) == ("no-extension" * 30)[:200]

    def test_a_name_with_nothing_safe_left_gets_a_plain_one(self):
        assert uploads.stored_name("???.pdf") == "upload.pdf"
        assert uploads.stored_name("////") == "upload"
        assert uploads.stored_name("my policy (v2).pdf") == "my_policy_v2.pdf"


@given(
    st.text(st.characters(blacklist_characters="/\\.", blacklist_categories=("Cs",)), min_size=1, max_size=400),
    st.sampled_from(sorted(uploads.FILE_TYPES)),
    st.integers(20, 300),
)
def test_a_shortened_name_fits_and_keeps_its_extension(stem, extension, max_length):
    name = f"{stem}.{extension}"
    shortened = uploads.shorten_name(name, max_length)
    assert len(shortened) <= max_length and shortened.endswith(f".{extension}")
    assert uploads.stored_name(name).endswith(f".{extension}") and len(uploads.stored_name(name)) <= 60
