"""What themes can be broken down by: the questions about the respondent (年代, 地区, 市との関係:
choice questions every consultation asks, named by their Profile), the channel, the
workshop's table and question, and each choice question of the questionnaire (``q.<key>``),
with their names and the labels of their values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from workshop.labels import CHANNEL
from workshop.models import Channel, Consultation, Profile, QuestionType
from workshop.models.questionnaires import CHOICE_TYPES
from workshop.questionnaires.services.profile import short_label

# the questions about the respondent, counted from their answers like the questionnaire's
PROFILE_ATTRIBUTES = tuple(profile.value for profile in Profile)
ATTRIBUTES = (*PROFILE_ATTRIBUTES, "channel", "table", "question")
ATTRIBUTE_LABELS = {
    "age_group": "年代",
    "district": "地区",
    "relation": "市との関係",
    "channel": "経路",
    "table": "テーブル（ワークショップ）",
    "question": "問い（ワークショップ）",
}
# kept in Comment.extra by workshops: the table of typed-in 付箋, a live board's question and table
EXTRA_ATTRIBUTES = ("table", "question")
UNANSWERED = ""  # the value of a comment that did not give the attribute
UNANSWERED_LABEL = "回答なし"
# a choice question of the questionnaire is an attribute too: "q.smartphone" (keys and option
# codes are [A-Za-z0-9_-], so neither the prefix nor OTHER_VALUE can clash with them)
QUESTION_PREFIX = "q."
OTHER_VALUE = "*other"  # a multiple choice's 「その他」 with its own text
OTHER_LABEL = "その他"


def question_attribute(key: str) -> str:
    return QUESTION_PREFIX + key


def is_attribute(name: str) -> bool:
    return name in ATTRIBUTES or name.startswith(QUESTION_PREFIX)


def is_answered(name: str) -> bool:
    """Whether an attribute's values are a question's answers (not a column of the comment)."""
    return name in PROFILE_ATTRIBUTES or name.startswith(QUESTION_PREFIX)


@dataclass(frozen=True)
class Attributes:
    """What the themes of one consultation can be broken down by: the respondents' fixed
    attributes and the questionnaire's choice questions, with their names and value labels."""

    names: Mapping[str, str] = field(default_factory=lambda: dict(ATTRIBUTE_LABELS))
    # question attribute -> option code -> label, and the database id of its question
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    question_ids: Mapping[str, int] = field(default_factory=dict)
    multiple: frozenset[str] = frozenset()  # where a respondent may choose several values

    @classmethod
    def of(cls, consultation: Consultation) -> Attributes:
        names = dict(ATTRIBUTE_LABELS)
        options: dict[str, dict[str, str]] = {}
        question_ids: dict[str, int] = {}
        multiple = set()
        for question in [*consultation.profile_questions, *consultation.questions]:
            if question.type not in CHOICE_TYPES:
                continue
            if question.profile is not None:
                attribute = question.profile.value
            else:
                attribute = question_attribute(question.key)
                names[attribute] = f"問「{question.text}」"
            options[attribute] = {o.code: short_label(o.label) for o in question.options}
            if question.has_other:
                options[attribute][OTHER_VALUE] = OTHER_LABEL
            question_ids[attribute] = question.id
            if question.type is QuestionType.MULTIPLE:
                multiple.add(attribute)
        return cls(names, options, question_ids, frozenset(multiple))

    def questions(self, attributes: Iterable[str]) -> dict[str, int]:
        """attribute -> question id, for those of ``attributes`` that are questions."""
        return {name: self.question_ids[name] for name in attributes if name in self.question_ids}


FIXED = Attributes()


def value_labels(attribute: str, attributes: Attributes = FIXED) -> dict[str, str]:
    """Every value an attribute can take, in the order people expect, with its Japanese label."""
    if attribute in attributes.options:
        known = dict(attributes.options[attribute])
    elif attribute == "channel":
        known = {channel.value: CHANNEL[channel] for channel in Channel}
    elif attribute in EXTRA_ATTRIBUTES or attribute in PROFILE_ATTRIBUTES:
        known = {}  # free text, or no consultation's options: the values found
    else:
        raise ValueError(f"unknown attribute {attribute!r}")
    return known | {UNANSWERED: UNANSWERED_LABEL}
