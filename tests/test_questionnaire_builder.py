"""The questionnaire builder (アンケートの設問): planners write a consultation's questions on the
staff pages. Each step applies the whole list with the file loader's rules (test_questionnaires.py),
so these tests look at the pages: what is stored, what is said by which field, what is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, post_form
from tests.test_questionnaires import DX_SURVEY, answer, dump, load, questions_of
from workshop.extensions import db
from workshop.models import AuditEntry, QuestionType, Role


def base(consultation: Any) -> str:
    return f"/staff/consultations/{consultation.id}/questions"


def form(**fields: Any) -> dict[str, Any]:
    """A single-choice question as a planner fills it in; fields override or add."""
    data: dict[str, Any] = {
        "type": "single",
        "key": "",
        "text": "スマートフォンを使っていますか。",
        "help_text": "",
        "options": "毎日使っている\nときどき使う\n使っていない",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def add(client: Any, consultation: Any, **fields: Any) -> Any:
    return post_form(client, f"{base(consultation)}/new", form(**fields))


def edit(client: Any, consultation: Any, stored_key: str, **fields: Any) -> Any:
    """Post the edit form of the question stored as stored_key (the key stays unless given)."""
    url = f"{base(consultation)}/{question_id(consultation, stored_key)}/edit"
    return post_form(client, url, form(**({"key": stored_key} | fields)))


def question_id(consultation: Any, key: str) -> int:
    return next(q.id for q in questions_of(consultation.id) if q.key == key)


def error_by(page: str, field: str) -> str:
    """The message shown by a field (its -error paragraph), '' when there is none."""
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


def audit_changes() -> list[str]:
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "questionnaire.update")
        .order_by(AuditEntry.id)
    )
    return [entry.details.get("change", "") for entry in entries]


@pytest.fixture
def planner(client, login):
    return login(Role.PLANNER)


@pytest.mark.both_dbs
def test_a_planner_adds_each_type_and_the_list_shows_them(app, client, planner, make_consultation):
    consultation = make_consultation()
    page = client.get(base(consultation)).get_data(as_text=True)
    assert "まだ質問はありません" in page and "アンケートの設問" in page
    new_page = client.get(f"{base(consultation)}/new?type=scale").get_data(as_text=True)
    assert 'value="q1"' in new_page  # the key suggested
    assert "いちばん低い値" in new_page and "選択肢（1行に1つ）" not in new_page

    assert add(client, consultation, is_required="y", is_attribute="y").status_code == 303
    assert (
        add(
            client,
            consultation,
            type="multiple",
            text="行政の手続きで困ったことは何ですか。",
            help_text="当てはまるものをすべて選んでください。",
            options="窓口の待ち時間\n書類の書き方\n開庁時間",
            has_other="y",
        ).status_code
        == 303
    )
    scale = form(
        type="scale",
        text="市のホームページの使いやすさは。",
        options=None,
        scale_min="1",
        scale_max="５",  # typed on a Japanese keyboard
        scale_min_label="使いにくい",
        scale_max_label="使いやすい",
    )
    assert post_form(client, f"{base(consultation)}/new", scale).status_code == 303
    number = form(
        type="number", key="years", text="市に住んで何年ですか。", number_min="0", number_max="120"
    )
    assert post_form(client, f"{base(consultation)}/new", number).status_code == 303
    assert add(client, consultation, type="short_text", text="一言でいうと。").status_code == 303
    assert add(client, consultation, type="free_text", text="ご意見をどうぞ。").status_code == 303

    stored = questions_of(consultation.id)
    assert [(q.key, q.type) for q in stored] == [
        ("q1", QuestionType.SINGLE),
        ("q2", QuestionType.MULTIPLE),
        ("q3", QuestionType.SCALE),
        ("years", QuestionType.NUMBER),
        ("q5", QuestionType.SHORT_TEXT),
        ("q6", QuestionType.FREE_TEXT),
    ]
    single, multiple, scale_q, number_q, short, free = stored
    assert single.is_required and single.is_attribute
    assert [(o.code, o.label) for o in single.options] == [
        ("1", "毎日使っている"),
        ("2", "ときどき使う"),
        ("3", "使っていない"),
    ]
    assert multiple.has_other and multiple.help_text == "当てはまるものをすべて選んでください。"
    assert (scale_q.scale_min, scale_q.scale_max, scale_q.scale_max_label) == (1, 5, "使いやすい")
    assert [o.code for o in scale_q.options] == ["1", "2", "3", "4", "5"]
    assert (number_q.number_min, number_q.number_max) == (0, 120)
    assert not short.options and not free.options and not short.is_required

    page = client.get(base(consultation)).get_data(as_text=True)
    for words in (
        "問1　スマートフォンを使っていますか。",
        "単一選択",
        "複数選択（「その他」の記入欄あり）",
        "1（使いにくい）〜5（使いやすい）",
        "0〜120",
        "短い文章",
        "自由記述",
        "必須",
        "回答した人について聞く質問",
    ):
        assert words in page, words
    assert audit_changes() == [
        "question.add q1",
        "question.add q2",
        "question.add q3",
        "question.add years",
        "question.add q5",
        "question.add q6",
    ]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.user_email == planner.email


def test_editing_keeps_the_codes_of_options_by_their_label(app, client, planner, make_consultation):
    consultation = make_consultation()
    add(client, consultation)
    page = client.get(f"{base(consultation)}/{question_id(consultation, 'q1')}/edit")
    assert "毎日使っている\nときどき使う\n使っていない" in page.get_data(as_text=True)

    response = edit(
        client,
        consultation,
        "q1",
        text="スマートフォンをお使いですか。",
        options="使っていない\n毎日使っている\nタブレットだけ使う",
        is_required="y",
    )
    assert response.status_code == 303
    (question,) = questions_of(consultation.id)
    assert question.text == "スマートフォンをお使いですか。" and question.is_required
    assert [(o.code, o.label) for o in question.options] == [
        ("3", "使っていない"),
        ("1", "毎日使っている"),
        ("4", "タブレットだけ使う"),
    ]
    assert audit_changes()[-1] == "question.edit q1"

    # a key changed before any answer: the question keeps its codes under the new key
    kept = "使っていない\n毎日使っている\nタブレットだけ使う"
    assert edit(client, consultation, "q1", key="smartphone", options=kept).status_code == 303
    (question,) = questions_of(consultation.id)
    assert question.key == "smartphone"
    assert [o.code for o in question.options] == ["3", "1", "4"]


def test_questions_move_up_and_down_and_are_deleted(app, client, planner, make_consultation):
    consultation = make_consultation()
    for text in ("一問目です。", "二問目です。", "三問目です。"):
        add(client, consultation, type="short_text", text=text, options=None)
    second = question_id(consultation, "q2")
    response = post_form(client, f"{base(consultation)}/{second}/up", {})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"#question-{second}"
    )
    assert [q.key for q in questions_of(consultation.id)] == ["q2", "q1", "q3"]
    post_form(client, f"{base(consultation)}/{second}/down", {})
    post_form(client, f"{base(consultation)}/{second}/down", {})
    assert [q.key for q in questions_of(consultation.id)] == ["q1", "q3", "q2"]
    post_form(client, f"{base(consultation)}/{second}/down", {})  # already last
    assert [q.key for q in questions_of(consultation.id)] == ["q1", "q3", "q2"]

    response = post_form(
        client, f"{base(consultation)}/{question_id(consultation, 'q3')}/delete", {}
    )
    assert response.status_code == 303
    assert [q.key for q in questions_of(consultation.id)] == ["q1", "q2"]
    assert "質問「q3」を削除しました。" in client.get(base(consultation)).get_data(as_text=True)
    assert audit_changes()[-4:] == [
        "question.move_up q2",
        "question.move_down q2",
        "question.move_down q2",
        "question.delete q3",
    ]
    # a new question takes the first free q-number
    add(client, consultation, type="free_text", text="四問目です。", options=None)
    assert [q.key for q in questions_of(consultation.id)] == ["q1", "q2", "q3"]


def test_a_condition_shows_a_question_after_an_earlier_answer(
    app, client, planner, make_consultation
):
    consultation = make_consultation()
    add(client, consultation, key="smartphone")
    page = client.get(f"{base(consultation)}/new?type=free_text").get_data(as_text=True)
    assert "問1（smartphone）スマートフォンを使っていますか。" in page
    assert 'value="smartphone:3"' in page and "問1: 使っていない" in page
    response = add(
        client,
        consultation,
        type="free_text",
        key="why_not",
        text="使わない理由を教えてください。",
        options=None,
        show_if_key="smartphone",
        show_if_values=["smartphone:3"],
    )
    assert response.status_code == 303
    why_not = questions_of(consultation.id)[1]
    assert why_not.show_if_question is not None and why_not.show_if_codes == ["3"]
    page = client.get(base(consultation)).get_data(as_text=True)
    assert "問1で「使っていない」と答えた方にお聞きします。" in page
    assert "問2の表示の条件に使われているため、削除できません。" in page

    # the condition's question cannot go after the question it shows, nor be deleted
    smartphone = question_id(consultation, "smartphone")
    response = post_form(client, f"{base(consultation)}/{smartphone}/down", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "「why_not」は「smartphone」の答えで表示が決まる質問のため" in page
    response = post_form(client, f"{base(consultation)}/{smartphone}/delete", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "問2（why_not）の表示の条件に使われているため削除できません" in page
    assert [q.key for q in questions_of(consultation.id)] == ["smartphone", "why_not"]

    # renaming the condition's question carries the condition along
    assert edit(client, consultation, "smartphone", key="phone").status_code == 303
    why_not = questions_of(consultation.id)[1]
    assert why_not.show_if_question is not None and why_not.show_if_question.key == "phone"

    # an answer ticked without its question, or of another question, is refused by the field
    response = add(
        client,
        consultation,
        type="free_text",
        text="ほかにありますか。",
        options=None,
        show_if_values=["phone:1"],
    )
    assert response.status_code == 422
    assert "先に「表示の条件」で質問を選んでください。" in error_by(
        response.get_data(as_text=True), "show_if_values"
    )
    response = add(
        client, consultation, type="free_text", text="ほかに。", options=None, show_if_key="phone"
    )
    assert response.status_code == 422
    assert "表示の条件の選択肢を1つ以上指定してください。" in error_by(
        response.get_data(as_text=True), "show_if_values"
    )


def test_a_condition_on_a_later_question_is_refused(app, client, planner, make_consultation):
    consultation = make_consultation()
    add(client, consultation, type="free_text", text="最初の質問です。", options=None)
    add(client, consultation, key="later", text="あとの質問です。")
    response = edit(
        client,
        consultation,
        "q1",
        type="free_text",
        text="最初の質問です。",
        options=None,
        show_if_key="later",
        show_if_values=["later:1"],
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "この質問より前にある質問の key にしてください" in error_by(page, "show_if_key")
    assert questions_of(consultation.id)[0].show_if_question is None


def test_options_are_added_hidden_shown_and_deleted_from_the_list(
    app, client, planner, make_consultation
):
    consultation = make_consultation()
    add(client, consultation)
    q1 = question_id(consultation, "q1")
    url = f"{base(consultation)}/{q1}/options"
    assert post_form(client, url, {"label": "タブレットだけ使う"}).status_code == 303
    options = questions_of(consultation.id)[0].options
    assert [(o.code, o.label) for o in options][-1] == ("4", "タブレットだけ使う")

    response = post_form(client, f"{url}/{options[1].id}/hide", {})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#question-{q1}")
    assert [o.is_hidden for o in questions_of(consultation.id)[0].options] == [
        False,
        True,
        False,
        False,
    ]
    page = client.get(base(consultation)).get_data(as_text=True)
    assert "選択肢「ときどき使う」を回答の画面に表示しないようにしました。" in page
    assert '<span class="badge">非表示</span>' in page and "表示する" in page
    post_form(client, f"{url}/{options[1].id}/show", {})
    assert not any(o.is_hidden for o in questions_of(consultation.id)[0].options)

    assert post_form(client, f"{url}/{options[3].id}/delete", {}).status_code == 303
    assert len(questions_of(consultation.id)[0].options) == 3

    # an empty or duplicate option is refused with its message
    post_form(client, url, {"label": "　"})
    assert "追加する選択肢を入力してください。" in client.get(base(consultation)).get_data(
        as_text=True
    )
    post_form(client, url, {"label": "使っていない"})
    assert "同じ選択肢が2回あります: 使っていない" in client.get(base(consultation)).get_data(
        as_text=True
    )
    # hiding down to one visible option is refused
    options = questions_of(consultation.id)[0].options
    post_form(client, f"{url}/{options[0].id}/hide", {})
    post_form(client, f"{url}/{options[1].id}/hide", {})
    assert "選択肢を2つ以上入力してください。" in client.get(base(consultation)).get_data(
        as_text=True
    )
    assert [o.is_hidden for o in questions_of(consultation.id)[0].options] == [True, False, False]
    assert audit_changes()[-3:] == ["option.show q1", "option.delete q1", "option.hide q1"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": ""}, "text", "質問文を入力してください。"),
        ({"text": "　\u200b"}, "text", "質問文を入力してください。"),
        ({"text": "あ" * 501}, "text", "質問文は500文字以内で入力してください。"),
        ({"help_text": "い" * 1001}, "help_text", "説明は1,000文字以内で入力してください。"),
        ({"key": "1番"}, "key", "key は英字で始まる40文字以内の英数字"),
        ({"key": "スマホ"}, "key", "key は英字で始まる40文字以内の英数字"),
        ({"key": "q" * 41}, "key", "keyは40文字以内で入力してください。"),
        ({"options": "はい"}, "options", "選択肢を2つ以上入力してください。"),
        ({"options": "はい\nはい"}, "options", "同じ選択肢が2回あります: はい"),
        ({"options": "はい\n" + "う" * 201}, "options", "選択肢は200文字以内にしてください。"),
        ({"type": "grid"}, "type", "一覧から選んでください。"),
        ({"options": "はい\n\u200b\u3000"}, "options", "空の選択肢があります。"),
        (
            {"type": "scale", "options": None, "scale_min": "5", "scale_max": "5"},
            "scale_min",
            "尺度は2段階から11段階までにしてください",
        ),
        (
            {"type": "scale", "options": None, "scale_min": "5", "scale_max": "1"},
            "scale_min",
            "尺度は2段階から11段階までにしてください",
        ),
        (
            {"type": "scale", "options": None, "scale_min": "", "scale_max": "5"},
            "scale_min",
            "いちばん低い値を入力してください",
        ),
        (
            {"type": "scale", "options": None, "scale_min": "一", "scale_max": "5"},
            "scale_min",
            "半角または全角の数字で入力してください",
        ),
        (
            {"type": "number", "options": None, "number_min": "10", "number_max": "1"},
            "number_min",
            "数値の最小値が最大値より大きくなっています。",
        ),
        (
            {"type": "number", "options": None, "number_min": "inf"},
            "number_min",
            "数字で入力してください",
        ),
    ],
)
def test_a_bad_question_is_refused_by_its_field_and_nothing_is_stored(
    app, client, planner, make_consultation, fields, field, message
):
    consultation = make_consultation()
    response = add(client, consultation, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_by(page, field), page
    assert "入力内容をご確認ください" in page and f'href="#{field}' in page
    assert questions_of(consultation.id) == []


def test_a_key_used_twice_is_refused(app, client, planner, make_consultation):
    consultation = make_consultation()
    add(client, consultation, key="smartphone")
    response = add(client, consultation, key="smartphone", text="別の質問です。")
    assert response.status_code == 422
    assert "key「smartphone」はほかの質問で使われています。" in error_by(
        response.get_data(as_text=True), "key"
    )
    assert len(questions_of(consultation.id)) == 1


def test_html_and_script_are_stored_as_text_and_shown_escaped(
    app, client, planner, make_consultation
):
    consultation = make_consultation()
    payload = '<script>alert("x")</script><b>太字</b>'
    response = add(
        client, consultation, text=payload, options=f"{payload}\n<img src=x onerror=alert(1)>"
    )
    assert response.status_code == 303
    (question,) = questions_of(consultation.id)
    assert question.text == payload and question.options[1].label == "<img src=x onerror=alert(1)>"
    for url in (base(consultation), f"{base(consultation)}/{question.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page

    # emoji, half-width kana and a combining mark are kept as typed
    odd = "📱ｽﾏﾎで市の手続きをしたことは？（か\u3099）"
    assert add(client, consultation, type="short_text", text=odd, options=None).status_code == 303
    assert questions_of(consultation.id)[1].text == odd


def test_the_builder_needs_the_csrf_token_and_a_planner(app, make_consultation, make_user):
    consultation = make_consultation()
    planner_client = app.test_client()
    planner = make_user(Role.PLANNER)
    post_form(planner_client, "/staff/login", {"email": planner.email, "password": PASSWORD})
    refused = planner_client.post(f"{base(consultation)}/new", data=form())
    assert refused.status_code == 400
    assert questions_of(consultation.id) == []
    assert add(planner_client, consultation).status_code == 303
    q1 = question_id(consultation, "q1")

    facilitator = app.test_client()
    user = make_user(Role.FACILITATOR)
    post_form(facilitator, "/staff/login", {"email": user.email, "password": PASSWORD})
    resident = app.test_client()
    pages = (base(consultation), f"{base(consultation)}/new", f"{base(consultation)}/{q1}/edit")
    for url in pages:
        assert facilitator.get(url).status_code == 403
        assert "/staff/login" in resident.get(url).headers["Location"]
    for url in (f"{base(consultation)}/{q1}/delete", f"{base(consultation)}/{q1}/edit"):
        assert post_form(facilitator, url, form()).status_code == 403
        assert "/staff/login" in post_form(resident, url, form()).headers["Location"]
    assert [q.key for q in questions_of(consultation.id)] == ["q1"]
    # another consultation's question is not found under this one
    other = make_consultation()
    assert planner_client.get(f"{base(other)}/{q1}/edit").status_code == 404


@pytest.mark.both_dbs
def test_once_answered_what_would_break_the_answers_is_refused_by_its_field(
    app, client, planner, make_consultation, tmp_path
):
    consultation = make_consultation()
    assert load(app, consultation.slug, DX_SURVEY, tmp_path).exit_code == 0
    answer(consultation, smartphone="使っていない", trouble=["書類の書き方"], satisfaction=4)
    before = dump(app, consultation.slug)

    page = client.get(base(consultation)).get_data(as_text=True)
    assert "回答が1件あるため、種類とkeyは変えられず" in page
    assert "回答があるため、この質問は削除できません。" in page
    assert "回答で選ばれているため削除できません。" in page

    def refused(key: str, field: str, message: str, **fields: Any) -> None:
        response = edit(client, consultation, key, **fields)
        assert response.status_code == 409, field
        assert message in error_by(response.get_data(as_text=True), field)

    smartphone = {"text": "スマートフォンを使っていますか。"}
    refused(
        "smartphone",
        "type",
        "種類（単一選択）を複数選択に変えられません",
        type="multiple",
        **smartphone,
    )
    refused(
        "trouble",
        "options",
        "選択肢「書類の書き方」は回答で選ばれているため削除できません",
        type="multiple",
        text="行政の手続きで困ったことは何ですか。",
        options="窓口の待ち時間\n開庁時間",
        has_other="y",
    )
    response = post_form(
        client,
        f"{base(consultation)}/{question_id(consultation, 'smartphone')}/edit",
        form(key="phone", **smartphone),
    )
    assert response.status_code == 422
    assert "回答があるため、key（smartphone）は変えられません。" in error_by(
        response.get_data(as_text=True), "key"
    )
    refused(
        "satisfaction",
        "scale_min",
        "尺度の範囲（1〜5）を変えられません",
        type="scale",
        text="市のホームページの使いやすさは。",
        options=None,
        scale_min="0",
        scale_max="10",
    )
    assert dump(app, consultation.slug) == before

    # deleting an answered question or an option in use: refused with the reason
    satisfaction_id = question_id(consultation, "satisfaction")
    response = post_form(client, f"{base(consultation)}/{satisfaction_id}/delete", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "「satisfaction」（市のホームページの使いやすさは。）には回答が1件あるため、削除" in page
    trouble = next(q for q in questions_of(consultation.id) if q.key == "trouble")
    in_use = next(o for o in trouble.options if o.label == "書類の書き方")
    url = f"{base(consultation)}/{trouble.id}/options/{in_use.id}"
    response = post_form(client, f"{url}/delete", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "選択肢「書類の書き方」は回答で選ばれているため削除できません" in page
    assert dump(app, consultation.slug) == before

    # what keeps the answers' meaning is still allowed: hide, add, reword, reorder
    assert post_form(client, f"{url}/hide", {}).status_code == 303
    post_form(client, f"{base(consultation)}/{trouble.id}/options", {"label": "オンライン申請"})
    response = edit(
        client,
        consultation,
        "satisfaction",
        type="scale",
        text="市のホームページは使いやすいですか。",
        options=None,
        scale_min="1",
        scale_max="5",
        scale_min_label="とても使いにくい",
        scale_max_label="とても使いやすい",
    )
    assert response.status_code == 303
    smartphone_id = question_id(consultation, "smartphone")
    post_form(client, f"{base(consultation)}/{smartphone_id}/down", {})
    stored = {q.key: q for q in questions_of(consultation.id)}
    assert [o.label for o in stored["trouble"].visible_options] == [
        "窓口の待ち時間",
        "開庁時間",
        "オンライン申請",
    ]
    assert stored["satisfaction"].text == "市のホームページは使いやすいですか。"
    assert stored["smartphone"].position == 1
