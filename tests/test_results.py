"""The city's response: planners write 意見の概要と市の考え方, publish after the close, residents read."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import past, post_form
from workshop.consultations import services as consultations
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AuditEntry,
    Channel,
    Comment,
    Consultation,
    Outcome,
    Publication,
    Role,
    ThemeResponse,
)
from workshop.results.services import exports, publishing, reading, writing
from workshop.themes import services as themes

SMARTPHONE = [
    "スマホ教室を公民館で毎月開いてほしい。高齢者でも通いやすい場所がいい。",
    "スマホの使い方がわからない高齢者のために、相談できる窓口を地域に作ってください。",
    "スマホ教室に参加したいが、近くで開かれていない。高齢者向けの教室を増やして。",
    "高齢の母がスマホで困っている。スマホ教室や相談会を地区ごとに開いてほしい。",
    "スマホ教室の講師は地域のボランティアに頼んでは。高齢者も気軽に相談できる。",
    "スマホ教室の日程は090-1234-5678に電話で教えてほしい。連絡は taro@example.jp へ。",
]
DISASTER = [
    "防災無線が雨の日は聞こえない。避難情報を防災アプリでも流してほしい。",
    "地震の時の避難所の情報を防災アプリで確認できるようにしてほしい。",
    "台風で停電したとき、避難所の情報が届かなかった。防災アプリでも知らせて。",
    "防災アプリの通知で避難所の空き状況がわかると助かります。",
    "大雨の避難情報が遅かった。防災アプリで早く知らせてほしい。",
]
HIDDEN_BODY = "防災アプリの担当職員は無能だ。避難所の運営も任せられない。"


def add_comment(consultation: Consultation, body: str, **kw) -> Comment:
    channel = kw.pop("channel", Channel.PAPER)
    # the receipt e-mail builds a link to the consultation page, which needs a request
    with current_app.test_request_context():
        return consultations.enter_comment(
            consultation.id,
            consultations.CommentInput(body=body, **kw),
            channel=channel,
            received_on=past(5),
            staff_id=None,
        )


def analyse(consultation: Consultation) -> Analysis:
    job = themes.start_analysis(consultation.id, how="inline", k=2)
    db.session.refresh(job)
    assert job.result_id, job.error
    return db.session.get(Analysis, job.result_id)


def write_all(analysis: Analysis) -> None:
    for theme in analysis.themes:
        writing.save_response(
            analysis.consultation_id,
            theme.id,
            writing.ResponseInput(
                summary=f"{theme.label}についてのご意見をいただきました。",
                response="計画の取り組みに書き加えます。",
                outcome=Outcome.PARTLY,
            ),
            staff_id=None,
        )


@pytest.fixture
def closed(app, make_consultation, make_user) -> Consultation:
    """A consultation that closed yesterday, with comments from several people and one hidden."""
    consultation = make_consultation(opens_on=past(40), closes_on=past(1))
    for i, body in enumerate(SMARTPHONE):
        # the same person (same e-mail) sent the first two; the others are anonymous
        email = "hanako@example.jp" if i < 2 else None
        add_comment(consultation, body, name="山田花子" if i < 2 else None, email=email)
    for body in DISASTER:
        add_comment(consultation, body, name="佐藤一郎", channel=Channel.FAX)
    hidden = add_comment(consultation, HIDDEN_BODY)
    planner = make_user(Role.PLANNER)
    consultations.hide_comment(
        consultation.id, hidden.id, "職員個人への誹謗中傷のため", staff_id=planner.id
    )
    return consultation


@pytest.fixture
def published(closed) -> Consultation:
    analysis = analyse(closed)
    write_all(analysis)
    publishing.publish(closed.id, analysis.id, staff_id=None)
    return closed


# ---------------------------------------------------------------- who may open the staff pages


def staff_rules(app) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("results_staff.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def test_the_blueprint_has_the_expected_staff_routes(app):
    rules = staff_rules(app)
    assert len(rules) == 7  # with the questionnaire's results page and its cross tab CSV
    assert all(path.startswith("/staff/") for _, path in rules)


@pytest.mark.parametrize("role", [None, Role.FACILITATOR, Role.PLANNER, Role.ADMIN])
def test_every_results_route_is_for_planners(app, client, login, closed, role):
    analysis = analyse(closed)
    if role is not None:
        login(role)
    for method, rule in staff_rules(app):
        url = re.sub(r"<int:consultation_id>", str(closed.id), rule)
        if method == "GET":
            response = client.get(url)
        else:
            response = post_form(
                client,
                url,
                {
                    "analysis_id": analysis.id,
                    "theme_id": analysis.themes[0].id,
                    "source_id": analysis.id,
                    "target_id": analysis.id,
                    f"theme-{analysis.themes[0].id}-summary": "概要",
                    f"theme-{analysis.themes[0].id}-response": "考え方",
                    f"theme-{analysis.themes[0].id}-outcome": "noted",
                },
            )
        if role is None:
            assert response.status_code == 302, url
            assert "/staff/login" in response.headers["Location"]
        elif role is Role.FACILITATOR:
            assert response.status_code == 403, url
            assert "権限がありません" in response.get_data(as_text=True)
        else:
            assert response.status_code not in (401, 403, 404), (url, response.status_code)
            assert "/staff/login" not in response.headers.get("Location", "")


# ---------------------------------------------------------------- the response form


def response_url(consultation: Consultation) -> str:
    return f"/staff/consultations/{consultation.id}/results/responses"


def post_response(client, consultation, theme_id, **fields):
    data = {f"theme-{theme_id}-{name}": value for name, value in fields.items()}
    return post_form(client, response_url(consultation), {"theme_id": theme_id, **data})


def saved_responses() -> int:
    return db.session.scalar(select(func.count(ThemeResponse.id))) or 0


def test_planner_saves_a_response_and_sees_it(client, login, closed):
    analysis = analyse(closed)
    login(Role.PLANNER)
    theme = analysis.themes[0]
    response = post_response(
        client,
        closed,
        theme.id,
        summary="教室を増やしてほしいという意見",
        response="各地区の公民館で開きます。",
        outcome="reflected",
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "保存しました" in page
    assert "各地区の公民館で開きます。" in page
    row = db.session.scalars(select(ThemeResponse)).one()
    assert row.outcome is Outcome.REFLECTED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "", "response": "考え方", "outcome": "noted"}, "意見の概要を入力してください"),
        ({"summary": "概要", "response": "  ", "outcome": "noted"}, "市の考え方を入力してください"),
        (
            {"summary": "あ" * 2001, "response": "考え方", "outcome": "noted"},
            "意見の概要は2,000文字以内",
        ),
        (
            {"summary": "概要", "response": "あ" * 4001, "outcome": "noted"},
            "市の考え方は4,000文字以内",
        ),
        (
            {"summary": "概要", "response": "考え方", "outcome": "rejected"},
            "反映状況は一覧から選んでください",
        ),
    ],
)
def test_bad_response_is_refused_with_a_japanese_message_and_nothing_saved(
    client, login, closed, fields, message
):
    analysis = analyse(closed)
    login(Role.PLANNER)
    response = post_response(client, closed, analysis.themes[0].id, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "保存していません" in page
    assert 'aria-invalid="true"' in page
    assert saved_responses() == 0


def test_a_bad_edit_keeps_the_earlier_response_whole(client, login, closed):
    analysis = analyse(closed)
    write_all(analysis)
    login(Role.PLANNER)
    theme = analysis.themes[0]
    post_response(client, closed, theme.id, summary="新しい概要", response="", outcome="other")
    row = db.session.scalars(select(ThemeResponse).where(ThemeResponse.theme_id == theme.id)).one()
    db.session.refresh(row)
    assert row.summary.endswith("についてのご意見をいただきました。")
    assert row.outcome is Outcome.PARTLY


def test_response_for_an_unknown_theme_is_not_found(client, login, closed):
    analyse(closed)
    login(Role.PLANNER)
    response = post_response(client, closed, 999_999, summary="概要", response="考え方")
    assert response.status_code == 404
    assert saved_responses() == 0


def test_response_without_csrf_token_is_refused(client, login, closed):
    analysis = analyse(closed)
    login(Role.PLANNER)
    theme_id = analysis.themes[0].id
    response = client.post(
        response_url(closed),
        data={
            "theme_id": theme_id,
            f"theme-{theme_id}-summary": "概要",
            f"theme-{theme_id}-response": "考え方",
            f"theme-{theme_id}-outcome": "noted",
        },
    )
    assert response.status_code == 400
    assert "もう一度送信してください" in response.get_data(as_text=True)
    assert saved_responses() == 0


def test_markup_in_a_response_is_shown_as_text(client, login, closed):
    analysis = analyse(closed)
    write_all(analysis)
    login(Role.PLANNER)
    theme = analysis.themes[0]
    post_response(
        client,
        closed,
        theme.id,
        summary="<script>alert('x')</script>",
        response="<b>太字</b>",
        outcome="noted",
    )
    publishing.publish(closed.id, analysis.id, staff_id=None)
    for page in (
        client.get(f"/staff/consultations/{closed.id}/results/").get_data(as_text=True),
        client.get(f"/consultations/{closed.slug}/results").get_data(as_text=True),
    ):
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(" in page
        assert "&lt;b&gt;太字&lt;/b&gt;" in page


# ---------------------------------------------------------------- publishing


@pytest.mark.both_dbs
def test_publishing_before_the_close_is_refused_and_nothing_saved(app, make_consultation):
    consultation = make_consultation(opens_on=past(10))
    for body in SMARTPHONE + DISASTER:
        add_comment(consultation, body)
    analysis = analyse(consultation)
    write_all(analysis)
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(publishing.PublishTooEarly) as refused:
        publishing.publish(consultation.id, analysis.id, staff_id=None)
    assert "募集期間が終わってから公表できます" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(Publication.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audits


def test_publish_button_before_the_close_shows_the_reason(client, login, make_consultation):
    consultation = make_consultation(opens_on=past(10))
    for body in SMARTPHONE + DISASTER:
        add_comment(consultation, body)
    analysis = analyse(consultation)
    write_all(analysis)
    login(Role.PLANNER)
    url = f"/staff/consultations/{consultation.id}/results/publish"
    response = post_form(client, url, {"analysis_id": analysis.id})
    assert response.status_code == 409
    assert "募集期間が終わってから公表できます" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Publication.id))) == 0
    assert client.get(f"/consultations/{consultation.slug}/results").status_code == 404


@pytest.mark.both_dbs
def test_publishing_needs_a_response_for_every_theme(closed):
    analysis = analyse(closed)
    with pytest.raises(DomainError) as refused:
        publishing.publish(closed.id, analysis.id, staff_id=None)
    assert "まだ入っていないテーマがあります" in refused.value.message


@pytest.mark.both_dbs
def test_publish_after_the_close_freezes_the_analysis_and_is_audited(closed):
    analysis = analyse(closed)
    write_all(analysis)
    publication = publishing.publish(closed.id, analysis.id, staff_id=None)
    assert publication.analysis_id == analysis.id
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "results.publish" in actions
    # a later analysis does not replace what was published
    later = analyse(closed)
    assert reading.published_results(closed.slug).analysis_id == analysis.id
    write_all(later)
    publishing.publish(closed.id, later.id, staff_id=None)
    assert db.session.scalar(select(func.count(Publication.id))) == 1
    assert reading.published_results(closed.slug).analysis_id == later.id


@pytest.mark.both_dbs
def test_withdraw_and_publish_again(closed):
    analysis = analyse(closed)
    write_all(analysis)
    publishing.publish(closed.id, analysis.id, staff_id=None)
    publishing.withdraw(closed.id)
    with pytest.raises(publishing.NotPublished):
        reading.published_results(closed.slug)
    publishing.publish(closed.id, analysis.id, staff_id=None)
    assert reading.published_results(closed.slug).total_comments == 12


def test_planner_publishes_and_withdraws_from_the_page(client, login, closed):
    analysis = analyse(closed)
    write_all(analysis)
    login(Role.PLANNER)
    base = f"/staff/consultations/{closed.id}/results"
    page = client.get(base + "/").get_data(as_text=True)
    assert "この分析で公表する" in page
    assert "提出者の数え方" in page
    link = "意見募集の結果（意見の概要と市の考え方）を見る"
    assert link not in client.get(f"/consultations/{closed.slug}").get_data(as_text=True)
    response = post_form(client, base + "/publish", {"analysis_id": analysis.id})
    assert response.status_code == 303
    assert client.get(f"/consultations/{closed.slug}/results").status_code == 200
    show = client.get(f"/consultations/{closed.slug}").get_data(as_text=True)
    assert link in show and f"/consultations/{closed.slug}/results" in show
    response = post_form(client, base + "/withdraw", {})
    assert response.status_code == 303
    assert "取り下げました" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/consultations/{closed.slug}/results").status_code == 404
    assert link not in client.get(f"/consultations/{closed.slug}").get_data(as_text=True)


def test_summary_draft_is_prefilled_and_public_only_once_saved_and_published(client, login, closed):
    analysis = analyse(closed)
    drafted = [t for t in analysis.themes if t.summary]
    assert drafted
    login(Role.PLANNER)
    base = f"/staff/consultations/{closed.id}/results"
    page = client.get(base + "/").get_data(as_text=True)
    assert "自動で作った下書きです。確認して直してください。" in page
    for theme in drafted:
        textarea = re.search(
            rf'<textarea[^>]*name="theme-{theme.id}-summary"[^>]*>(.*?)</textarea>', page, re.S
        )
        assert html.unescape(textarea.group(1)).strip() == theme.summary
    # the drafts alone are not a response: publishing is refused and nothing is public
    refused = post_form(client, base + "/publish", {"analysis_id": analysis.id})
    assert refused.status_code == 400
    assert "まだ入っていないテーマ" in refused.get_data(as_text=True)
    assert client.get(f"/consultations/{closed.slug}/results").status_code == 404

    kept, *edited = analysis.themes  # the planner keeps one draft as it is, writes the others
    post_response(
        client, closed, kept.id, summary=kept.summary, response="検討します。", outcome="noted"
    )
    for theme in edited:
        post_response(
            client,
            closed,
            theme.id,
            summary=f"{theme.label}について担当者がまとめた概要です。",
            response="検討します。",
            outcome="noted",
        )
    page = client.get(base + "/").get_data(as_text=True)
    assert "自動で作った下書きです" not in page
    assert post_form(client, base + "/publish", {"analysis_id": analysis.id}).status_code == 303
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/consultations/{closed.slug}/results.csv").data.decode("utf-8-sig")
            )
        )
    )
    summaries = {row[1]: row[2] for row in rows[1:]}
    assert summaries[kept.label] == kept.summary
    for theme in edited:
        assert summaries[theme.label] == f"{theme.label}について担当者がまとめた概要です。"


@pytest.mark.both_dbs
def test_responses_carry_over_to_a_new_analysis_of_the_same_comments(closed):
    first = analyse(closed)
    write_all(first)
    add_comment(closed, "スマホ教室を土曜日にも開いてほしい。高齢者の相談にも乗ってほしい。")
    later = analyse(closed)
    assert writing.previous_with_responses(later).id == first.id
    assert writing.carry_over_responses(closed.id, first.id, later.id) == 2
    carried = writing.responses(later)
    assert {row.summary for row in carried.values()} == {
        row.summary for row in writing.responses(first).values()
    }
    # a second time copies nothing: every theme already has its response
    assert writing.carry_over_responses(closed.id, first.id, later.id) == 0


def test_planner_carries_over_from_the_page(client, login, closed):
    first = analyse(closed)
    write_all(first)
    later = analyse(closed)
    login(Role.PLANNER)
    base = f"/staff/consultations/{closed.id}/results"
    assert "前の分析から引き継ぐ" in client.get(base + "/").get_data(as_text=True)
    response = post_form(
        client, base + "/carry-over", {"source_id": first.id, "target_id": later.id}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2件引き継ぎました" in page
    assert "前の分析から引き継ぐ" not in page


# ---------------------------------------------------------------- what residents see


def test_results_before_publication_say_not_yet(client, closed):
    response = client.get(f"/consultations/{closed.slug}/results")
    assert response.status_code == 404
    assert "まだ公表していません" in response.get_data(as_text=True)
    assert client.get(f"/consultations/{closed.slug}/results.csv").status_code == 404
    assert client.get("/consultations/no-such-plan/results").status_code == 404


def test_public_page_masks_personal_data_and_leaves_out_hidden_comments(client, published):
    page = client.get(f"/consultations/{published.slug}/results").get_data(as_text=True)
    assert "〔電話番号〕" in page
    assert "〔メールアドレス〕" in page
    assert "090-1234-5678" not in page
    assert "taro@example.jp" not in page
    assert "hanako@example.jp" not in page
    assert "山田花子" not in page and "佐藤一郎" not in page
    assert HIDDEN_BODY not in page
    assert "公表しない意見 1件" in page
    assert "計画の取り組みに書き加えます。" in page
    assert "一部反映" in page
    assert "<caption" in page and 'scope="col"' in page


@pytest.mark.both_dbs
def test_counts_by_channel_and_submitters(published):
    results = reading.published_results(published.slug)
    counts = {c.channel: (c.comments, c.submitters) for c in results.channels}
    # paper: 6 smartphone comments (2 from one e-mail) + the hidden one, anonymous
    assert counts[Channel.PAPER] == (7, 6)
    # fax: 5 comments under one name
    assert counts[Channel.FAX] == (5, 1)
    assert results.total_comments == 12
    assert results.total_submitters == 7
    assert results.hidden_comments == 1
    assert sum(t.count for t in results.themes) == 11


def test_a_long_theme_shows_its_first_comments_and_links_to_all_of_them(client, closed):
    for number in range(1, 31):
        add_comment(
            closed, f"{number}回目のお願いです。スマホ教室を公民館で開いてほしい。高齢者向けに。"
        )
    analysis = analyse(closed)
    write_all(analysis)
    publishing.publish(closed.id, analysis.id, staff_id=None)
    results = reading.published_results(closed.slug)
    long = max(results.themes, key=lambda theme: theme.count)
    assert long.count > reading.COMMENTS_PER_THEME
    page = client.get(f"/consultations/{closed.slug}/results").get_data(as_text=True)
    assert f"（{long.count}件）" in page
    link = f"/consultations/{closed.slug}/results/themes/{long.number}"
    assert f"ほか{long.count - reading.COMMENTS_PER_THEME}件" in page and link in page
    assert page.count('class="comment-text">') == sum(len(t.comments) for t in results.themes)
    every = client.get(link).get_data(as_text=True)
    assert every.count('class="comment-text">') == long.count
    assert "090-1234-5678" not in every and HIDDEN_BODY not in every
    assert client.get(f"/consultations/{closed.slug}/results/themes/99").status_code == 404


def test_the_page_of_a_theme_with_many_comments_is_paged(client, closed):
    for number in range(1, 111):
        add_comment(closed, f"{number}回目のお願いです。スマホ教室を公民館で開いてほしい。")
    analysis = analyse(closed)
    write_all(analysis)
    publishing.publish(closed.id, analysis.id, staff_id=None)
    long = max(reading.published_results(closed.slug).themes, key=lambda theme: theme.count)
    assert long.count > 100
    link = f"/consultations/{closed.slug}/results/themes/{long.number}"
    first = client.get(link).get_data(as_text=True)
    assert first.count('class="comment-text">') == 100
    assert f'href="{link}?page=2">次のページ' in first and "前のページ" not in first
    second = client.get(f"{link}?page=2").get_data(as_text=True)
    assert second.count('class="comment-text">') == long.count - 100
    assert f'href="{link}?page=1">前のページ' in second and "次のページ" not in second
    # the open data: the first comments with the results, every comment in the theme's pages
    api = f"/api/consultations/{closed.slug}/results"
    summary = client.get(api).get_json()["themes"][long.number - 1]
    assert summary["count"] == long.count
    assert len(summary["comments"]) == reading.COMMENTS_PER_THEME
    pages = client.get(summary["comments_url"]).get_json()
    assert (pages["count"], pages["page"], pages["pages"]) == (long.count, 1, 2)
    assert len(pages["comments"]) == 100 and pages["comments"][:20] == summary["comments"]
    rest = client.get(pages["next"]).get_json()
    assert len(rest["comments"]) == long.count - 100 and rest["next"] is None
    numbers = [c["number"] for c in pages["comments"] + rest["comments"]]
    assert numbers == sorted(set(numbers))
    assert client.get(f"{api}/themes/99").status_code == 404


def test_new_comments_after_publication_do_not_change_the_page(client, published):
    before = client.get(f"/consultations/{published.slug}/results").get_data(as_text=True)
    # a late paper comment, postmarked within the period, entered after publishing
    add_comment(published, "バスの本数を増やしてほしい。駅まで行けない。")
    after = client.get(f"/consultations/{published.slug}/results").get_data(as_text=True)
    assert "バスの本数" not in after
    assert before == after


def test_print_page_has_the_table(client, published):
    page = client.get(f"/consultations/{published.slug}/results/print").get_data(as_text=True)
    assert "意見の概要と市の考え方" in page
    assert "css/results.css" in page
    assert "〔電話番号〕" in page


def test_csv_export_has_bom_and_the_table_with_formulas_neutralised(client, published):
    analysis = reading.published_results(published.slug)
    theme_id = db.session.get(Analysis, analysis.analysis_id).themes[0].id
    writing.save_response(
        published.id,
        theme_id,
        writing.ResponseInput(
            summary='=HYPERLINK("http://example.com")', response="-1+2", outcome=Outcome.OTHER
        ),
        staff_id=None,
    )
    response = client.get(f"/consultations/{published.slug}/results.csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["番号", "テーマ", "意見の概要", "市の考え方", "反映状況", "件数"]
    assert rows[1][2] == '\'=HYPERLINK("http://example.com")'
    assert rows[1][3] == "'-1+2"
    assert rows[1][4] == "その他"
    assert any(row[3] == "計画の取り組みに書き加えます。" for row in rows[1:])
    assert "山田花子" not in response.data.decode("utf-8-sig")


def test_xlsx_export_has_the_table(client, published):
    response = client.get(f"/consultations/{published.slug}/results.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("番号", "テーマ", "意見の概要", "市の考え方", "反映状況", "件数")
    assert len(rows) == 1 + 2
    assert rows[1][3] == "計画の取り組みに書き加えます。"
    assert sum(row[5] for row in rows[1:]) == 11


# ---------------------------------------------------------------- open data


def test_json_api_matches_the_page(client, published):
    response = client.get(f"/api/consultations/{published.slug}/results")
    assert response.status_code == 200
    data = response.get_json()
    expected = exports.results_json(reading.published_results(published.slug))
    links = [theme.pop("comments_url") for theme in data["themes"]]
    assert data == expected
    base = f"/api/consultations/{published.slug}/results/themes"
    assert links == [f"{base}/{theme['number']}" for theme in data["themes"]]
    assert data["comment_count"] == 12
    assert data["hidden_comment_count"] == 1
    texts = [c["text"] for t in data["themes"] for c in t["comments"]]
    assert len(texts) == 11
    assert any("〔電話番号〕" in text for text in texts)
    assert HIDDEN_BODY not in response.get_data(as_text=True)
    assert "hanako@example.jp" not in response.get_data(as_text=True)
    page = client.get(f"/consultations/{published.slug}/results").get_data(as_text=True)
    for theme in data["themes"]:
        assert theme["summary"] in page
        assert f"{theme['count']}件" in page


def test_json_api_before_publication_is_a_japanese_404(client, closed):
    response = client.get(f"/api/consultations/{closed.slug}/results")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert "まだ公表していません" in response.get_json()["message"]
    assert client.get("/api/consultations/no-such-plan/results").status_code == 404
