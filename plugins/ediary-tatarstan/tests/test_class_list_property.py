"""Whatever a file holds, the class-list reader gives rows and rejections, never an exception,
and every row it gives holds values the diary can take."""

from __future__ import annotations

from ediary_tatarstan.export import Rejection, Row, read_class_list
from hypothesis import given, settings
from hypothesis import strategies as st

HEADER = "Фамилия;Имя;Отчество;Дата рождения;Класс;СНИЛС;Родитель;Телефон родителя;E-mail родителя"
GARBAGE = st.text(alphabet='АаБбВЁёZz0123456789 .;-"«»/@+\r\n', max_size=14)
# Per column: what schools write there, or anything at all.
COLUMNS = [
    st.one_of(st.sampled_from(["Галиев", "Зарипова", ""]), GARBAGE),
    st.one_of(st.sampled_from(["Тимур", "Алсу"]), GARBAGE),
    st.one_of(st.sampled_from(["Ильдарович", ""]), GARBAGE),
    st.one_of(st.sampled_from(["01.03.2015", "7.6.2015", "2015-03-01", "30.02.2015"]), GARBAGE),
    st.one_of(st.sampled_from(["5А", '5 "А"', "5 «б»", "12А", "11"]), GARBAGE),
    st.one_of(st.sampled_from(["112-233-445 95", "11223344596", ""]), GARBAGE),
    st.one_of(st.sampled_from(["Галиева Алия Рустамовна", ""]), GARBAGE),
    st.one_of(st.sampled_from(["8 917 123-45-67", "12-34", ""]), GARBAGE),
    st.one_of(st.sampled_from(["a@b.ru", "a@", ""]), GARBAGE),
]
ROW = st.tuples(*COLUMNS, st.lists(GARBAGE, max_size=2)).map(
    lambda cells: [*cells[:-1], *cells[-1]]
)


def check(found: list[Row | Rejection]) -> None:
    lines = [item.line for item in found]
    assert lines == sorted(lines)
    for item in found:
        if isinstance(item, Rejection):
            assert item.code
            assert item.message
            continue
        assert item.last_name
        assert item.first_name
        assert 1 <= item.grade <= 11
        assert item.letter == "" or "А" <= item.letter <= "Я"
        assert item.snils is None or (len(item.snils) == 11 and item.snils.isdigit())
        if item.parent is not None and item.parent.phone is not None:
            assert len(item.parent.phone) == 12
            assert item.parent.phone.startswith("+7")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    check(list(read_class_list(data)))


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=25), st.sampled_from(["cp1251", "utf-8"]))
def test_any_cells_under_a_header(rows: list[list[str]], encoding: str) -> None:
    text = "\r\n".join([HEADER, *(";".join(cells) for cells in rows)])

    check(list(read_class_list(text.encode(encoding))))
