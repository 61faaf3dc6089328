"""Login sheets as PDF: one page per family, with the child's name, class and school, each
login and temporary password, and what to do with them. Laid out with the same fpdf2
document and embedded DejaVu fonts as the paper copies (`ediary.printing.pdf`)."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from ediary.domain.enums import Role
from ediary.domain.issued_logins import Family
from ediary.printing.pdf import FAMILY, document

__all__ = ["login_sheets_pdf"]

_TITLE = "Вход в электронный дневник"
_WHO = {Role.STUDENT: "Ученик", Role.PARENT: "Родитель"}
_STEPS = (
    "1. Откройте электронный дневник школы и войдите с логином и паролем с этого листа.",
    "2. Пароль временный: смените пароль при первом входе. До смены пароля дневник не откроется.",
    "3. Придумайте пароль не короче 8 символов и никому его не сообщайте.",
    "4. Потеряли логин или пароль? Обратитесь к классному руководителю: он выдаст новый "
    "пароль, а старый сразу перестанет работать.",
)


def _family(pdf: FPDF, family: Family) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 9, _TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(0, 6, f"Ученик: {family.student_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Класс: {family.class_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Школа: {family.school_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(25, 65, 50, 46), text_align="LEFT") as table:
        header = table.row()
        for title in ("Кто", "Имя", "Логин", "Временный пароль"):
            header.cell(title)
        for person in family.logins:
            row = table.row()
            row.cell(_WHO.get(person.role, ""))
            row.cell(person.full_name)
            row.cell(person.login)
            row.cell(person.password or "")
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 10)
    for step in _STEPS:
        pdf.multi_cell(0, 5.5, step, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(
        0,
        5,
        "Храните этот лист, пока не смените пароль, затем уничтожьте его.",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def login_sheets_pdf(families: Sequence[Family]) -> bytes:
    """One page per family, in the order given."""
    pdf = document()
    pdf.set_title(_TITLE)
    for family in families:
        _family(pdf, family)
    if not families:
        pdf.add_page()
    return bytes(pdf.output())
