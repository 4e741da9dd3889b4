import pytest

import ember
from ember.apps.recipes import RECIPES, RunError, make_optimizer, recipe, schedule


def learning_rates(settings, steps):
    """The learning rate before each of `steps` batches under the recipe's schedule, and after the last."""
    optimizer = make_optimizer(settings, ember.nn.Linear(2, 2))
    scheduler = schedule(settings, optimizer, steps)
    rates = [optimizer.param_groups[0]["lr"]]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


def test_options_given_are_laid_over_the_recipe():
    settings = recipe("gpt", {"lr": 0.5, "epochs": None})
    assert settings == dict(RECIPES["gpt"], lr=0.5)
    assert recipe("vgg", {})["optimizer"] == "sgd"  # a classifier without a recipe of its own
    with pytest.raises(RunError, match="unknown model 'nope'; choose from "):
        recipe("nope", {})


@pytest.mark.parametrize("model", ["lenet", "char-lstm", "gpt"])
def test_each_schedule_ends_at_its_final_learning_rate(model):
    settings = recipe(model, {"iterations": 300})
    assert learning_rates(settings, 300)[-1] == pytest.approx(settings.get("final_lr", 0.0), abs=1e-12)


@pytest.mark.parametrize("model", ["lenet", "char-lstm"])
def test_a_schedule_without_warmup_starts_at_the_learning_rate_and_falls(model):
    settings = recipe(model, {"iterations": 300})
    rates = learning_rates(settings, 300)
    assert rates[0] == settings["lr"] and rates == sorted(rates, reverse=True)


def test_warmup_rises_to_the_learning_rate_then_falls():
    settings = recipe("gpt", {"iterations": 300})
    rates, warmup = learning_rates(settings, 300), settings["warmup"]
    assert rates[0] == pytest.approx(settings["lr"] / warmup) and rates[:warmup] == sorted(rates[:warmup])
    assert rates[warmup - 1] == pytest.approx(settings["lr"]) and rates[warmup:] == sorted(rates[warmup:], reverse=True)


def test_a_recipe_without_a_schedule_has_none():
    settings = recipe("mlp", {})
    assert schedule(settings, make_optimizer(settings, ember.nn.Linear(2, 2)), 10) is None
