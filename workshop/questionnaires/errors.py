"""What can go wrong with a questionnaire's definition or a resident's answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from workshop.errors import DomainError


class QuestionnaireInvalid(DomainError):
    """A questionnaire definition that cannot be stored; `problems` lists each, in Japanese."""

    message = "質問の内容をご確認ください。"
    status = 422
    code = "questionnaire_invalid"

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(problems[0] if problems else None)
        self.problems = list(problems)


class QuestionLocked(QuestionnaireInvalid):
    """A change that would break answers already stored."""

    message = "回答がすでにあるため、この変更はできません。"
    status = 409
    code = "question_locked"


class AnswersInvalid(DomainError):
    """A response's answers do not pass; `problems` maps each question's key to its message."""

    message = "入力内容をご確認ください。"
    status = 422
    code = "answers_invalid"

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(next(iter(problems.values()), None))
        self.problems = dict(problems)
