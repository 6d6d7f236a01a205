"""The ILO category rules reproduce the labels the ILO published, from its published means and SDs."""

from __future__ import annotations

import csv

from cartographie_desktop.core import ilo
from cartographie_desktop.paths import data_dir


def _published():
    with open(data_dir() / "ilo" / "professions_oit.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_2023_rules_reproduce_every_published_label():
    rows = _published()
    assert len(rows) == 427
    wrong = [r["isco08"] for r in rows
             if ilo.category_2023(float(r["mean_2023"]), float(r["sd_2023"]))
             != ilo.ILO_LABELS_2023[r["potential_2023"]]]
    assert wrong == []


def test_2025_rules_reproduce_all_but_three_float_noise_cases():
    # 1213, 3134 and 3152 have mean + SD exactly 0.40 and are published « Not Exposed »: the ILO's own float noise.
    rows = _published()
    wrong = sorted(r["isco08"] for r in rows
                   if ilo.category_2025(float(r["mean_2025"]), float(r["sd_2025"]))
                   != ilo.ILO_LABELS_2025[r["potential_2025"]])
    assert wrong == ["1213", "3134", "3152"]


def test_category_boundaries():
    assert ilo.category_2025(0.60, 0.0) == "gradient_4"
    assert ilo.category_2025(0.599, 0.0) == "gradient_4"  # rounds to 0.60
    assert ilo.category_2025(0.5, 0.0) == "gradient_3"
    assert ilo.category_2025(0.45, 0.05) == "gradient_2"
    assert ilo.category_2025(0.45, 0.04) == "minimale"
    assert ilo.category_2025(0.30, 0.20) == "gradient_1"
    assert ilo.category_2025(0.30, 0.10) == "minimale"
    assert ilo.category_2025(0.30, 0.09) == "non_expose"
    assert ilo.category_2023(0.70, 0.20) == "automatisation"
    assert ilo.category_2023(0.70, 0.21) == "grande_inconnue"
    assert ilo.category_2023(0.30, 0.21) == "augmentation"
    assert ilo.category_2023(0.30, 0.20) == "non_concerne"


def test_task_table_is_complete():
    tasks = ilo.load_tasks(data_dir() / "ilo", {})
    assert len(tasks) == 3266
    assert sum(t.score_2023 is None for t in tasks.values()) == 3
    assert all(0 <= t.score_2025 <= 1 for t in tasks.values())
    assert tasks[("4226", 2)].score_2025 == 0.735
    assert "‚Äô" not in "".join(t.text_en for t in tasks.values())


def test_reasoning_is_read_on_demand():
    reasoning = ilo.reasoning(data_dir() / "ilo", ("4226", 2))
    assert reasoning is not None
    assert reasoning.score_gpt4o is not None
    assert "appointment" in (reasoning.reasoning_gpt4o + reasoning.reasoning_gemini).lower()


def test_every_task_has_a_french_translation():
    ilo_dir = data_dir() / "ilo"
    translations = ilo.load_translations(ilo_dir)
    tasks = ilo.load_tasks(ilo_dir, translations)
    assert set(translations) == set(tasks)
    assert all(text.strip() and text != tasks[key].text_en for key, text in translations.items())
    assert tasks[("4226", 2)].text_fr == "Fixer des rendez-vous pour les clients"
