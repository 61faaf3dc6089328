"""The Republic of Tatarstan (region 16) for ediary: the edu.tatar.ru portal login, the schools'
class-list export and the region's grading rule."""
