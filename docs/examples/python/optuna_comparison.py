"""A comparison driven from Python: Optuna's TPE (ask/tell), TPE with Optuna's Hyperband pruner
fed the per-epoch validation accuracies, and nhb2's built-in optimizers, on the same benchmark,
budget and number of runs.

    PYTHONPATH=build/python /usr/bin/python3 docs/examples/python/optuna_comparison.py
"""

import statistics

import optuna

import nhb2

OPS = [0, 1, 2, 3]


def suggest_config(trial):
    """One config from Optuna's search space: six edge ops, learning rate, batch size."""
    ops = [trial.suggest_categorical(f"edge{i}", OPS) for i in range(6)]
    cellcode = "{}|{}{}|{}{}{}".format(*ops)
    lr = trial.suggest_categorical("lr", nhb2.learning_rates())
    batch_size = trial.suggest_categorical("batch_size", nhb2.batch_sizes())
    return nhb2.Config(cellcode, lr, batch_size)


def optuna_run(bench, seed, budget, hyperband):
    """One run: Optuna asks, nhb2's session answers and logs, until the budget is spent.

    With hyperband, every trial reports its validation accuracy after each epoch; when Optuna
    prunes it at epoch k, the session is charged (and logs) training to epoch k only.
    """
    pruner = (optuna.pruners.HyperbandPruner(min_resource=1, max_resource=12, reduction_factor=3)
              if hyperband else optuna.pruners.NopPruner())
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)
    session = bench.session()
    while session.total_cost < budget:
        trial = study.ask()
        config = suggest_config(trial)
        epochs = 12
        if hyperband:
            for epoch in range(1, 13):
                accuracy, _ = bench.query(config, iepoch=epoch)  # not logged: a look-ahead
                trial.report(accuracy, epoch)
                if trial.should_prune():
                    epochs = epoch
                    break
        accuracy, _ = session.query(config, iepoch=epochs)  # logged: the training that ran
        if epochs < 12:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, accuracy)
    return session.results()  # the incumbent's test accuracy at 12 and 200 epochs


def compare(runs=10, budget=20000.0, seed=0, builtins=("random_search", "regularized_evolution")):
    """{label: [test accuracy at 12 epochs of each run]}; run i of every method gets seed i."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bench = nhb2.Benchmark()
    table = {}
    for label, hyperband in (("optuna_tpe", False), ("optuna_tpe_hyperband", True)):
        table[label] = [optuna_run(bench, nhb2.run_seed(seed, i) % 2**32, budget, hyperband)[12]
                        for i in range(runs)]
    for name in builtins:
        table[name] = [r["test_acc_12"]
                       for r in nhb2.run(name, budget=budget, runs=runs, seed=seed,
                                         benchmark=bench)]
    return table


if __name__ == "__main__":
    for label, accs in compare().items():
        print(f"{label:24s} {statistics.mean(accs):6.2f} ± {statistics.stdev(accs):.2f}")
