"""`python -m bot compare`: whether a change moved the out-of-fold figures by more than chance would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import evaluation
from bot.__main__ import main


def _result(question_id: str, answerable: bool, cited: bool = False, complete: bool = False, declined: bool = False) -> dict:
    return {"id": question_id, "answerable": answerable, "cited_gold": cited, "has_all": complete, "abstained": declined}


def _results(cited: int, answerable: int = 40, declined_unanswerable: int = 5, unanswerable: int = 10) -> list[dict]:
    return [_result(f"a{n}", True, cited=n < cited, complete=n < cited) for n in range(answerable)] + [
        _result(f"u{n}", False, declined=n < declined_unanswerable) for n in range(unanswerable)
    ]


def _by_measure(changes: list[evaluation.Change]) -> dict[str, evaluation.Change]:
    return {change.measure: change for change in changes}


def test_the_same_results_twice_are_no_change():
    changes = _by_measure(evaluation.compare(_results(30), _results(30)))
    assert changes["cite"].before == changes["cite"].after == 0.75
    assert (changes["cite"].low, changes["cite"].high) == (0.0, 0.0)
    assert "*" not in changes["cite"].row()


def test_one_question_gained_is_within_chance_and_many_are_not():
    one = _by_measure(evaluation.compare(_results(30), _results(31)))["cite"]
    assert one.low <= 0 <= one.high and "*" not in one.row()
    many = _by_measure(evaluation.compare(_results(20), _results(36)))["cite"]
    assert many.after - many.before == pytest.approx(0.4)
    assert many.low > 0 and many.row().endswith("*")


def test_a_few_questions_moved_one_way_are_not_called_more_than_chance():
    """Four of 40 gained and none lost: the bootstrap interval leaves 0 out, the sign test (p = 0.125) does not."""
    four = _by_measure(evaluation.compare(_results(30), _results(34)))["cite"]
    assert four.p_value == pytest.approx(0.125) and "*" not in four.row()
    six = _by_measure(evaluation.compare(_results(30), _results(36)))["cite"]
    assert six.p_value == pytest.approx(0.03125) and six.row().endswith("*")


def test_the_interval_of_a_measure_holds_its_share():
    low, high = evaluation.interval(_results(30), "cite")
    assert low < 0.75 < high
    low, high = evaluation.interval(_results(30, declined_unanswerable=10), "unans")
    assert (low, high) == (1.0, 1.0)


def test_compare_names_the_questions_that_moved_by_category(tmp_path, capsys):
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    questions = tmp_path / "questions.jsonl"
    before.write_text("\n".join(json.dumps(r) for r in _results(30)), encoding="utf-8")
    after.write_text("\n".join(json.dumps(r) for r in _results(31)), encoding="utf-8")
    questions.write_text(json.dumps({"id": "a30", "question": "q", "category": "paraphrase", "evidence": []}) + "\n", encoding="utf-8")

    assert main(["compare", str(before), str(after), "--questions", str(questions)]) == 0

    printed = capsys.readouterr().out
    assert "cite" in printed and "0.75" in printed and "0.78" in printed
    assert "questions whose outcome moved: 1" in printed
    assert "paraphrase: a30 (cited_gold False->True, has_all False->True)" in printed


@pytest.mark.parametrize("content", ["not json\n", "5\n", '{"id": "q1", "question": "what?"}\n', ""])
def test_compare_of_a_file_that_is_not_results_says_so(tmp_path, capsys, content):
    broken = tmp_path / "broken.jsonl"
    broken.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["compare", str(broken), str(broken)])
    assert stopped.value.code == 2
    assert "not a file of `eval --details` results" in capsys.readouterr().err


def test_compare_of_results_on_other_questions_says_so(tmp_path, capsys):
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_text(json.dumps(_result("a1", True)) + "\n", encoding="utf-8")
    after.write_text(json.dumps(_result("b1", True)) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["compare", str(before), str(after)])
    assert "share no question" in capsys.readouterr().err


def test_compare_says_how_many_questions_it_left_out(tmp_path, capsys):
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_text("\n".join(json.dumps(r) for r in _results(30)), encoding="utf-8")
    after.write_text("\n".join(json.dumps(r) for r in _results(30)[:-2]), encoding="utf-8")
    assert main(["compare", str(before), str(after), "--questions", str(tmp_path / "none.jsonl")]) == 0
    printed = capsys.readouterr().out
    assert "48 questions in both (2 only before and 0 only after, left out)" in printed
    assert "categories are shown as ?" in printed


def test_compare_needs_no_knowledge_base(tmp_path, capsys):
    results = tmp_path / "r.jsonl"
    results.write_text("\n".join(json.dumps(r) for r in _results(30)), encoding="utf-8")
    assert main(["--index", str(tmp_path / "no-kb"), "compare", str(results), str(results), "--questions", str(Path("missing.jsonl"))]) == 0
    assert "questions whose outcome moved: 0" in capsys.readouterr().out
