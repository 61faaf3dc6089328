"""The diary query the schema's tests send: every field of a week a family app shows."""

DIARY = """
query Diary($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    week
    student { fullName }
    term { number }
    days {
      date
      lessons {
        lesson {
          period subject { name } teacher { shortName } substituteTeacher { shortName }
          room scheduledRoom topic status changeNote bell { startsAt endsAt }
        }
        homework { text dueOn }
        marks { value weight kind comment }
        attendance { kind minutesLate excused excuseKind }
        remarks { kind text }
      }
      otherMarks { value }
    }
    termAverages { subject { name } average markCount forecast }
  }
}
"""
