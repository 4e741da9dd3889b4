"""ember.apps: what the `ember` command runs, above the models: recipes, run folders and the experiments."""
