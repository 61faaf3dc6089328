"""Word lists for the demo school: people's names, subjects with topics, homework and comments."""

from __future__ import annotations

from dataclasses import dataclass

from ediary.domain.enums import RemarkKind, WorkKind

# Masculine forms; feminine() derives the rest, so only regular endings are listed.
SURNAMES = """
Иванов Петров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин
Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв
Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов
Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов
Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов
Ефимов Щербаков Назаров Калинин Исаев Быков Маслов Родионов Коновалов Лазарев Воронин Климов
Филатов Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Трофимов Леонов Соболев Ермаков
Колесников Гончаров Емельянов Никифоров Котов Гришин Архипов Громов Кириллов Малышев Панов
Румянцев Акимов Бирюков Горбунов Галкин Скворцов Белоусов Нестеров Симонов Цветков Покровский
Никольский Вишневский Островский Соколовский
""".split()

CHILD_MALE = """
Александр Алексей Андрей Артём Арсений Богдан Владимир Гордей Даниил Дмитрий Егор Иван Илья
Кирилл Лев Макар Максим Марк Матвей Михаил Никита Николай Платон Роман Савелий Семён Степан
Тимофей Фёдор Ярослав
""".split()

CHILD_FEMALE = """
Алиса Алёна Анастасия Анна Арина Валерия Варвара Василиса Вероника Виктория Дарья Диана Ева
Екатерина Елизавета Злата Кира Ксения Маргарита Мария Милана Полина София Таисия Ульяна Юлия
""".split()

ADULT_MALE = """
Александр Алексей Андрей Антон Борис Вадим Виктор Владимир Владислав Георгий Денис Дмитрий
Евгений Игорь Илья Иван Кирилл Константин Максим Михаил Никита Николай Олег Павел Роман
Руслан Сергей Станислав Юрий
""".split()

ADULT_FEMALE = """
Анна Валентина Вера Галина Дарья Екатерина Елена Жанна Инна Ирина Лариса Людмила Марина
Мария Наталья Надежда Оксана Ольга Светлана Татьяна Юлия Яна
""".split()

_PATRONYMIC_EXCEPTIONS = {
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Лев": ("Львович", "Львовна"),
    "Павел": ("Павлович", "Павловна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
}

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def feminine(surname: str) -> str:
    """The feminine form of a masculine surname."""
    for masculine, female in (("ский", "ская"), ("цкий", "цкая")):
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + female
    return surname + "а"


def patronymic(father: str, female: bool) -> str:
    """A patronymic from the father's first name."""
    if father in _PATRONYMIC_EXCEPTIONS:
        return _PATRONYMIC_EXCEPTIONS[father][female]
    if father.endswith("й"):
        return father[:-1] + ("евна" if female else "евич")
    return father + ("овна" if female else "ович")


def translit(text: str) -> str:
    """A lower-case latin spelling of Russian text, for logins."""
    out = (_TRANSLIT.get(ch, ch) for ch in text.lower())
    return "".join(ch for ch in out if ch != "-")


@dataclass(frozen=True)
class SubjectSpec:
    """A subject of the demo curriculum."""

    name: str
    short_name: str
    hours: tuple[int, int, int, int, int]  # lessons a week in grades 5..9
    group: str  # subjects of one group in one class share a teacher
    paragraphs: bool  # topics follow numbered textbook paragraphs
    tests: tuple[WorkKind, ...]
    topics: tuple[str, ...]
    homework: tuple[str, ...]


def _topics(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines())


_MATH_HOMEWORK = ("№ {n1}, {n2}, {n3}", "§{p}, № {n1}, {n2}", "§{p}, выучить определения, № {n1}")
_SCIENCE_HOMEWORK = ("§{p}, вопросы 1–{q}", "§{p}, упр. {q}", "§{p}, подготовить сообщение")
_HUMANITIES_HOMEWORK = (
    "§{p}, вопросы в конце параграфа",
    "§{p}, пересказ",
    "§{p}, выучить термины",
    "Подготовить сообщение на тему «{topic}»",
)

SUBJECTS: tuple[SubjectSpec, ...] = (
    SubjectSpec(
        name="Русский язык",
        short_name="Рус. яз.",
        hours=(5, 6, 4, 3, 3),
        group="russian",
        paragraphs=True,
        tests=(WorkKind.TEST, WorkKind.DICTATION),
        topics=_topics("""
            Звуки и буквы
            Орфограммы в корне слова
            Чередование гласных в корне
            Правописание приставок
            Имя существительное
            Склонение имён существительных
            Имя прилагательное
            Спряжение глаголов
            Правописание -тся и -ться
            Причастный оборот
            Деепричастный оборот
            Наречие
            Предлоги и союзы
            Частицы НЕ и НИ
            Словосочетание
            Однородные члены предложения
            Обособленные определения
            Сложносочинённое предложение
            Сложноподчинённое предложение
            Прямая и косвенная речь
        """),
        homework=(
            "§{p}, упр. {n1}",
            "§{p}, выучить правило, упр. {n1}, {n2}",
            "Упр. {n1}, словарные слова",
        ),
    ),
    SubjectSpec(
        name="Литература",
        short_name="Лит.",
        hours=(3, 3, 2, 2, 3),
        group="russian",
        paragraphs=False,
        tests=(WorkKind.ESSAY,),
        topics=_topics("""
            Устное народное творчество
            Басни И. А. Крылова
            А. С. Пушкин. «Сказка о мёртвой царевне»
            М. Ю. Лермонтов. «Бородино»
            Н. В. Гоголь. «Вечера на хуторе близ Диканьки»
            И. С. Тургенев. «Муму»
            Л. Н. Толстой. «Кавказский пленник»
            А. П. Чехов. «Хирургия»
            А. С. Пушкин. «Дубровский»
            Н. В. Гоголь. «Тарас Бульба»
            А. С. Пушкин. «Капитанская дочка»
            М. Ю. Лермонтов. «Мцыри»
            Н. В. Гоголь. «Ревизор»
            А. С. Грибоедов. «Горе от ума»
            А. С. Пушкин. «Евгений Онегин»
            М. Ю. Лермонтов. «Герой нашего времени»
            М. А. Шолохов. «Судьба человека»
        """),
        homework=(
            "Прочитать главы {a}–{b}",
            "Выучить стихотворение наизусть",
            "Ответить на вопросы на с. {page}",
            "Написать отзыв о прочитанном",
        ),
    ),
    SubjectSpec(
        name="Математика",
        short_name="Матем.",
        hours=(5, 5, 0, 0, 0),
        group="math",
        paragraphs=True,
        tests=(WorkKind.TEST, WorkKind.QUIZ),
        topics=_topics("""
            Натуральные числа
            Сложение и вычитание натуральных чисел
            Умножение и деление
            Площади и объёмы
            Обыкновенные дроби
            Сложение и вычитание дробей
            Смешанные числа
            Десятичные дроби
            Деление десятичных дробей
            Проценты
            Делимость чисел
            НОД и НОК
            Отношения и пропорции
            Положительные и отрицательные числа
            Модуль числа
            Решение уравнений
            Координатная плоскость
        """),
        homework=_MATH_HOMEWORK,
    ),
    SubjectSpec(
        name="Алгебра",
        short_name="Алг.",
        hours=(0, 0, 3, 3, 3),
        group="math",
        paragraphs=True,
        tests=(WorkKind.TEST, WorkKind.QUIZ),
        topics=_topics("""
            Выражения и их преобразования
            Линейное уравнение с одной переменной
            Линейная функция и её график
            Степень с натуральным показателем
            Многочлены
            Формулы сокращённого умножения
            Системы линейных уравнений
            Рациональные дроби
            Квадратные корни
            Квадратные уравнения
            Теорема Виета
            Неравенства
            Квадратичная функция
            Арифметическая прогрессия
            Геометрическая прогрессия
        """),
        homework=_MATH_HOMEWORK,
    ),
    SubjectSpec(
        name="Геометрия",
        short_name="Геом.",
        hours=(0, 0, 2, 2, 2),
        group="math",
        paragraphs=True,
        tests=(WorkKind.TEST,),
        topics=_topics("""
            Начальные геометрические сведения
            Признаки равенства треугольников
            Параллельные прямые
            Соотношения между сторонами и углами треугольника
            Четырёхугольники
            Площадь многоугольника
            Теорема Пифагора
            Подобные треугольники
            Окружность
            Векторы
            Метод координат
            Длина окружности и площадь круга
        """),
        homework=_MATH_HOMEWORK,
    ),
    SubjectSpec(
        name="История",
        short_name="Ист.",
        hours=(2, 2, 2, 2, 3),
        group="history",
        paragraphs=True,
        tests=(WorkKind.TEST,),
        topics=_topics("""
            Древний Египет
            Древняя Греция
            Древний Рим
            Раннее Средневековье
            Образование Древнерусского государства
            Крещение Руси
            Монгольское нашествие
            Становление Московского государства
            Смутное время
            Великие географические открытия
            Реформы Петра I
            Эпоха дворцовых переворотов
            Правление Екатерины II
            Отечественная война 1812 года
            Реформы Александра II
        """),
        homework=_HUMANITIES_HOMEWORK,
    ),
    SubjectSpec(
        name="Обществознание",
        short_name="Общ.",
        hours=(0, 1, 1, 1, 1),
        group="history",
        paragraphs=True,
        tests=(WorkKind.TEST,),
        topics=_topics("""
            Человек и общество
            Семья и семейные отношения
            Труд и его роль
            Мораль и право
            Конфликты в межличностных отношениях
            Экономика и её роль
            Политика и власть
            Конституция Российской Федерации
            Права и свободы человека
        """),
        homework=_HUMANITIES_HOMEWORK,
    ),
    SubjectSpec(
        name="География",
        short_name="Геогр.",
        hours=(1, 1, 2, 2, 2),
        group="geography",
        paragraphs=True,
        tests=(WorkKind.LAB, WorkKind.TEST),
        topics=_topics("""
            План местности
            Географическая карта
            Литосфера
            Гидросфера
            Атмосфера
            Погода и климат
            Материки и океаны
            Евразия
            Географическое положение России
            Рельеф России
            Климат России
            Природные зоны России
            Население России
        """),
        homework=_SCIENCE_HOMEWORK,
    ),
    SubjectSpec(
        name="Биология",
        short_name="Биол.",
        hours=(1, 1, 1, 2, 2),
        group="biology",
        paragraphs=True,
        tests=(WorkKind.LAB, WorkKind.TEST),
        topics=_topics("""
            Клетка — единица жизни
            Ткани
            Бактерии и грибы
            Строение растений
            Лист и стебель
            Цветок и плод
            Простейшие
            Членистоногие
            Рыбы и земноводные
            Птицы
            Млекопитающие
            Опорно-двигательная система
            Кровь и кровообращение
            Нервная система
        """),
        homework=_SCIENCE_HOMEWORK,
    ),
    SubjectSpec(
        name="Физика",
        short_name="Физ.",
        hours=(0, 0, 2, 2, 3),
        group="physics",
        paragraphs=True,
        tests=(WorkKind.LAB, WorkKind.TEST),
        topics=_topics("""
            Физические величины и их измерение
            Строение вещества
            Механическое движение
            Плотность вещества
            Сила
            Давление в жидкостях и газах
            Архимедова сила
            Работа и мощность
            Тепловые явления
            Электрический ток
            Закон Ома
            Законы Ньютона
            Механические колебания и волны
        """),
        homework=_SCIENCE_HOMEWORK,
    ),
    SubjectSpec(
        name="Химия",
        short_name="Хим.",
        hours=(0, 0, 0, 2, 2),
        group="chemistry",
        paragraphs=True,
        tests=(WorkKind.LAB, WorkKind.TEST),
        topics=_topics("""
            Атомы и молекулы
            Периодическая система Д. И. Менделеева
            Валентность
            Химические реакции
            Кислород и водород
            Оксиды
            Кислоты и основания
            Соли
            Электролитическая диссоциация
            Окислительно-восстановительные реакции
        """),
        homework=_SCIENCE_HOMEWORK,
    ),
    SubjectSpec(
        name="Английский язык",
        short_name="Англ.",
        hours=(3, 3, 3, 3, 3),
        group="english",
        paragraphs=False,
        tests=(WorkKind.TEST, WorkKind.DICTATION),
        topics=_topics("""
            Present Simple
            Present Continuous
            Past Simple
            My family
            School life
            Present Perfect
            Travelling
            Food and drinks
            Comparatives and superlatives
            Modal verbs
            Passive Voice
            Reported Speech
            Conditionals
        """),
        homework=("Ex. {a}, p. {page}", "Учить слова, с. {page}", "Ex. {a}, {b} (письменно)"),
    ),
    SubjectSpec(
        name="Информатика",
        short_name="Информ.",
        hours=(1, 1, 1, 1, 1),
        group="informatics",
        paragraphs=True,
        tests=(WorkKind.LAB, WorkKind.TEST),
        topics=_topics("""
            Информация и информационные процессы
            Двоичный код
            Единицы измерения информации
            Устройство компьютера
            Файлы и файловая система
            Компьютерная графика
            Алгоритмы и исполнители
            Ветвление
            Циклы
            Электронные таблицы
            Основы языка Python
        """),
        homework=("§{p}, вопросы 1–{q}", "§{p}, задание {q} в рабочей тетради"),
    ),
    SubjectSpec(
        name="Физическая культура",
        short_name="Физ-ра",
        hours=(3, 3, 3, 3, 2),
        group="pe",
        paragraphs=False,
        tests=(WorkKind.QUIZ,),
        topics=_topics("""
            Лёгкая атлетика: бег на 60 м
            Прыжки в длину с места
            Кроссовая подготовка
            Баскетбол: ведение мяча
            Баскетбол: броски в кольцо
            Волейбол: передачи мяча
            Гимнастика: акробатика
            Лазание по канату
            Лыжная подготовка
            Эстафеты
        """),
        homework=("Комплекс утренней гимнастики",),
    ),
    SubjectSpec(
        name="Технология",
        short_name="Технол.",
        hours=(2, 2, 2, 1, 0),
        group="technology",
        paragraphs=False,
        tests=(WorkKind.LAB,),
        topics=_topics("""
            Материалы и их свойства
            Чертёж и эскиз
            Обработка древесины
            Текстильные материалы
            Робототехника
            3D-моделирование
            Творческий проект
        """),
        homework=("Подготовить материалы к проекту",),
    ),
)

# Kinds of work for marks on an ordinary lesson, and how often each is given.
REGULAR_WORK = (WorkKind.ORAL, WorkKind.CLASSWORK, WorkKind.HOMEWORK, WorkKind.QUIZ)
REGULAR_WORK_ODDS = (35, 35, 20, 10)
TOPIC_SUFFIXES = ("", ". Закрепление", ". Практикум", ". Повторение")

TEST_TOPICS: dict[WorkKind, str] = {
    WorkKind.TEST: "Контрольная работа по теме «{topic}»",
    WorkKind.DICTATION: "Диктант по теме «{topic}»",
    WorkKind.ESSAY: "Сочинение: {topic}",
    WorkKind.LAB: "Практическая работа по теме «{topic}»",
    WorkKind.QUIZ: "Проверочная работа по теме «{topic}»",
}

MARK_COMMENTS: dict[int, tuple[str, ...]] = {
    5: ("Отличный ответ!", "Молодец!", "Работа без ошибок", "Хорошо подготовился"),
    4: ("Хороший ответ, есть неточности", "Одна ошибка", "Можно аккуратнее"),
    3: ("Ошибки в вычислениях", "Не выучено правило", "Ответ неполный"),
    2: ("Не готов к уроку", "Работа не выполнена", "Много ошибок, нужно переписать"),
}

REMARKS: tuple[tuple[RemarkKind, str], ...] = (
    (RemarkKind.BEHAVIOUR, "Разговаривал на уроке"),
    (RemarkKind.BEHAVIOUR, "Пользовался телефоном на уроке"),
    (RemarkKind.PREPARATION, "Нет тетради"),
    (RemarkKind.PREPARATION, "Не выполнено домашнее задание"),
    (RemarkKind.PRAISE, "Активная работа на уроке"),
    (RemarkKind.PRAISE, "Помог однокласснику разобраться в теме"),
)

ABSENCE_REASONS = ("По семейным обстоятельствам", "Посещение врача")
SCHOOL_REASONS = ("Участие в олимпиаде", "Соревнования за школу")
SICK_REASON = "Болезнь, справка от врача"
CANCEL_NOTES = ("Урок отменён: учитель на больничном", "Урок отменён: экскурсия класса")
SUBSTITUTE_NOTES = ("Замена: учитель на больничном", "Замена: учитель на курсах")
