"""Demo: idva.clarke's signed consent form on Amina's case (Housing Options, MARAC-only
there, cannot see it), and a file the virus scan quarantined (the EICAR test file)."""

from __future__ import annotations

import io

from apps.documents import services
from apps.documents.scanning import EICAR


def _consent_form_pdf() -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(w=0, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   text="Safe Haven: consent to share information (demo).\n\nI agree that "
                        "Safe Haven may share information about me with the agencies working "
                        "with me, to keep me safe.\n\nSigned: (demo)")
    return bytes(pdf.output())


def load_demo(context: object) -> None:
    idva = context.actor("idva.clarke")
    amina = context.cases["amina"]
    consent = services.document_upload(
        actor=idva, case=amina, upload=io.BytesIO(_consent_form_pdf()),
        filename="amina-consent-form.pdf", title="Signed consent form")
    flagged = services.document_upload(
        actor=idva, case=amina, upload=io.BytesIO(EICAR), filename="scanned-letter.txt",
        title="Letter from the housing association", visibility="agency")
    for document in (consent, flagged):
        services.document_scan(document_id=document.pk)
