"""The page's strings in en, zh-Hant and zh-Hans: same keys, same placeholders, real
translations in the field's own terms, each script kept to its own characters."""

import json
import re

import pytest

from app import config, model, ui_strings
from app.paths import STATIC, TEMPLATES

LANGS = ui_strings.CODES
EN = ui_strings.strings("en")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Word-order pieces that may be empty in one language ("Step 3 of 12" / "第 3 步，共 12 步").
AFFIXES = {"step.prefix", "step.middle", "step.suffix"}
# Strings that are the same in every language (names and symbols).
SAME_EVERYWHERE = {"compare.rnn"}
# Characters only one of the two scripts uses, among those this page needs.
ONLY_TRADITIONAL = "閘輸記憶細網環這個時誤傳帶儲設說鍵載圖課連結複選動點數變壓檢對過後們態轉"
ONLY_SIMPLIFIED = "门输记忆细网环这个时误传带储设说键载图课连结复选动点数变压检对过后们态转"


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.fixture(scope="module", params=LANGS)
def lang(request):
    return request.param


def test_every_language_has_a_file_read_by_the_server(lang):
    assert (STATIC / "i18n" / f"{lang}.json").is_file()
    assert ui_strings.strings(lang)


def test_same_keys_as_english(lang):
    strings = ui_strings.strings(lang)
    assert sorted(set(EN) - set(strings)) == [], "missing"
    assert sorted(set(strings) - set(EN)) == [], "extra"


def test_placeholders_match_english(lang):
    strings = ui_strings.strings(lang)
    bad = {k: (EN[k], strings[k]) for k in EN if placeholders(EN[k]) != placeholders(strings[k])}
    assert bad == {}


def test_no_empty_strings(lang):
    blank = [k for k, v in ui_strings.strings(lang).items() if not v.strip() and k not in AFFIXES]
    assert blank == []
    assert all(isinstance(v, str) for v in ui_strings.strings(lang).values())


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_chinese_strings_are_translated(lang):
    strings = ui_strings.strings(lang)
    untranslated = [k for k in EN if k not in SAME_EVERYWHERE | AFFIXES
                    and (strings[k] == EN[k] or not CJK.search(strings[k]))]
    assert untranslated == []


def test_each_script_keeps_to_its_own_characters():
    hant, hans = ui_strings.strings("zh-Hant"), ui_strings.strings("zh-Hans")
    for key in EN:
        assert not set(hant[key]) & set(ONLY_SIMPLIFIED), (key, hant[key])
        assert not set(hans[key]) & set(ONLY_TRADITIONAL), (key, hans[key])
    differ = [k for k in EN if CJK.search(hant[k]) and hant[k] != hans[k]]
    assert len(differ) > len(EN) // 2  # most strings really are written differently


@pytest.mark.parametrize("key, hant, hans", [
    ("gate.input", "輸入閘", "输入门"),
    ("gate.output", "輸出閘", "输出门"),
    ("gate.forget", "遺忘閘", "遗忘门"),
    ("stage.title", "記憶細胞", "记忆细胞"),
    ("compare.title", "循環神經網路", "循环神经网络"),
    ("compare.cell_loop", "自環", "自环"),
    ("readout.cell", "儲存值", "存储值"),
    ("tape.title", "紙帶", "纸带"),
    ("tape.goto", "步", "步"),
])
def test_the_fields_own_terms(key, hant, hans):
    assert hant in ui_strings.strings("zh-Hant")[key]
    assert hans in ui_strings.strings("zh-Hans")[key]


def test_every_key_the_page_uses_exists():
    """Static keys in the template (data-i18n, t("...")) and in the scripts (t("..."))."""
    sources = [(TEMPLATES / "index.html").read_text(encoding="utf-8")]
    sources += [p.read_text(encoding="utf-8") for p in (STATIC / "js").glob("*.js")]
    used = set()
    for text in sources:
        used |= set(re.findall(r'data-i18n="([\w.-]+)"', text))
        for attrs in re.findall(r'data-i18n-attr="([^"{]+)"', text):
            used |= {pair.partition(":")[2].strip() for pair in attrs.split(";") if ":" in pair}
        used |= set(re.findall(r"""\bt\(\s*["']([\w.-]+)["']""", text))
    used = {k for k in used if "." in k and k[-1] not in "._-"}  # not prefixes built in code
    assert len(used) > 50, "the patterns found too little: the page's markup has changed"
    assert sorted(k for k in used if k not in EN) == []


def test_every_key_built_from_a_name_exists():
    """Keys the template and scripts build: control.<hideable>, variant.<v>, gate.<g>..."""
    built = [f"control.{c}" for c in config.HIDEABLE_CONTROLS]
    built += [f"variant.{v}" for v in model.VARIANTS] + [f"squash.{s}" for s in model.SQUASHES]
    built += [f"gate.{g}" for g in model.GATES]
    assert sorted(k for k in built if k not in EN) == []


@pytest.mark.parametrize("header, lang", [
    (None, "en"), ("zh-TW", "zh-Hant"), ("zh-HK,en;q=0.5", "zh-Hant"), ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("zh", "zh-Hans"), ("en-US,zh-TW;q=0.8", "en"), ("zh-Hant-TW", "zh-Hant"),
])
def test_page_language_follows_accept_language(client, header, lang):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    html = response.text
    assert re.search(rf'<html lang="{lang}">', html)
    embedded = re.search(
        r'<script type="application/json" id="lab-strings" data-lang="([^"]+)" data-partial>(.*?)</script>', html, re.S
    )
    assert embedded.group(1) == lang
    # The strings of the first render, in that language (the rest come with the parts).
    first = json.loads(embedded.group(2))
    assert first == ui_strings.first_render_strings(lang)
    assert first.items() <= ui_strings.strings(lang).items() and "notice.part_failed" in first
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title == ui_strings.strings(lang)["app.title"]


def test_no_raw_key_in_the_rendered_page(client):
    for header in ("en", "zh-TW", "zh-CN"):
        html = client.get("/", headers={"Accept-Language": header}).text
        body = re.sub(r"<script.*?</script>", "", html, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", body)
        raw = [k for k in EN if re.search(rf"(?<![\w.-]){re.escape(k)}(?![\w-])", text)]
        assert raw == [], header
