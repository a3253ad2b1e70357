from tests.documents.conftest import _document_files, clamd, document_root  # noqa: F401
