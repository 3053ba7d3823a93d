"""Fixtures for the window tests: a real dataset, a planner and a shown main window."""

from __future__ import annotations

import pytest

from siteselect.model.dataset import load_dataset
from siteselect.model.settings import ScoringSettings


@pytest.fixture
def dataset():
    return load_dataset()


@pytest.fixture
def planner_state(qapp, dataset):
    from siteselect.ui.planner import Planner

    return Planner(dataset, ScoringSettings())


@pytest.fixture
def window(qtbot, planner_state):
    from siteselect.ui.main_window import MainWindow

    w = MainWindow(planner_state, restore_settings=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w
