"""The benchmarks run end to end at tiny sizes; no timing is asserted (figures: bench.run)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from app.jobs.hyper_map import scalar_reference
from bench import map_vs_scalar, mlp_vs_torch, run, stream, surface_socket
from bench.common import Row, Table, blas_threads, interleaved, limited_blas
from tests.async_helpers import in_fresh_thread


def rates_positive(table: Table) -> bool:
    return all(row.rate is None or row.rate > 0 for row in table.rows)


def test_interleaved_alternates_jobs_and_keeps_each_best_call():
    calls: list[str] = []

    def job(name, work):
        def call():
            calls.append(name)
            return work
        return call

    m = interleaved({"a": job("a", 2.0), "b": job("b", 3.0)}, rounds=3, warmup=False)
    assert calls == ["a", "b"] * 3
    assert m["a"].work == 2.0 and len(m["b"].seconds) == 3
    assert m["a"].rate == 2.0 / min(m["a"].seconds)


def test_table_renders_text_and_markdown_with_ratio_and_goal():
    table = Table("T", [Row("fast", "10 runs", 0.5, 2e6, "steps/s", "slow", 1e5, "≥ 10×", True),
                        Row("info", "—", None, None, "")], ["a note"])
    text, md = table.text(), table.markdown()
    assert "20.00×" in text and "2.0 M steps/s" in text and "yes" in text and "a note" in text
    assert md.splitlines()[2].startswith("| what | size |") and "| 20.00× |" in md
    assert table.all_met
    assert "Goals met: 1 of 1." in run.summary([table])


def test_limited_blas_sets_and_restores_threads():
    before = blas_threads()
    if before is None:
        pytest.skip("NumPy's OpenBLAS thread control is not reachable here")
    with limited_blas(1) as applied:
        assert applied and blas_threads() == 1
    assert blas_threads() == before


def test_map_python_baseline_does_the_maths_of_the_single_run_path():
    exp = map_vs_scalar.experiment(side=5, steps=40)
    python = map_vs_scalar.PythonCells(exp, [(1, 3)])
    (lr, beta_1), = python.args
    x, y = map_vs_scalar.python_cell_bare(lr, beta_1, python.beta_2, python.epsilon, exp.steps,
                                          python.start)
    np.testing.assert_allclose([x, y], scalar_reference(exp, 1, 3), rtol=1e-12)


def test_map_benchmark_runs_and_python_cells_agree_with_the_map():
    table = map_vs_scalar.measure(side=6, steps=30, python_cells=4, reference_cells=1, rounds=1)
    assert len(table.rows) == 4 and rates_positive(table)
    assert all(row.met is None for row in table.rows)  # goals only at full size
    assert any("4 of 4 equal" in note for note in table.notes)
    assert not any("WARNING" in note for note in table.notes)


def test_mlp_benchmark_runs_both_nets_in_both_thread_settings():
    pytest.importorskip("torch", reason="PyTorch is the baseline of this benchmark")
    table = mlp_vs_torch.measure({"small": 3, "large": 2}, rounds=1, full=False)
    assert table.skipped is None and len(table.rows) == 4 and rates_positive(table)
    assert all(row.baseline_rate and row.baseline_rate > 0 for row in table.rows)


def test_mlp_benchmark_skips_with_a_message_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    table = mlp_vs_torch.measure({"small": 1, "large": 1}, rounds=1)
    assert table.skipped and "PyTorch" in table.skipped and not table.rows
    assert "skipped" in table.text()


def test_stream_benchmark_receives_every_epoch_over_a_real_server():
    table = in_fresh_thread(stream.measure, epochs=4, rounds=1, full=False)
    streamed, direct = table.rows
    assert streamed.rate and streamed.rate > 0 and direct.rate and direct.rate > 0
    assert streamed.baseline_rate == direct.rate


def test_surface_benchmark_plays_and_sends_instantly_over_a_real_server():
    table = in_fresh_thread(surface_socket.measure, (20,), play_steps=30, rounds=1, full=False)
    assert [row.what.split(":")[0] for row in table.rows] == [
        "instant", f"play at speed {stream.MAX_SPEED:g}", f"play at speed {stream.MAX_SPEED:g}",
        f"play at speed {stream.MAX_SPEED:g}"]
    assert rates_positive(table) and table.rows[1].seconds is not None


@pytest.mark.browser
def test_page_latency_benchmark_measures_slider_releases_in_chromium():
    from bench import page_latency

    if not page_latency.CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    timings = in_fresh_thread(page_latency.measure, releases=2)
    assert len(timings["draw"]) == 2 and all(t > 0 for t in timings["draw"])


def test_landscape_bench_runs_at_a_tiny_size():
    from bench import landscape_slice

    table = landscape_slice.measure(grid=3, rounds=1, full=False)
    assert rates_positive(table) and table.rows[1].baseline_rate
    assert "largest relative difference" in table.notes[0]
