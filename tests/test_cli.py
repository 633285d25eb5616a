"""The command line, through click's CliRunner and, once, as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefing.cli import cli, main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def invoke(*args: str, input: str | None = None):
    """Run through main() so typed errors become exit codes, as for a user."""
    runner = CliRunner()
    return runner.invoke(click.Command("wrapper", callback=lambda: main(list(args))), [], input=input)


def commands():
    return sorted(cli.commands.items())


@pytest.mark.parametrize(("name", "command"), commands())
def test_every_command_has_help_text(name, command):
    assert command.help, f"{name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help text"


def readme_sections() -> dict[str, str]:
    """The README's "### `briefing NAME ...`" sections, by command name."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = {}
    for chunk in readme.split("\n### ")[1:]:
        heading = chunk.split("\n", 1)[0]
        if heading.startswith("`briefing "):
            sections[heading.split()[1].rstrip("`")] = chunk
    return sections


def test_readme_documents_every_command_and_flag():
    sections = readme_sections()
    missing = []
    for name, command in commands():
        if name not in sections:
            missing.append(f"briefing {name}")
            continue
        readme = sections[name]
        for param in command.params:
            if isinstance(param, click.Option):
                long = [o for o in param.opts if o.startswith("--")]
                # --config is common to every command and documented once, above them.
                if long and long[0] != "--config" and long[0] not in readme:
                    missing.append(f"briefing {name} {long[0]}")
    assert not missing, f"README lacks: {missing}"
    assert "`--config FILE` names the config file" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_articles_json_on_seeds():
    result = invoke("articles", str(SEEDS), "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    by_name = {Path(r["path"]).name[:3]: r for r in records}
    assert by_name["001"]["outlet"] == "虎嗅APP"
    assert by_name["004"]["title_derived"] is True
    assert by_name["004"]["date"] is None and by_name["004"]["date_text"] == "1月16日"
    assert [name for name, r in sorted(by_name.items()) if r["reworded"]] == ["004"]
    for record in records:
        assert {"path", "title", "title_derived", "date", "date_text", "outlet", "author", "url", "encoding",
                "chars", "paragraphs", "reworded", "problems"} <= set(record)


def test_articles_reports_skipped_files_and_strict_fails(tmp_path):
    (tmp_path / "good.txt").write_text("标题\n\n美国商务部周二宣布新的出口管制措施。中方表示坚决反对。\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = invoke("articles", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    skipped = [line for line in lines if "skipped" in line]
    assert [Path(s["path"]).name for s in skipped] == ["empty.txt"]
    strict = invoke("articles", str(tmp_path), "--strict")
    assert strict.exit_code == 1
    assert "empty.txt" in strict.output


def test_summarize_file_prints_top_sentences():
    result = invoke("summarize", str(SEEDS / "002_08d335e269f9cf71.txt"), "--top", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    # Display normalisation may turn ASCII punctuation full-width: compare content characters.
    def content(text):
        return "".join(ch for ch in text if ch.isalnum())

    source = content((SEEDS / "002_08d335e269f9cf71.txt").read_text(encoding="utf-8"))
    for line in lines:
        assert len(content(line)) >= 10
        assert content(line) in source


def test_summarize_jsonl_streams_all_sentences():
    lines = [
        {"id": 1, "article": "美国商务部宣布新的出口管制。中方表示坚决反对。双方将继续对话。"},
        {"id": "b", "article": "英伟达发布新芯片。"},
    ]
    result = invoke("summarize", "--jsonl", input="\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == [1, "b"]
    assert sorted(out[0]["sentences"]) == sorted(["美国商务部宣布新的出口管制。", "中方表示坚决反对。", "双方将继续对话。"])
    assert out[1]["sentences"] == ["英伟达发布新芯片。"]


def test_summarize_jsonl_bad_line_is_a_usage_error():
    result = invoke("summarize", "--jsonl", input="not json\n")
    assert result.exit_code == 2
    assert "stdin line 1" in result.output


def test_themes_classify_stdin():
    text = "美国商务部将更多中国企业列入实体清单。\n中美两国元首在旧金山举行会晤。\n"
    result = invoke("themes", "--classify", "-", input=text)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["sentence"] for r in rows] == text.split()
    assert rows[0]["theme"] != rows[1]["theme"]
    assert all(set(r) == {"sentence", "theme", "score", "keywords"} for r in rows)


def test_themes_classify_reads_traditional_text_as_the_pipeline_does(tmp_path):
    # Taiwan wording (輝達, 晶片) is classified like the mainland's, and echoed as given.
    text = "美國商務部宣布限制輝達先進晶片對中國出口。\n"
    result = invoke("themes", "--classify", "-", input=text)
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["sentence"] == text.strip() and row["theme"] == "export_controls"
    config = tmp_path / "briefing.toml"
    config.write_text('[themes]\nclassifier = "keywords"\n', encoding="utf-8")
    keywords = invoke("themes", "--config", str(config), "--classify", "-", input=text)
    assert keywords.exit_code == 0 and json.loads(keywords.output)["score"] > 1  # keyword scores, not probabilities
    config.write_text('[themes]\nclassifier = "bayes"\n', encoding="utf-8")
    bad = invoke("themes", "--config", str(config), "--classify", "-", input=text)
    assert bad.exit_code == 2 and "classifier" in bad.output


def test_themes_explains_every_selected_point():
    result = invoke("themes", str(SEEDS), "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert 10 <= len(rows) <= 25
    for row in rows:
        assert {"theme", "score", "keywords", "sentence", "sources"} <= set(row)
        assert row["sources"] and all(Path(p).parent.name == "seeds" for p in row["sources"])
    assert any(row["theme"] == "export_controls" and row["keywords"] for row in rows)
    table = invoke("themes", str(SEEDS))
    assert table.exit_code == 0 and "keywords:" in table.output


def test_build_writes_every_format(tmp_path):
    out = tmp_path / "brief.pdf"
    result = invoke("build", str(SEEDS), "-o", str(out), "--format", "pdf,html,md,json", "--today", "2024-06-01")
    assert result.exit_code == 0, result.output
    written = sorted(Path(line).name for line in result.output.splitlines())
    assert written == ["brief.html", "brief.json", "brief.md", "brief.pdf"]
    assert out.read_bytes().startswith(b"%PDF")
    data = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    assert data["sections"]


def test_build_default_output_is_dated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("build", str(SEEDS), "--today", "2024-06-01", "--format", "md", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "out" / "brief-2024-06-01.md").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--format", "docx"], "unknown format(s) docx"),
        (["build", "--today", "yesterday"], "YYYY-MM-DD"),
    ],
)
def test_build_usage_errors_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_config_error_exit_2_names_key(tmp_path):
    config = tmp_path / "briefing.toml"
    config.write_text("[build]\nsources = ['x']\nlogo = 'x.png'\n", encoding="utf-8")
    result = invoke("config", "--config", str(config))
    assert result.exit_code == 2
    assert "unknown key build.logo" in result.output


def test_config_prints_effective_settings(tmp_path):
    config = tmp_path / "briefing.toml"
    config.write_text("[build]\ntop = 11\n", encoding="utf-8")
    result = invoke("config", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "top = 11" in result.output
    assert f"# from: {config}" in result.output


def test_console_script_runs_as_a_process():
    # The installed entry point, not just the click object.
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "briefing" in result.stdout


def test_translate_keeps_line_count_and_order():
    lines = ["苏齐芳说，荷兰队获胜。", "", "美国商务部1月16日发布新规。"]
    result = invoke("translate", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    from briefing.translate import gist

    assert result.output.splitlines() == [gist(lines[0]), "", gist(lines[2])]


def test_translate_json_names_the_mode_and_the_backend_flag_applies(tmp_path):
    source = tmp_path / "lines.txt"
    source.write_text("外交部发言人郭嘉昆表示\n英伟达芯片\n", encoding="utf-8")
    result = invoke("translate", str(source), "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["zh"] for r in records] == ["外交部发言人郭嘉昆表示", "英伟达芯片"]
    assert records[0]["en"].startswith("Foreign Ministry spokesperson Guo Jiakun")
    assert {r["mode"] for r in records} == {"gist"}
    none = invoke("translate", str(source), "--json", "--translator", "none")
    assert [json.loads(line)["mode"] for line in none.output.splitlines()] == ["none", "none"]


def test_translate_reads_corrections_from_the_config(tmp_path):
    corrections = tmp_path / "corrections.tsv"
    corrections.write_text("英伟达芯片\tNvidia's chips\n", encoding="utf-8")
    config = tmp_path / "briefing.toml"
    config.write_text(f'[translate]\ncorrections = "{corrections}"\n', encoding="utf-8")
    result = invoke("translate", "--config", str(config), "--json", input="英伟达芯片\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"zh": "英伟达芯片", "en": "Nvidia's chips", "mode": "reviewed"}


def test_translate_missing_file_is_a_usage_error(tmp_path):
    assert invoke("translate", str(tmp_path / "absent.txt")).exit_code == 2


def test_translate_falls_back_to_the_gist_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFING_TRANSLATE_OPENAI_MODEL", raising=False)
    config = tmp_path / "briefing.toml"
    config.write_text('[translate]\nopenai_base_url = "http://127.0.0.1:9/v1"\ncache = false\n', encoding="utf-8")
    result = invoke("translate", "--config", str(config), "--translator", "openai", "--json", input="英伟达芯片\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[-1]) == {"zh": "英伟达芯片", "en": "Nvidia chips", "mode": "gist"}
    strict = invoke("translate", "--config", str(config), "--translator", "openai", "--strict", input="英伟达芯片\n")
    assert strict.exit_code == 1
