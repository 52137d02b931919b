"""`make bench`'s section in docs/benchmarks.md: the figures now and the previous run's."""

from bench.__main__ import previous_figures, section_render


def test_a_new_section_quotes_the_previous_make_bench_figures_of_each_benchmark():
    first = section_render(when="2026-12-01 10:00 UTC", machine_line="vm, 2 CPUs",
                           revision="abc1234", results=[("postbacks", 0, "1,000/s\n")],
                           doc="# Benchmarks\n")
    assert "Previous: none by `make bench`" in first
    doc = "# Benchmarks\n\n" + first
    assert previous_figures(doc, "postbacks").startswith("`.venv/bin/python -m bench.postbacks`")

    second = section_render(when="2026-12-02 10:00 UTC", machine_line="vm, 2 CPUs",
                            revision="def5678",
                            results=[("postbacks", 0, "1,200/s"), ("campaign_send", 3, "boom")],
                            doc=doc)
    assert "> 1,000/s" in second  # the previous figure, quoted under the new one
    assert "**failed (exit 3)**" in second
    assert previous_figures(doc, "campaign_send") is None
