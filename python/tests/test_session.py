"""nhb2.Session: the reference API's log, incumbent and results."""

import pytest

import nhb2


def test_every_epoch_12_query_is_logged_with_the_strict_incumbent_rule(bench):
    session = bench.session()
    configs = [nhb2.Config.from_index(i) for i in (100, 5000, 70000, 100)]
    answers = [session.query(c) for c in configs]
    assert len(session) == 4 and session.num_queries == 4
    assert session.acc_trans == [a for a, _ in answers]
    assert session.key_trans == configs
    assert session.total_cost_trans == pytest.approx(
        [sum(c for _, c in answers[: i + 1]) for i in range(4)], rel=0, abs=0)
    best = []
    incumbent = None
    for acc, _ in answers:
        if incumbent is None or incumbent < acc:
            incumbent = acc
        best.append(incumbent)
    assert session.best_acc_trans == best
    assert session.best_acc == best[-1]
    assert session.log[2]["key"] == configs[2] and session.log[2]["epochs"] == 12


def test_epoch_200_queries_are_not_logged(bench):
    session = bench.session()
    acc, cost = session.query(42, epoch=200)
    assert cost is None and len(session) == 0 and session.best_key is None


def test_results_give_the_incumbents_test_accuracy_without_logging(bench):
    session = bench.session()
    for i in (10, 20000, 150000):
        session.query(i)
    results = session.results()
    assert set(results) == {12, 200} and len(session) == 3
    best = session.best_key
    assert results[12] == bench.query(best, mode="test")[0]
    assert results[200] == bench.query(best, epoch=200)[0]


def test_results_before_any_query_raise_an_nhb2_error(bench):
    with pytest.raises(nhb2.Error, match="not queried anything"):
        bench.session().results()


def test_seed_policies_and_set_seed(bench):
    session = bench.session()
    assert session.seed == 222 and session.seed_policy == "fixed"
    session.set_seed(555)
    assert session.query(7)[0] == bench.query(7, seed=555)[0]
    with pytest.raises(nhb2.InvalidArgument, match="222"):
        session.set_seed(1)
    mean = nhb2.Session(bench, seed_policy="mean")
    values = [bench.query(7, seed=s)[0] for s in (222, 555, 888)]
    assert mean.query(7)[0] == pytest.approx(sum(values) / 3)
    sampled_a = nhb2.Session(bench, seed_policy="sampled", rng_seed=3)
    sampled_b = nhb2.Session(bench, seed_policy="sampled", rng_seed=3)
    assert [sampled_a.query(i) for i in range(20)] == [sampled_b.query(i) for i in range(20)]
    with pytest.raises(nhb2.InvalidArgument, match="allowed: fixed, mean, sampled"):
        nhb2.Session(bench, seed_policy="median")


def test_reset_clears_the_log(bench):
    session = bench.session()
    session.query(1)
    session.reset()
    assert len(session) == 0 and session.total_cost == 0 and session.best_key is None
