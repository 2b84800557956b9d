"""The guided lessons: their files, their API, and every number their texts claim,
checked against the real model through POST /api/run (the page's own path)."""

import json
import math
import re
import shutil

import pytest

from app import lessons
from app.lessons import LessonError, load_all
from app.lessons.loader import HERE
from app.ui_strings import CODES

ORDER = ["write", "hold", "read", "protect", "drift", "forget", "fading-echo", "constant-error",
         "gru", "gate-reads-input", "two-time-scales", "road-to-attention"]


def fmt(value: float) -> str:
    """The page's number format (static/js/format.js): three decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def effective(lesson, gate: str) -> list[float]:
    """A lesson's schedule with nulls carried, as state.js's effectiveSchedule does."""
    carried, out = (1.0 if gate == "forget" else 0.0), []
    for v in lesson.gates[gate]:
        carried = carried if v is None else v
        out.append(carried)
    return out


def run(client, lesson, **change) -> dict:
    """The cell's run of a lesson, as the page asks for it."""
    body = lesson.run_body()
    body.update(change)
    response = client.post("/api/run", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def rnn(client, lesson) -> dict:
    body = {"variant": "rnn", "squash": lesson.squash, "tape": lesson.tape,
            "self_loop": lesson.rnn_self_loop}
    response = client.post("/api/run", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def column(answer: dict, name: str) -> list[float]:
    return [s[name] for s in answer["steps"]]


# ---- the files -------------------------------------------------------------------

def test_twelve_lessons_in_the_issues_order():
    assert list(lessons.LESSONS) == ORDER
    assert [lesson.order for lesson in lessons.LESSONS.values()] == list(range(1, 13))


def test_every_lesson_has_every_text_in_every_language():
    for lesson in lessons.LESSONS.values():
        for text in [lesson.title, lesson.summary, *(s.text for s in lesson.steps)]:
            en, hant, hans = (text.get(lang) for lang in ("en", "zh-Hant", "zh-Hans"))
            assert en.strip() and hant.strip() and hans.strip()
            assert en not in (hant, hans)  # translated, not copied
            assert re.search(r"[\u4e00-\u9fff]", hant) and re.search(r"[\u4e00-\u9fff]", hans)
            if len(hant) > 12:  # sentences, not short titles: the two scripts differ
                assert hant != hans, hant
        assert any(s.predict for s in lesson.steps), f"{lesson.id} asks nothing"


def test_revealed_text_states_the_answer_in_every_language(client):
    """At each question's step, its text names the value the run shows there."""
    for lesson in lessons.LESSONS.values():
        answer = run(client, lesson)
        for s in lesson.steps:
            if not s.predict:
                continue
            actual = fmt(answer["steps"][s.at - 1][s.predict.quantity])
            for lang in CODES:
                text = s.text.get(lang).replace("−", "-")
                numbers = set(re.findall(r"-?\d+(?:\.\d+)?", text))
                assert actual in numbers, (lesson.id, s.at, lang, actual, text)


def broken(tmp_path, name, mutate):
    folder = tmp_path / "lessons"
    folder.mkdir()
    for path in HERE.glob("*.json"):
        shutil.copy(path, folder)
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    mutate(data)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d["gates"]["input"].pop(), "gates.input has 11 values"),
    (lambda d: d["title"].pop("zh-Hant"), "zh-Hant"),
    (lambda d: d["summary"].update({"zh-Hans": "  "}), "blank"),
    (lambda d: d["gates"].update({"forget": [1.0] * 12}), "gates must be exactly"),
    (lambda d: d["steps"][1].update({"at": 1}), "increasing"),
    (lambda d: d.update({"start_step": 3}), "could never be asked"),
    (lambda d: d["gates"]["output"].__setitem__(3, 1.5), "less than or equal to 1"),
    (lambda d: d.update({"id": "Write Me"}), "pattern"),
    (lambda d: d.update({"squash": "relu"}), "squash"),
    (lambda d: d.update({"answer": 0.8}), "Extra inputs"),
    (lambda d: d.update({"order": 2}), "orders must run"),
    (lambda d: d.update({"id": "hold"}), "share an id"),
])
def test_a_broken_lesson_file_fails_loudly(tmp_path, mutate, words):
    with pytest.raises(LessonError) as error:
        load_all(broken(tmp_path, "01_write.json", mutate))
    assert words in str(error.value)


def test_a_file_that_is_not_json_names_itself(tmp_path):
    folder = broken(tmp_path, "03_read.json", lambda d: None)
    (folder / "03_read.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LessonError, match="03_read.json"):
        load_all(folder)


# ---- the API ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", CODES)
def test_list_in_each_language(client, lang):
    response = client.get(f"/api/lessons?lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    body = response.json()
    assert [item["id"] for item in body] == ORDER
    assert set(body[0]) == {"id", "order", "title", "summary"}
    assert body[0]["title"] == lessons.LESSONS["write"].title.get(lang)


def test_list_titles_differ_by_language(client):
    titles = {lang: [i["title"] for i in client.get(f"/api/lessons?lang={lang}").json()]
              for lang in CODES}
    assert titles["zh-Hant"][0] == "1. 寫入" and titles["zh-Hans"][0] == "1. 写入"
    assert titles["en"][5] == "6. Forget"


@pytest.mark.parametrize("header, lang", [
    (None, "en"), ("zh-TW,zh;q=0.9", "zh-Hant"), ("zh-CN", "zh-Hans"),
    ("fr;q=1, zh-HK;q=0.5", "zh-Hant"), ("en-GB", "en"),
])
def test_language_follows_accept_language_when_not_given(client, header, lang):
    headers = {"Accept-Language": header} if header else {}
    response = client.get("/api/lessons/write", headers=headers)
    assert response.json()["lang"] == lang
    assert response.headers["content-language"] == lang
    assert "Accept-Language" in response.headers["vary"]


def test_full_lesson_resolved_into_one_language(client):
    body = client.get("/api/lessons/forget?lang=zh-Hans").json()
    lesson = lessons.LESSONS["forget"]
    assert body["id"] == "forget" and body["variant"] == "forget"
    assert body["title"] == "6. 遗忘"
    assert body["tape"] == lesson.tape
    assert body["gates"] == lesson.gates and set(body["gates"]) == {"input", "forget", "output"}
    assert body["start_step"] == 1 and body["self_loop"] == 1.0 and body["rnn_self_loop"] == 0.9
    assert all(isinstance(s["text"], str) and "遗忘门" in body["summary"] for s in body["steps"])
    questions = [s for s in body["steps"] if s["predict"]]
    assert [q["at"] for q in questions] == [6, 7, 9]
    assert all(q["predict"] == {"quantity": "cell"} for q in questions)  # never the answer


def test_unknown_language_is_refused_naming_lang(client):
    for path in ("/api/lessons?lang=fr", "/api/lessons/write?lang=zh"):
        response = client.get(path)
        assert response.status_code == 422
        assert response.json()["fields"] == ["lang"]


def test_unknown_lesson_is_404_naming_id(client):
    response = client.get("/api/lessons/no-such-lesson?lang=en")
    assert response.status_code == 404
    assert response.json()["fields"] == ["id"]
    assert "write" in response.json()["message"]


# ---- every lesson through the model: the numbers its texts claim ---------------------

def test_1_write(client):
    lesson = lessons.LESSONS["write"]
    cell = column(run(client, lesson), "cell")
    assert cell[:2] == [0.0, 0.0]  # -0.4 at step 2 does not get in
    assert lesson.tape[1] == -0.4 and lesson.tape[2] == 0.8
    assert cell[2:] == [0.8] * 10
    half = effective(lesson, "input")
    half[2] = 0.5
    assert column(run(client, lesson, gates={"input": half, "output": [0.0] * 12}), "cell")[2] == 0.4


def test_2_hold_keeps_the_identical_value(client):
    lesson = lessons.LESSONS["hold"]
    answer = run(client, lesson)
    assert column(answer, "cell") == [0.37] * 12  # exactly equal, not approximately
    assert column(answer, "output") == [0.0] * 12
    assert effective(lesson, "input")[1:] == [0.0] * 11


def test_3_read(client):
    answer = run(client, lessons.LESSONS["read"])
    output, cell = column(answer, "output"), column(answer, "cell")
    assert output[:5] == [0.0] * 5 and cell[1:5] == [0.7] * 4
    assert output[5:7] == [0.7, 0.7]
    assert output[7:] == [0.0] * 5 and cell[7:] == [0.7] * 5  # reading did not empty it


def test_4_protect(client):
    lesson = lessons.LESSONS["protect"]
    answer = run(client, lesson)
    assert column(answer, "cell")[1:] == [0.6] * 11
    distractors = lesson.tape[2:11]
    assert len(distractors) == 9 and min(distractors) == -1.0 == lesson.tape[5]
    assert lesson.tape[3] == -0.8
    assert max(map(abs, distractors)) == 1.0
    assert column(answer, "output")[11] == 0.6


def test_5_drift_adds_every_write(client):
    lesson = lessons.LESSONS["drift"]
    cell = column(run(client, lesson), "cell")
    assert cell[1] == 0.5 and cell[4] == pytest.approx(0.9) and cell[7] == pytest.approx(1.5)
    assert cell[7] > max(lesson.tape)
    assert cell[11] == pytest.approx(1.5)


def test_6_forget_resets(client):
    lesson = lessons.LESSONS["forget"]
    cell = column(run(client, lesson), "cell")
    assert cell[1:5] == [0.5] * 4
    assert cell[5] == 0.0 and cell[6] == 0.8 and cell[8] == pytest.approx(0.4)
    # Without the reset (forget gate always 1) step 7 would hold 0.5 + 0.8 = 1.3.
    kept = run(client, lesson, gates={**{g: effective(lesson, g) for g in lesson.gates},
                                      "forget": [1.0] * 12})
    assert column(kept, "cell")[6] == pytest.approx(1.3)


def test_7_fading_echo(client):
    lesson = lessons.LESSONS["fading-echo"]
    assert len(lesson.tape) == 50 and lesson.rnn_self_loop == 0.9
    held = column(rnn(client, lesson), "cell")
    assert held[1] == pytest.approx(0.9)
    assert held[11] == pytest.approx(0.9 ** 11) and f"{held[11]:.2f}" == "0.31"
    assert f"{held[49]:.2g}" == "0.0057" and fmt(held[49]) == "0.006"  # as the panel rounds it
    assert column(run(client, lesson), "cell") == [1.0] * 50
    leaky = column(run(client, lesson, self_loop=0.9), "cell")
    assert leaky == pytest.approx(held, rel=1e-12)  # the cell's line falls onto the RNN's


def test_8_constant_error(client):
    lesson = lessons.LESSONS["constant-error"]
    answer = run(client, lesson)
    assert answer["error_flow"] == [1.0] * 50
    flow = rnn(client, lesson)["error_flow"]
    assert flow[-1] == 1.0 and flow[0] == pytest.approx(0.9 ** 49)
    assert f"{flow[0]:.2g}" == "0.0057"
    assert all(a > b for a, b in zip(flow[1:], flow))  # shrinks at every step back
    assert column(answer, "output")[49] == 1.0 and column(answer, "output")[48] == 0.0
    leaky = run(client, lesson, self_loop=0.9)["error_flow"]
    assert leaky == pytest.approx(flow, rel=1e-12)
    assert not math.isclose(leaky[0], 1.0)


def numbers(text: str) -> set[str]:
    return set(re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-")))


def test_9_gru_keeps_or_writes(client):
    lesson = lessons.LESSONS["gru"]
    answer = run(client, lesson)
    h = column(answer, "cell")
    assert column(answer, "output") == h  # no output gate: what it holds is its output
    assert h[:4] == [0.7] * 4  # z = 0 holds, bit for bit
    assert h[4:9] == [-0.6] * 5  # z = 1 overwrote
    assert h[9] == pytest.approx(0.5 * -0.6 + 0.5 * 0.4) and fmt(h[9]) == "-0.1"
    # The 1997 cell on the same tape shows 0 with its output gate shut.
    lstm = run(client, lesson, variant="lstm1997", self_loop=1.0,
               gates={"input": [1.0] + [0.0] * 11, "output": [0.0] * 12})
    assert column(lstm, "output")[7] == 0.0


def test_10_a_gate_that_reads_the_input_then_a_peephole(client):
    lesson = lessons.LESSONS["gate-reads-input"]
    assert lesson.computed == ["input"] and "input" not in lesson.gates
    answer = run(client, lesson)
    gate = column(answer, "input_gate")
    assert [fmt(c) for c in column(answer, "cell")[:5]] == ["0.009", "0.893", "0.895", "0.895", "1.657"]
    assert [round(g * 100) for g in gate[:5]] == [5, 98, 2, 0, 95]
    assert all((g > 0.5) == (x > 0.5) for g, x in zip(gate, lesson.tape))  # opens on large values
    last = lesson.steps[-1].text.en
    peep = run(client, lesson, weights={"input": {"wx": 10.0, "b": -5.0, "wc": -4.0}})
    assert f"{round(column(peep, 'input_gate')[4] * 100)}%" == "36%" and "36%" in last
    assert fmt(column(peep, "cell")[-1]) == "1.606" and fmt(column(answer, "cell")[-1]) == "3.359"
    assert {"1.606", "3.359", "-4"} <= numbers(last)
    # With every gate scheduled, a peephole weight changes nothing.
    scheduled = {**{g: lesson.effective(g) for g in lesson.gates}, "input": column(answer, "input_gate")}
    flat = run(client, lesson, gates=scheduled, weights={"input": {"wc": -4.0}})
    assert column(flat, "cell") == pytest.approx(column(answer, "cell"), rel=1e-15)


def test_11_one_forget_gate_two_time_scales(client):
    lesson = lessons.LESSONS["two-time-scales"]
    cell = column(run(client, lesson), "cell")
    assert fmt(cell[6]) == "0.531" and fmt(cell[7]) == "0.478" and fmt(cell[13]) == "0.254"
    assert cell[6] > 0.5 > cell[7]  # half is gone between 6 and 7 forget steps
    assert f"{math.log(2) / -math.log(0.9):.1f}" == "6.6" and "6.6" in lesson.summary.en
    # f = 0.99: the first step below half, counted from the write, is 69 steps later.
    n = 80
    slow = column(run(client, lesson, tape=[1.0] + [0.0] * (n - 1),
                      gates={"input": [1.0] + [0.0] * (n - 1), "forget": [0.99] * n, "output": [1.0] * n}), "cell")
    assert next(t for t, c in enumerate(slow) if c < 0.5) == 69
    assert "69" in numbers(lesson.steps[2].text.en)


def test_12_the_road_to_attention_is_computed_by_the_model(client):
    lesson = lessons.LESSONS["road-to-attention"]
    rows = client.get("/api/lessons/road-to-attention?lang=en").json()["comparison"]
    assert [(r["architecture"], r["steps"]) for r in rows] == [
        ("rnn", 11), ("carousel", 11), ("bidirectional", 1), ("attention", 1)]
    rnn_row = rows[0]
    assert rnn_row["survives"] == pytest.approx(0.9 ** 11) and fmt(rnn_row["survives"]) == "0.314"
    assert [r["survives"] for r in rows[1:]] == [1.0, 1.0, 1.0]
    # The same as the model's runs: the RNN's error flow back to step 1, the cell's.
    assert rnn(client, lesson)["error_flow"][0] == pytest.approx(rnn_row["survives"], rel=1e-12)
    answer = run(client, lesson)
    assert answer["error_flow"][0] == rows[1]["survives"]
    assert column(answer, "output")[11] == 1.0
    assert {"11", "0.314"} <= numbers(lesson.steps[0].text.en)
