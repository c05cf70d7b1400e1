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
